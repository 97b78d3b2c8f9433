"""Rota versions after publication: a published rota changes only through a recorded change.

Each change (a hand-over, a swap, a sickness re-plan, a re-plan published, a planner's edit) makes a new
`Rota` row in state `published` whose `from_rota` is the version before; that one becomes `superseded`
and is kept. A period has at most one published rota (a partial unique index, and the conditional
UPDATE here: two changes from the same version cannot both land). The new version's cells are checked
by the independent checker on the rota's own problem, and its cost, penalties, fulfilment and coverage
are the checker's, so every figure on the pages stays true. The change is a `RotaChange` row (cells
before and after) and an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from planner import change_notices, mapping
from planner.auth import Actor, require_planner, require_self_or_planner
from planner.errors import Conflict, NotFound, RuleRefusal
from planner.models import Lock, Period, Rota, RotaChange, ShiftOffer, Staff, utcnow
from planner.services._base import _check_slot, _commit, _person, audit, get
from planner.texts import N_
from solver import check
from solver.problem import Problem
from solver.solution import Assignment

# A cell's new value: (shift, route), or None for a day off.
CellValue = tuple[str, str | None] | None
CellKey = tuple[str, dt.date]  # (person's code, date)

# Why an offer ended when a new version no longer has its shift (`ShiftOffer.reason`).
SHIFT_CHANGED = "the shift changed in the published rota"
CHANGED_MEANWHILE = N_(
    "the published rota of period {period} changed meanwhile (version {rota} is no longer current): "
    "look again and retry"
)


def current_rota(session: Session, period_id: int) -> Rota | None:
    """The period's current rota: its one published version, or None before publication."""
    return session.exec(select(Rota).where(Rota.period_id == period_id, Rota.state == "published")).first()


def cells_of(assignments: Sequence[Assignment]) -> dict[CellKey, tuple[str, str | None]]:
    return {(a.staff, a.date): (a.shift, a.route) for a in assignments}


def apply_cells(assignments: Sequence[Assignment], changes: Mapping[CellKey, CellValue]) -> list[Assignment]:
    """The assignments with each changed cell replaced (None: the person is off that day)."""
    out = [a for a in assignments if (a.staff, a.date) not in changes]
    for (staff, day), value in changes.items():
        if value is not None:
            out.append(Assignment(staff=staff, date=day, shift=value[0], route=value[1]))
    out.sort(key=lambda a: (a.date, a.staff))
    return out


def with_locks_moved(problem: Problem, changes: Mapping[CellKey, CellValue]) -> Problem:
    """The problem with each lock on a changed cell set to the cell's new value: a recorded change
    supersedes the planner's earlier decision on that cell (the checker would otherwise refuse it)."""
    if not any((lk.staff, lk.date) in changes for lk in problem.locks):
        return problem
    data = problem.model_dump()
    for lock in data["locks"]:
        key = (lock["staff"], lock["date"])
        if key in changes:
            value = changes[key]
            lock["shift"], lock["route"] = value if value is not None else (None, None)
    return Problem.model_validate(data)


def live_problem(session: Session, rota: Rota) -> Problem:
    """The rota's own problem with each person's absences as stored now: a sickness reported since the
    rota was made is a hard rule for every later change."""
    period = session.get(Period, rota.period_id)
    if period is None:
        return mapping.rota_problem(rota)
    stored = {s.code: s.absences for s in session.exec(select(Staff).where(Staff.team_id == period.team_id))}
    data = dict(rota.problem)
    data["staff"] = [{**p, "absences": stored.get(p["id"], p.get("absences", []))} for p in data["staff"]]
    return Problem.model_validate(data)


def first_violation(problem: Problem, assignments: Sequence[Assignment]) -> check.Violation | None:
    broken = check.violations(problem, assignments)
    return broken[0] if broken else None


def refusal(problem: Problem, v: check.Violation) -> RuleRefusal:
    """A broken hard rule as a refusal the pages can word (`api/web/refusals.py`)."""
    names = {p.id: p.name or p.id for p in problem.staff}
    params: dict[str, object] = {"name": names.get(v.staff or "", v.staff or "")}
    if v.date is not None:
        params["date"] = v.date
    return RuleRefusal(v.rule, v.message, **params)


def make_version(
    session: Session,
    period: Period,
    current: Rota,
    changes: Mapping[CellKey, CellValue],
    *,
    kind: str,
    actor: Actor,
    reason: str = "",
    approved_by: str | None = None,
    offer_id: int | None = None,
    problem: Problem | None = None,
    who: str | None = None,
    told: Iterable[str] = (),
) -> Rota:
    """A new published version of `current` with `changes` applied (see the module). `problem` replaces
    the rota's own (a sickness adds the absence); locks on changed cells follow the change. Refused
    (`RuleRefusal`) when the result breaks a hard rule; a 409 when `current` is no longer the published
    version. Everyone with a changed cell is told (`change_notices.shifts_changed`), but those in
    `told` (codes), who hear of it otherwise. The caller commits."""
    assert period.id is not None and current.id is not None
    base = problem if problem is not None else live_problem(session, current)
    base = with_locks_moved(base, changes)
    before = mapping.rota_assignments(current)
    after = apply_cells(before, changes)
    broken = first_violation(base, after)
    if broken is not None:
        raise refusal(base, broken)
    superseded = session.execute(
        update(Rota)
        .where(col(Rota.id) == current.id, col(Rota.state) == "published")
        .values(state="superseded")
    )
    if superseded.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(CHANGED_MEANWHILE, period=period.id, rota=current.id)
    dump = lambda rows: [r.model_dump(mode="json") for r in rows]  # noqa: E731
    rota = Rota(
        period_id=period.id,
        state="published",
        from_rota=current.id,
        published_at=utcnow(),
        status="FEASIBLE",
        objective=check.objective(base, after),
        problem=base.model_dump(mode="json"),
        assignments=dump(after),
        penalties=dump(check.penalties(base, after)),
        fulfilment=dump(check.fulfilment(base, after)),
        coverage=dump(check.coverage(base, after)),
        conflicts=[],
    )
    session.add(rota)
    session.flush()
    assert rota.id is not None
    old = cells_of(before)
    cells = [
        {
            "staff": staff,
            "date": day.isoformat(),
            "before": _cell(old.get((staff, day))),
            "after": _cell(value),
        }
        for (staff, day), value in sorted(changes.items(), key=lambda item: (item[0][1], item[0][0]))
        if old.get((staff, day)) != value
    ]
    change = RotaChange(
        period_id=period.id,
        rota_id=rota.id,
        from_rota=current.id,
        kind=kind,
        who=who or actor.username,
        approved_by=approved_by,
        reason=reason,
        offer_id=offer_id,
        cells=cells,
    )
    session.add(change)
    session.flush()
    change_notices.shifts_changed(session, period, change, told=told)
    _move_stored_locks(session, period, changes)
    end_stale_offers(session, period, after, keep=offer_id)
    audit(
        session,
        actor,
        period.team_id,
        f"change published rota ({change.kind})",
        f"rota {rota.id}",
        from_rota=current.id,
        cells=cells,
        reason=reason,
        approved_by=approved_by,
        objective=rota.objective,
    )
    return rota


def _cell(value: tuple[str, str | None] | None) -> dict[str, Any] | None:
    return None if value is None else {"shift": value[0], "route": value[1]}


def end_stale_offers(
    session: Session, period: Period, assignments: Sequence[Assignment], *, keep: int | None = None
) -> int:
    """Active offers of the period whose shift the new version no longer has as offered (the giver's
    shift, or the colleague's for a swap) end as `withdrawn`: nobody can take them any more. `keep`: the
    offer the version itself carries out. The caller commits."""
    cells = cells_of(assignments)
    codes = {s.id: s.code for s in session.exec(select(Staff).where(Staff.team_id == period.team_id))}
    stale = []
    for offer in session.exec(
        select(ShiftOffer).where(
            ShiftOffer.period_id == period.id, col(ShiftOffer.state).in_(("open", "taken"))
        )
    ):
        if offer.id == keep:
            continue
        gone = cells.get((codes.get(offer.staff_id, ""), offer.date)) != (offer.shift, offer.route)
        if offer.swap_date is not None and offer.to_staff_id is not None:
            theirs = cells.get((codes.get(offer.to_staff_id, ""), offer.swap_date))
            gone = gone or theirs != (offer.swap_shift, offer.swap_route)
        if gone:
            stale.append(offer.id)
    if not stale:
        return 0
    result = session.execute(
        update(ShiftOffer)
        .where(col(ShiftOffer.id).in_(stale), col(ShiftOffer.state).in_(("open", "taken")))
        .values(state="withdrawn", reason=SHIFT_CHANGED, decided_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _move_stored_locks(session: Session, period: Period, changes: Mapping[CellKey, CellValue]) -> None:
    """The period's stored locks on changed cells follow the change too, so a later re-solve (and the
    publish check for pending cells) agrees with the published version."""
    codes = {s.code: s.id for s in session.exec(select(Staff).where(Staff.team_id == period.team_id))}
    for (staff, day), value in changes.items():
        lock = session.exec(
            select(Lock).where(
                Lock.period_id == period.id, Lock.staff_id == codes.get(staff), Lock.date == day
            )
        ).first()
        if lock is not None:
            lock.shift, lock.route = (value[0], value[1]) if value else (None, None)
            session.add(lock)


def record_republish(
    session: Session, period: Period, old: Rota, new: Rota, *, actor: Actor, kind: str = "replan"
) -> None:
    """A draft published over the period's published rota (a re-plan, a re-solve): the change as a
    `RotaChange` row from the old version (the caller supersedes it and publishes the draft)."""
    assert period.id is not None and old.id is not None and new.id is not None
    a, b = cells_of(mapping.rota_assignments(old)), cells_of(mapping.rota_assignments(new))
    cells = [
        {
            "staff": staff,
            "date": day.isoformat(),
            "before": _cell(a.get((staff, day))),
            "after": _cell(b.get((staff, day))),
        }
        for staff, day in sorted(set(a) | set(b), key=lambda k: (k[1], k[0]))
        if a.get((staff, day)) != b.get((staff, day))
    ]
    new.from_rota = old.id
    change = RotaChange(
        period_id=period.id, rota_id=new.id, from_rota=old.id, kind=kind, who=actor.username, cells=cells
    )
    session.add(change)
    session.flush()
    change_notices.shifts_changed(session, period, change)
    end_stale_offers(session, period, mapping.rota_assignments(new))


# ---- reading the changes ----------------------------------------------------------------------------


def period_changes(period_id: int, *, session: Session, actor: Actor) -> Sequence[RotaChange]:
    """Every recorded change of the period's published rota, newest first: the team's planner."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    return session.exec(
        select(RotaChange).where(RotaChange.period_id == period_id).order_by(col(RotaChange.id).desc())
    ).all()


def person_changes(staff_id: int, *, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """A person's own history of changes to their published shifts, newest first, each cell as what
    happened to them: `lost` (`to`: who has it now, or none), `gained` (`from`: whose it was), with the
    change's kind and time. The person themselves or their planner."""
    person = get(session, Staff, staff_id, "staff", visible_to=actor)
    require_self_or_planner(actor, person.team_id, staff_id)
    names = {
        s.code: s.name or s.code for s in session.exec(select(Staff).where(Staff.team_id == person.team_id))
    }
    changes = session.exec(
        select(RotaChange)
        .join(Period, col(Period.id) == col(RotaChange.period_id))
        .where(Period.team_id == person.team_id)
        .order_by(col(RotaChange.id).desc())
    ).all()
    out = []
    for change in changes:
        for cell in change.cells:
            if cell["staff"] != person.code:
                continue
            before, after = cell["before"], cell["after"]
            other = _counterpart(change.cells, cell)
            entry = {
                "change_id": change.id,
                "at": change.at,
                "kind": change.kind,
                "date": dt.date.fromisoformat(cell["date"]),
                "before": before,
                "after": after,
                "other": names.get(other) if other else None,
            }
            out.append(entry)
    return out


def _counterpart(cells: list[dict[str, Any]], cell: dict[str, Any]) -> str | None:
    """Who, in the same change, got the shift this cell lost (or lost the shift it got)."""
    for other in cells:
        if other is cell or other["staff"] == cell["staff"]:
            continue
        if cell["before"] and other["after"] == cell["before"] and other["date"] == cell["date"]:
            return str(other["staff"])
        if cell["after"] and other["before"] == cell["after"] and other["date"] == cell["date"]:
            return str(other["staff"])
    return None


def edit_published_cell(
    period_id: int,
    staff_id: int,
    day: dt.date,
    value: CellValue,
    *,
    reason: str = "",
    session: Session,
    actor: Actor,
) -> Rota:
    """The planner's own change of one cell of the published rota: a new version (checked)."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    person = _person(session, staff_id, period.team_id)
    _check_slot(session, period, day, value[0] if value else None, value[1] if value else None)
    current = current_rota(session, period_id)
    if current is None:
        raise NotFound("published rota of period", period_id)
    rota = make_version(
        session, period, current, {(person.code, day): value}, kind="edit", actor=actor, reason=reason
    )
    _commit(session)
    return rota
