"""The fairness ledger across periods (issue 14): per person and published period the wish weight asked
and met, weekends and nights worked, with running totals (`planner.fairness`), and the credit the next
solve gives when the team weighs fairness by earlier periods. The planner reads the team's; a staff
member only their own lines."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from planner import fairness, mapping
from planner.auth import Actor, require_member
from planner.models import Period, Staff, Team
from planner.services._base import get


def fairness_ledger(team_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """The team's fairness ledger, oldest period first: `lines` (person, period, that period's figures
    and the running total), and for the planner `credits`, the fairness credit (per cent) each person
    would get in the next solve with `weigh_by_history` on. A staff member gets their own lines only."""
    team = get(session, Team, team_id, "team", visible_to=actor)
    require_member(actor, team_id)
    people = {p.code: p for p in session.exec(select(Staff).where(Staff.team_id == team_id)).all()}
    periods = {
        p.id: p
        for p in session.exec(
            select(Period).where(Period.team_id == team_id).order_by(col(Period.start))
        ).all()
    }
    lines = fairness.ledger(mapping.published_figures(session, team_id))
    planner = actor.can_plan(team_id)
    own = None
    if not planner:
        me = session.get(Staff, actor.staff_id) if actor.staff_id is not None else None
        own = me.code if me is not None else None
    out = []
    for line in lines:
        if not planner and line.staff != own:
            continue
        person, period = people.get(line.staff), periods[line.period]
        out.append(
            {
                **line.as_dict(),
                "staff_id": person.id if person else None,
                "name": (person.name or person.code) if person else line.staff,
                "period_name": period.name,
                "period_start": period.start.isoformat(),
            }
        )
    answer: dict[str, Any] = {
        "team": team.id,
        "weigh_by_history": mapping.team_rules(session, team_id).fairness_from_history,
        "lines": out,
    }
    if planner:
        totals = {line.staff: line.total for line in lines}
        answer["credits"] = fairness.credits(totals)
    return answer
