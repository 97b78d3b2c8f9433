"""Sickness reported from the phone, and re-planning the published rota from a date.

A sickness is stored as an absence of the person (so every later re-solve and change respects it), and
their shifts in the span leave each published rota it touches: a new version whose cells are open slots
(holes in the coverage). The planner then re-plans from a date: a solve job that keeps every cell before
the date as it is in the current version (locks) and, from the date on, changes as few cells as it can
(`keep` cells of the published version, warm-started from it). Its draft is compared by person
(`replan_diff`) and published as the next version (`services.publish_rota`, recorded as a change).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from planner import change_notices, mapping, meeting
from planner.auth import Actor, require_planner, require_self_or_planner
from planner.errors import Conflict, InputError, NotFound
from planner.models import (
    LOCAL_ZONE,
    Period,
    ReplanRequest,
    Rota,
    SicknessReport,
    SolveJob,
    SolveRequest,
    Staff,
    utcnow,
)
from planner.people import person_labels
from planner.services._base import _commit, audit, get
from planner.services.solving import start_solve
from planner.services.swaps import SICKNESS, end_offers_of
from planner.services.versions import (
    CellKey,
    CellValue,
    apply_cells,
    current_rota,
    live_problem,
    make_version,
)
from planner.texts import N_
from solver import check
from solver.problem import Problem

if TYPE_CHECKING:
    from planner.jobs import JobQueue

MAX_SICK_DAYS = 366


def today() -> dt.date:
    """Today in Danish time (what "today" means on the phone)."""
    return utcnow().astimezone(LOCAL_ZONE).date()


def report_sick(data: SicknessReport, *, session: Session, actor: Actor) -> list[Rota]:
    """`data.staff_id` is sick from `start` to `end` (one day when absent): staff for themselves from
    today on, the planner for anyone of the team. The absence is stored; each published rota with their
    shifts in the span gets a new version without them (the new versions, oldest period first)."""
    person = get(session, Staff, data.staff_id, "staff", visible_to=actor)
    require_self_or_planner(actor, person.team_id, data.staff_id)
    last = data.end or data.start
    if not actor.can_plan(person.team_id) and data.start < today():
        raise InputError(
            "start", N_("sickness can be reported from today on; ask the planner for earlier days")
        )
    if (last - data.start).days + 1 > MAX_SICK_DAYS:
        raise InputError("end", N_("at most {n} days at a time"), n=MAX_SICK_DAYS)
    person.absences = [
        *person.absences,
        {"start": data.start.isoformat(), "end": last.isoformat(), "reason": data.reason},
    ]
    session.add(person)
    session.flush()
    ended = end_offers_of(session, data.staff_id, data.start, last, SICKNESS)
    audit(
        session,
        actor,
        person.team_id,
        "report sick",
        f"staff {person.code}",
        start=data.start,
        end=last,
        offers_ended=ended,
    )
    periods = session.exec(
        select(Period).where(Period.team_id == person.team_id).order_by(col(Period.start), col(Period.id))
    ).all()
    versions = []
    for period in periods:
        if period.last_day < data.start or period.start > last or period.id is None:
            continue
        rota = current_rota(session, period.id)
        if rota is None:
            continue
        changes: dict[CellKey, CellValue] = {
            (a["staff"], dt.date.fromisoformat(a["date"])): None
            for a in rota.assignments
            if a["staff"] == person.code and data.start.isoformat() <= a["date"] <= last.isoformat()
        }
        if not changes:
            continue
        problem = _minimums_lifted(live_problem(session, rota), person.code, rota, changes)
        new = make_version(
            session,
            period,
            rota,
            changes,
            kind="sickness",
            actor=actor,
            reason=data.reason,
            problem=problem,
            told=[person.code] if actor.staff_id == person.id else [],
        )
        versions.append(new)
        change_notices.sickness(session, person, data.start, last, period)
        _tell_who_could_fill(session, period, rota, new, problem)
    _commit(session)
    return versions


def _tell_who_could_fill(session: Session, period: Period, old: Rota, new: Rota, problem: Problem) -> None:
    """Each coming hole a sickness left (a cell of `old` that `new` lacks): the colleagues who could fill
    it without breaking a rule are told (`planner.meeting.slot_candidates`, on the new version)."""
    assert new.id is not None
    after = mapping.rota_assignments(new)
    kept = {(a.staff, a.date) for a in after}
    ids = {s.code: s.id for s in session.exec(select(Staff).where(Staff.team_id == period.team_id))}
    for was in mapping.rota_assignments(old):
        if (was.staff, was.date) in kept or was.date < today():
            continue
        found = meeting.slot_candidates(problem, after, was.date, was.shift, was.route)
        who = [ids.get(c["staff"]) for c in found if c["staff"] != was.staff]
        change_notices.hole(session, period, new.id, was.date, was.shift, [i for i in who if i is not None])


# The rules a person's shifts leaving the rota can break for that person: a minimum of hours, of days
# in a row at work or off. Nothing else (rest, maxima, skills) can break by working less.
MINIMUMS = {
    "minutes": "min_minutes",
    "min_consecutive_work": "min_consecutive_work",
    "min_consecutive_off": "min_consecutive_off",
}


def _minimums_lifted(problem: Problem, code: str, rota: Rota, changes: dict[CellKey, CellValue]) -> Problem:
    """The problem of the sickness version: where taking the sick person's shifts out breaks one of their
    own minimums (`MINIMUMS`), that minimum is lifted for them in this version's problem (a sickness is
    recorded whatever their contract's minimum; a later re-solve reads the contract as stored)."""
    after = apply_cells(mapping.rota_assignments(rota), changes)
    broken = {v.rule for v in check.violations(problem, after) if v.staff == code and v.rule in MINIMUMS}
    if not broken:
        return problem
    data = problem.model_dump(mode="json")
    for person in data["staff"]:
        if person["id"] == code:
            for rule in broken:
                person["contract"][MINIMUMS[rule]] = None
    return Problem.model_validate(data)


# ---- re-planning from a date ------------------------------------------------------------------------------


def replan(
    period_id: int, data: ReplanRequest, *, queue: JobQueue, session: Session, actor: Actor
) -> SolveJob:
    """Start a re-plan of the period's published rota from `data.from_date` (a solve job; its draft is
    what `replan_diff` compares and `publish_rota` publishes as the next version)."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    if not period.start <= data.from_date <= period.last_day:
        raise InputError(
            "from_date",
            N_("date {day} is outside the period {first} … {last}"),
            day=data.from_date,
            first=period.start,
            last=period.last_day,
        )
    rota = current_rota(session, period_id)
    if rota is None:
        raise NotFound("published rota of period", period_id)
    request = SolveRequest(
        time_limit=data.time_limit,
        workers=1,
        from_rota=rota.id,
        keep_weight=data.keep_weight,
        fixed_before=data.from_date,
    )
    return start_solve(period_id, request, queue=queue, session=session, actor=actor)


def replan_diff(rota_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """What publishing a draft would change in the period's published rota, by person: for each person
    with a changed cell, their cells before and after (the planner). `stale` when the draft was made
    from another version than the current one (a re-plan must then be made again)."""
    draft = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, draft.period_id, "period")
    require_planner(actor, period.team_id)
    current = current_rota(session, draft.period_id)
    if current is None:
        raise NotFound("published rota of period", draft.period_id)
    a = {(x["staff"], x["date"]): x for x in current.assignments}
    b = {(x["staff"], x["date"]): x for x in draft.assignments}
    people = session.exec(select(Staff).where(Staff.team_id == period.team_id)).all()
    labels = person_labels(people)
    by_code = {p.code: p for p in people}
    order = {p["id"]: i for i, p in enumerate(current.problem.get("staff", []))}
    out: dict[str, dict[str, Any]] = {}
    for staff, day in sorted(set(a) | set(b)):
        old, new = a.get((staff, day)), b.get((staff, day))
        cell = lambda x: None if x is None else {"shift": x["shift"], "route": x.get("route")}  # noqa: E731
        if cell(old) == cell(new):
            continue
        person = by_code.get(staff)
        entry = out.setdefault(
            staff,
            {
                "staff": staff,
                "staff_id": person.id if person else None,
                "name": labels[person.id] if person and person.id is not None else staff,
                "cells": [],
            },
        )
        entry["cells"].append({"date": day, "before": cell(old), "after": cell(new)})
    people_changed = sorted(out.values(), key=lambda e: (order.get(e["staff"], len(order)), e["name"]))
    return {
        "rota": rota_id,
        "current": current.id,
        "stale": draft.from_rota != current.id,
        "objective": {"current": current.objective, "draft": draft.objective},
        "unfilled": {
            "current": sum(max(0, c["need"] - c["assigned"]) for c in current.coverage),
            "draft": sum(max(0, c["need"] - c["assigned"]) for c in draft.coverage),
        },
        "people": people_changed,
    }


def check_replan_publishable(session: Session, draft: Rota, current: Rota | None) -> None:
    """A re-plan's draft is published only over the version it was made from: a change recorded since
    (a swap approved meanwhile) would otherwise be silently undone."""
    if draft.job_id is None or current is None:
        return
    job = session.get(SolveJob, draft.job_id)
    if job is not None and job.fixed_before is not None and draft.from_rota != current.id:
        raise Conflict(
            N_("the published rota changed after this re-plan was made (now version {rota}): re-plan again"),
            rota=current.id,
        )
