"""Rotas: drafts and published rotas, cell locks and changes, comparing, publishing and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from planner import mapping, meeting, person_rules
from planner.auth import (
    Actor,
    require_member,
    require_planner,
    require_self_or_planner,
)
from planner.errors import (
    Conflict,
    InputError,
    NotFound,
    PendingCell,
    PendingChanges,
)
from planner.export import rota_csv
from planner.models import (
    CellEdit,
    Lock,
    Period,
    Rota,
    RotaPublic,
    Staff,
    utcnow,
)
from planner.notifications import notify, period_params, team_user_ids
from planner.payroll import Bands, By, payroll_csv
from planner.people import person_labels
from planner.services import versions
from planner.services._base import (
    _check_slot,
    _commit,
    _person,
    audit,
    get,
)
from planner.services.periods import get_period
from planner.services.sickness import check_replan_publishable
from planner.texts import N_
from planner.views.printing import PrintRota, print_rota
from solver.problem import Problem
from solver.solution import Assignment

# ---- rotas ------------------------------------------------------------------------------------------


def list_rotas(period_id: int, *, session: Session, actor: Actor) -> Sequence[Rota]:
    """The planner sees every rota of the period; staff only the published one."""
    period = get_period(period_id, session=session, actor=actor)
    query = select(Rota).where(Rota.period_id == period_id)
    if not actor.can_plan(period.team_id):
        query = query.where(Rota.state == "published")
    return session.exec(query.order_by(col(Rota.id))).all()


def rota_public(rota: Rota, *, session: Session, actor: Actor) -> RotaPublic:
    """A rota as `actor` may read it. Who works when is the team's; how many of a person's wishes were
    granted (fulfilment, with their hours and target), the penalties that name a person and the conflicts
    are the planner's and that person's own: a staff member gets only theirs (and the team's cover)."""
    public = RotaPublic.model_validate(rota, from_attributes=True)
    public.unfilled = [c for c in rota.coverage if c["need"] > c["assigned"]]
    period = get(session, Period, rota.period_id, "period")
    if actor.can_plan(period.team_id):
        return public
    person = session.get(Staff, actor.staff_id) if actor.staff_id is not None else None
    own = person.code if person is not None else None
    public.fulfilment = [f for f in public.fulfilment if f.get("staff") == own]
    public.penalties = [p for p in public.penalties if p.get("staff") in (None, own)]
    public.conflicts = [c for c in public.conflicts if c.get("staff") in (None, own)]
    return public


def get_rota(rota_id: int, *, session: Session, actor: Actor) -> Rota:
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_member(actor, period.team_id)
    if rota.state != "published" and not actor.can_plan(period.team_id):
        raise NotFound("rota", rota_id)  # a draft does not exist for staff
    return rota


def published_rota(period_id: int, *, session: Session, actor: Actor) -> Rota:
    get_period(period_id, session=session, actor=actor)
    rota = versions.current_rota(session, period_id)
    if rota is None:
        raise NotFound("published rota of period", period_id)
    return rota


def list_locks(period_id: int, *, session: Session, actor: Actor) -> Sequence[Lock]:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    return session.exec(
        select(Lock).where(Lock.period_id == period_id).order_by(col(Lock.date), col(Lock.staff_id))
    ).all()


def edit_cell(
    rota_id: int, staff_id: int, day: dt.date, edit: CellEdit, *, session: Session, actor: Actor
) -> Lock:
    """Fix one cell of a draft for the next re-solve: `lock` keeps what the draft has, `change` sets a
    shift (and route), `clear` makes the day off. The draft itself is never changed; a lock of the
    period is stored (replacing an earlier one on that cell). A lock that cannot hold with the person's
    other locks and hard rules is refused (`RuleRefusal`, `person_rules.check_lock`)."""
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    person = _person(session, staff_id, period.team_id)
    if edit.action == "lock":
        if edit.shift is not None or edit.route is not None:
            raise InputError("shift", N_("a lock keeps the draft's cell: give no shift or route"))
        current = next(
            (a for a in rota.assignments if a["staff"] == person.code and a["date"] == day.isoformat()), None
        )
        shift, route = (current["shift"], current["route"]) if current else (None, None)
    elif edit.action == "change":
        if edit.shift is None:
            raise InputError("shift", N_("a change needs the new shift"))
        shift, route = edit.shift, edit.route
    else:
        if edit.shift is not None or edit.route is not None:
            raise InputError("shift", N_("clear makes the day off: give no shift or route"))
        shift, route = None, None
    _check_slot(session, period, day, shift, route)
    # The lock must hold with the person's other locks and hard rules (`RuleRefusal`; nothing stored).
    person_rules.check_lock(session, period, person, day, shift, route)
    session.execute(
        delete(Lock).where(
            col(Lock.period_id) == period.id, col(Lock.staff_id) == staff_id, col(Lock.date) == day
        )
    )
    lock = Lock(period_id=rota.period_id, staff_id=staff_id, date=day, shift=shift, route=route)
    session.add(lock)
    session.flush()
    audit(
        session,
        actor,
        period.team_id,
        f"{edit.action} cell",
        f"rota {rota_id}",
        staff=person.code,
        date=day,
        shift=shift,
        route=route,
    )
    _commit(session)
    return lock


def delete_lock(lock_id: int, *, session: Session, actor: Actor) -> None:
    lock = get(session, Lock, lock_id, "lock", visible_to=actor)
    period = get(session, Period, lock.period_id, "period")
    require_planner(actor, period.team_id)
    session.delete(lock)
    audit(session, actor, period.team_id, "unlock cell", f"lock {lock_id}")
    _commit(session)


def compare_rotas(a_id: int, b_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """What differs between two rotas of one period: cells, objective, unfilled slots."""
    a, b = (get_rota(i, session=session, actor=actor) for i in (a_id, b_id))
    if a.period_id != b.period_id:
        raise InputError("b", N_("rotas {a} and {b} belong to different periods"), a=a_id, b=b_id)

    def cells(rota: Rota) -> dict[tuple[str, str], dict[str, Any]]:
        return {(x["staff"], x["date"]): {"shift": x["shift"], "route": x["route"]} for x in rota.assignments}

    ca, cb = cells(a), cells(b)
    changed = [
        {"staff": staff, "date": day, "a": ca.get((staff, day)), "b": cb.get((staff, day))}
        for staff, day in sorted(set(ca) | set(cb))
        if ca.get((staff, day)) != cb.get((staff, day))
    ]

    def unfilled(rota: Rota) -> int:
        return sum(max(0, c["need"] - c["assigned"]) for c in rota.coverage)

    return {
        "a": a_id,
        "b": b_id,
        "changed_cells": len(changed),
        "cells": changed,
        "objective": {"a": a.objective, "b": b.objective},
        "unfilled": {"a": unfilled(a), "b": unfilled(b)},
    }


def pending_changes(rota_id: int, *, session: Session, actor: Actor) -> list[PendingCell]:
    """The period's locks that `rota` does not have (a cell changed, made a day off or locked as another
    draft had it): changes that wait for a re-solve. In the period's order of days, then the team's
    order of people. A rota that is not a draft has none: it is what was published."""
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    if rota.state != "draft":
        return []
    return _pending_cells(session, rota, period)


def _pending_cells(session: Session, rota: Rota, period: Period) -> list[PendingCell]:
    cells = {(a["staff"], a["date"]): (a["shift"], a.get("route")) for a in rota.assignments}
    people = {p.id: p for p in session.exec(select(Staff).where(Staff.team_id == period.team_id)).all()}
    labels = person_labels(people.values())
    order = {p["id"]: i for i, p in enumerate(rota.problem.get("staff", []))}
    locks = session.exec(select(Lock).where(Lock.period_id == period.id)).all()
    pending = []
    for lock in locks:
        person = people.get(lock.staff_id)
        if person is None or lock.id is None:
            continue
        has = cells.get((person.code, lock.date.isoformat()), (None, None))
        if has != (lock.shift, lock.route):
            pending.append(
                PendingCell(
                    lock.staff_id,
                    person.code,
                    labels[lock.staff_id],
                    lock.date,
                    has,
                    (lock.shift, lock.route),
                )
            )
    pending.sort(key=lambda c: (c.date, order.get(c.staff, len(order)), c.staff))
    return pending


def publish_rota(rota_id: int, *, session: Session, actor: Actor) -> Rota:
    """Publish a draft: it becomes the period's rota, an earlier published one is superseded (kept; the
    new version is recorded as a change from it, `RotaChange`; a re-plan's draft only over the version it
    was made from).
    Refused (409, `PendingChanges` naming the cells) while the period has cell changes the draft does
    not have: staff would get a rota other than the one the planner sees; re-solve from it first."""
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    if rota.state == "published":
        raise Conflict(N_("rota {rota} is already published"), rota=rota_id)
    if rota.status not in ("OPTIMAL", "FEASIBLE"):
        raise Conflict(
            N_("rota {rota} has no rota to publish (status {status})"), rota=rota_id, status=rota.status
        )
    pending = _pending_cells(session, rota, period)
    if pending:
        raise PendingChanges(rota_id, pending)
    current = versions.current_rota(session, rota.period_id)
    check_replan_publishable(session, rota, current)
    session.execute(
        update(Rota)
        .where(col(Rota.period_id) == period.id, col(Rota.state) == "published")
        .values(state="superseded")
    )
    if current is not None:  # a new version of the published rota: recorded as a change
        versions.record_republish(session, period, current, rota, actor=actor)
    rota.state, rota.published_at = "published", utcnow()
    period.state = "published"
    session.add_all([rota, period])
    audit(session, actor, period.team_id, "publish rota", f"rota {rota_id}", objective=rota.objective)
    if current is None:  # a new version tells those whose shifts changed (`record_republish`)
        notify(  # every staff member and the planners: the rota is out
            session,
            user_ids=team_user_ids(session, period.team_id, staff=True, planners=True),
            kind="rota_published",
            params={**period_params(period), "rota_id": rota_id},
            key=f"rota-published:{rota_id}",
        )
    _commit(session)
    return rota


def rota_export(
    rota_id: int, *, session: Session, actor: Actor, staff_id: int | None = None, excel: bool = False
) -> str:
    """The rota as CSV (the solver's columns; `excel` for Danish Excel), for the team or one person."""
    rota = get_rota(rota_id, session=session, actor=actor)
    assignments = mapping.rota_assignments(rota)
    if staff_id is not None:
        period = get(session, Period, rota.period_id, "period")
        person = _person(session, staff_id, period.team_id)
        assignments = [a for a in assignments if a.staff == person.code]
    return rota_csv(mapping.rota_problem(rota), assignments, excel=excel)


def payroll_export(
    rota_id: int, *, session: Session, actor: Actor, excel: bool = False, by: By = "week"
) -> str:
    """Everyone's hours in the rota per week (`by="month"`: calendar month) and for the period, split
    into day, evening, night, Saturday, Sunday and public-holiday hours (`planner.payroll`) at the team's
    time bands as its rules set them now; the team's planner only."""
    rota = get_rota(rota_id, session=session, actor=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    rules = mapping.team_rules(session, period.team_id)
    bands = Bands.of(rules.pay_day_start, rules.pay_evening_start, rules.pay_night_start)
    return payroll_csv(
        mapping.rota_problem(rota), mapping.rota_assignments(rota), excel=excel, bands=bands, by=by
    )


def person_shifts(
    period_id: int, staff_id: int, *, session: Session, actor: Actor
) -> tuple[Staff, Problem, list[Assignment], Rota]:
    """One person's shifts in the published rota of a period (for the calendar); staff: their own."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_self_or_planner(actor, period.team_id, staff_id)
    person = _person(session, staff_id, period.team_id)
    rota = published_rota(period_id, session=session, actor=actor)
    mine = [a for a in mapping.rota_assignments(rota) if a.staff == person.code]
    return person, mapping.rota_problem(rota), mine, rota


# ---- who can take this slot (the rota meeting) -------------------------------------------------------


def slot_candidates(
    rota_id: int, day: dt.date, shift: str, route: str | None, *, session: Session, actor: Actor
) -> list[dict[str, Any]]:
    """Who could work `shift` (and `route`) on `day` in this rota without breaking a hard rule, cheapest
    change first (`planner.meeting.slot_candidates`, against the rota's own problem). The team's planner
    only; an unknown shift or route is a 422 naming it, a day outside the rota a 404."""
    rota = get_rota(rota_id, session=session, actor=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    problem = mapping.rota_problem(rota)
    if not problem.horizon.start <= day <= problem.horizon.last_day:
        raise NotFound("day in this rota", day.isoformat())
    if shift not in {s.code for s in problem.shift_types}:
        raise InputError("shift", N_("unknown shift {shift!r}"), shift=shift)
    if route is not None and route not in {r.id for r in problem.routes}:
        raise InputError("route", N_("unknown route {route!r}"), route=route)
    return meeting.slot_candidates(problem, mapping.rota_assignments(rota), day, shift, route)


# ---- the rota for the wall ---------------------------------------------------------------------------


def rota_for_print(
    rota_id: int, *, week: str | None = None, session: Session, actor: Actor
) -> tuple[Period, PrintRota]:
    """The rota cut into printable sheets (`planner.views.printing`), the whole period or one ISO
    `week`: the team's planner any rota, staff their team's published rota (the one they already see,
    colleagues' names included). A malformed week is a 422 naming `week`, one outside the period a 404."""
    rota = get_rota(rota_id, session=session, actor=actor)
    period = get(session, Period, rota.period_id, "period")
    return period, print_rota(rota, week=week)
