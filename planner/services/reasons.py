"""The rota meeting's why and how: the reasons of a rota's unmet wishes and short slots, and the smallest
fixes of a period whose hard rules cannot all hold (issue 14).

Reasons (`solver.counterfactual`) are worked out after each solve by the job that made the rota, within
the settings' budget, and stored with it (`Rota.reasons`); the planner can work them out again. The
planner reads them all; a staff member only those of their own wishes and self-picks in the published
rota, without the other people's changed cells.

Fixes (`solver.relax`) are looked for on demand for a period; applying one changes the stored input —
the veto wish, the lock, or the person's contract — with an audit entry, and the planner re-solves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from planner import mapping
from planner.auth import Actor, require_planner
from planner.errors import InputError, NotFound
from planner.models import FixApply, Lock, Period, Rota, Staff, Wish
from planner.services._base import _commit, audit, get
from planner.services.rotas import get_rota
from planner.settings import settings
from planner.texts import N_
from solver import counterfactual, relax
from solver.problem import Contract

# ---- reasons ----------------------------------------------------------------------------------------


def work_out_reasons(rota_id: int, *, session: Session, budget: float | None = None) -> Rota:
    """Work out and store the reasons of a rota (`solver.counterfactual.reasons`), within `budget`
    seconds (default: the settings'); with no budget, none are worked out. The caller checks who asks."""
    rota = get(session, Rota, rota_id, "rota")
    made = settings()
    seconds = made.reasons_budget if budget is None else budget
    if seconds <= 0:
        return rota
    found = counterfactual.reasons(
        mapping.rota_problem(rota),
        mapping.rota_assignments(rota),
        budget=seconds,
        per_item=made.reasons_item_seconds,
        workers=1,
    )
    rota.reasons = [r.model_dump(mode="json") for r in found]
    session.add(rota)
    _commit(session)
    return rota


def refresh_reasons(rota_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """The planner has the reasons of a rota worked out again (e.g. one stored before they existed)."""
    rota = get_rota(rota_id, session=session, actor=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    audit(session, actor, period.team_id, "work out reasons", f"rota {rota_id}")
    work_out_reasons(rota_id, session=session)
    return rota_reasons(rota_id, session=session, actor=actor)


def rota_reasons(rota_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """The reasons of a rota as `actor` may read them: the planner all of them; a staff member (the
    published rota only) those of their own wishes and self-picks, without the changed cells of others.
    `worked_out` is false while the job has not stored them yet."""
    rota = get_rota(rota_id, session=session, actor=actor)
    period = get(session, Period, rota.period_id, "period")
    reasons = list(rota.reasons or [])
    if not actor.can_plan(period.team_id):
        person = session.get(Staff, actor.staff_id) if actor.staff_id is not None else None
        own = person.code if person is not None else None
        reasons = [
            {**r, "changes": []}
            for r in reasons
            if r["item"].get("staff") == own and r["item"]["kind"] in ("wish", "self_pick")
        ]
    return {"rota": rota_id, "worked_out": rota.reasons is not None, "reasons": reasons}


# ---- smallest fixes ---------------------------------------------------------------------------------


def period_fixes(period_id: int, *, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The smallest fixes that make the period solvable (`solver.relax.smallest_fixes`), each checked by
    a solve; empty when it has a rota already or none was found in the settings' time. Planner only."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    problem = mapping.build_problem(session, period)
    fixes = relax.smallest_fixes(problem, time_limit=settings().fixes_seconds)
    return [f.model_dump(mode="json") for f in fixes]


def apply_fix(period_id: int, fix: FixApply, *, session: Session, actor: Actor) -> dict[str, Any]:
    """Make one relaxation of a fix in the stored input: drop the person's veto wish or the lock on that
    date, or change their contract (hours, days in a row, weekends, shifts of a type) to `value`, which
    must loosen the rule. Audited; the planner re-solves after. Planner only."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    person = session.exec(
        select(Staff).where(Staff.team_id == period.team_id, Staff.code == fix.staff)
    ).first()
    if person is None:
        raise NotFound("staff", fix.staff)
    if fix.kind in ("drop_veto", "drop_lock"):
        if fix.date is None or not period.start <= fix.date <= period.last_day:
            raise InputError("date", N_("give a date of the period"))
        _drop(session, period, person, fix.kind, fix.date)
    else:
        person.contract = _loosened(person.contract, fix)
        session.add(person)
    audit(session, actor, period.team_id, "apply fix", f"period {period_id}", **fix.model_dump(mode="json"))
    _commit(session)
    return fix.model_dump(mode="json")


def _drop(session: Session, period: Period, person: Staff, kind: str, day: dt.date) -> None:
    key = f"{person.code} {day.isoformat()}"
    if kind == "drop_veto":
        vetoes = session.exec(
            select(Wish).where(
                Wish.period_id == period.id, Wish.staff_id == person.id, Wish.date == day, Wish.kind == "veto"
            )
        ).all()
        if not vetoes:
            raise NotFound("wish", key)
        session.execute(delete(Wish).where(col(Wish.id).in_([w.id for w in vetoes])))
        return
    locks = session.exec(
        select(Lock).where(Lock.period_id == period.id, Lock.staff_id == person.id, Lock.date == day)
    ).all()
    if not locks:
        raise NotFound("lock", key)
    session.execute(delete(Lock).where(col(Lock.id).in_([lk.id for lk in locks])))


# Contract field, and whether a looser rule has a larger value (a maximum) or a smaller one (a minimum).
_FIELDS: dict[str, tuple[str, bool]] = {
    "min_hours": ("min_minutes", False),
    "max_hours": ("max_minutes", True),
    "max_consecutive_work": ("max_consecutive_work", True),
    "min_consecutive_work": ("min_consecutive_work", False),
    "min_consecutive_off": ("min_consecutive_off", False),
    "max_weekends": ("max_weekends", True),
    "weekend_off_every": ("weekend_off_every", True),
}


def _loosened(contract: dict[str, Any], fix: FixApply) -> dict[str, Any]:
    """The contract with the fix made; `InputError` on `value` when it would not loosen the rule."""
    new = dict(contract)
    if fix.kind == "max_shifts":
        limits = dict(new.get("max_shifts") or {})
        if fix.shift is None or fix.shift not in limits:
            raise InputError("shift", N_("the person has no limit on shift {shift!r}"), shift=fix.shift)
        if fix.value is not None and fix.value <= limits[fix.shift]:
            raise InputError("value", N_("the new value must loosen the rule"))
        if fix.value is None:
            limits.pop(fix.shift)
        else:
            limits[fix.shift] = fix.value
        new["max_shifts"] = limits
    else:
        field, larger = _FIELDS[fix.kind]
        old = new.get(field)
        if old is None:
            raise InputError("kind", N_("the person's contract has no such limit"))
        value = fix.value
        if value is not None and (value <= old if larger else value >= old):
            raise InputError("value", N_("the new value must loosen the rule"))
        new[field] = value
    try:
        return Contract.model_validate(new).model_dump(mode="json", exclude_defaults=False)
    except ValueError as exc:
        raise InputError("value", N_("the contract would not hold: {error}"), error=str(exc)) from None
