"""Open slots and self-picks: staff claim an open shift (or route) of the period themselves."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from planner import mapping, person_rules
from planner.auth import (
    Actor,
    require_self_or_planner,
)
from planner.errors import (
    RuleRefusal,
)
from planner.models import (
    CoverRule,
    Period,
    SelfPick,
    SelfPickCreate,
)
from planner.people import person_label
from planner.services._base import (
    _check_slot,
    _commit,
    _person,
    _require_editable,
    _row_values,
    audit,
    get,
)
from planner.services.periods import get_period
from planner.services.wishes import _visible_staff
from solver.rules.cover import in_force

# ---- open slots and self-picks ----------------------------------------------------------------------


def open_slots(period_id: int, *, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Per day and shift: how many people the day needs, how many have claimed it, and each route slot
    with whether it is still free. Staff see that a slot is taken, the planner also by whom."""
    period = get_period(period_id, session=session, actor=actor)
    staff, shifts, routes, cover = mapping.team_rows(session, period.team_id)
    code = {s.id: s.code for s in staff}
    picks = session.exec(select(SelfPick).where(SelfPick.period_id == period_id)).all()
    claimed: Counter[tuple[dt.date, str]] = Counter((p.date, p.shift) for p in picks)
    by_route = {(p.date, p.shift, p.route): p for p in picks if p.route}
    planner = actor.plans
    out: list[dict[str, Any]] = []
    for i in range(period.days):
        day = period.start + dt.timedelta(days=i)
        for s in shifts:
            slots = []
            for r in routes:
                if s.code in r.shifts and day.weekday() in r.weekdays:
                    pick = by_route.get((day, s.code, r.code))
                    slot: dict[str, Any] = {
                        "route": r.code,
                        "name": r.name,
                        "district": r.district,
                        "skills": r.skills,
                        "free": pick is None,
                    }
                    if planner and pick is not None:
                        slot["claimed_by"] = code.get(pick.staff_id)
                    slots.append(slot)
            need = _need(cover, day, s.code)
            out.append(
                {
                    "date": day,
                    "shift": s.code,
                    "need": need,
                    "claimed": claimed[(day, s.code)],
                    "open": max(0, need - claimed[(day, s.code)]),
                    "routes": slots,
                }
            )
    return out


def _need(cover: Sequence[CoverRule], day: dt.date, shift: str) -> int:
    """The need of the cover rule for (day, shift) without a skill (`solver.rules.cover.in_force`: a
    date rule beats a weekday rule beats every day); without a rule, the routes decide (need 0 here)."""
    rule = in_force(cover, day, shift, None)
    return rule.need if rule is not None else 0


def list_self_picks(
    period_id: int, *, session: Session, actor: Actor, staff_id: int | None = None
) -> Sequence[SelfPick]:
    staff_id = _visible_staff(period_id, session=session, actor=actor, staff_id=staff_id)
    query = select(SelfPick).where(SelfPick.period_id == period_id)
    if staff_id is not None:
        query = query.where(SelfPick.staff_id == staff_id)
    return session.exec(query.order_by(col(SelfPick.date), col(SelfPick.id))).all()


def create_self_pick(period_id: int, data: SelfPickCreate, *, session: Session, actor: Actor) -> SelfPick:
    """Claim an open slot: one per person and day, a route slot for one person only, and only what the
    person's hard rules allow with their other claims and locks (`person_rules.check_claim`); a refusal
    is a `RuleRefusal` naming the rule."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_self_or_planner(actor, period.team_id, data.staff_id)
    person = _person(session, data.staff_id, period.team_id)
    _require_editable(period, actor)
    _check_slot(session, period, data.date, data.shift, data.route)
    mine = select(SelfPick).where(
        SelfPick.period_id == period_id, SelfPick.staff_id == data.staff_id, SelfPick.date == data.date
    )
    held = session.exec(mine).first()
    if held is not None:
        raise RuleRefusal(
            "one_shift_a_day",
            f"{person_label(session, data.staff_id)} has already claimed a slot on {data.date}",
            **person_rules.cell_params(session, period.team_id, data.date, held.shift, held.route),
        )
    if data.route is not None:
        taken = select(SelfPick).where(
            SelfPick.period_id == period_id,
            SelfPick.date == data.date,
            SelfPick.shift == data.shift,
            SelfPick.route == data.route,
        )
        if session.exec(taken).first() is not None:
            raise RuleRefusal(
                "taken",
                f"route {data.route!r} on {data.date} ({data.shift}) is already taken",
                **person_rules.cell_params(session, period.team_id, data.date, data.shift, data.route),
            )
    # Days off, vetoes, locks, rests, contract maxima, skills: the person's rules with this claim.
    person_rules.check_claim(session, period, person, data.date, data.shift, data.route)
    pick = SelfPick(period_id=period_id, **_row_values(SelfPick, data))
    session.add(pick)
    session.flush()
    audit(session, actor, period.team_id, "claim slot", f"self-pick {pick.id}", data=data)
    _commit(session)
    return pick


def delete_self_pick(pick_id: int, *, session: Session, actor: Actor) -> None:
    pick = get(session, SelfPick, pick_id, "self-pick", visible_to=actor)
    period = get(session, Period, pick.period_id, "period")
    require_self_or_planner(actor, period.team_id, pick.staff_id)
    _require_editable(period, actor)
    session.delete(pick)
    audit(session, actor, period.team_id, "release slot", f"self-pick {pick_id}")
    _commit(session)
