"""Between the stored data and the solver: a `solver.Problem` from the rows of a period, rows from a
`Problem` (the demo import), and a stored `Rota` from a `Solution`.

The solver identifies people, shifts and routes by their codes; the database by integer ids. This module
is the one place that translates. No FastAPI, and no decisions about who may do what.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from planner import fairness
from planner.errors import NotFound
from planner.io import input_error
from planner.models import (
    LOCAL_ZONE,
    CoverRule,
    Lock,
    Period,
    Rota,
    Route,
    Rules,
    SelfPick,
    ShiftType,
    Staff,
    Team,
    Wish,
)
from solver.problem import Contract, Problem, history_days
from solver.problem import Rules as SolverRules
from solver.solution import Assignment, Solution


def team_rows(
    session: Session, team_id: int
) -> tuple[list[Staff], list[ShiftType], list[Route], list[CoverRule]]:
    staff = list(session.exec(select(Staff).where(col(Staff.team_id) == team_id).order_by(col(Staff.id))))
    shifts = list(
        session.exec(select(ShiftType).where(col(ShiftType.team_id) == team_id).order_by(col(ShiftType.id)))
    )
    routes = list(session.exec(select(Route).where(col(Route.team_id) == team_id).order_by(col(Route.id))))
    cover = list(
        session.exec(select(CoverRule).where(col(CoverRule.team_id) == team_id).order_by(col(CoverRule.id)))
    )
    return staff, shifts, routes, cover


def team_rules(session: Session, team_id: int) -> Rules:
    rules = session.exec(select(Rules).where(Rules.team_id == team_id)).first()
    return rules if rules is not None else Rules(team_id=team_id)


def build_problem(
    session: Session,
    period: Period,
    *,
    keep: Iterable[Assignment] = (),
    keep_weight: int = 5,
) -> Problem:
    """The period as the solver sees it. With the team's `fairness_from_history`, each person's
    `fairness_credit` comes from the fairness ledger of the earlier published periods. `keep` (a draft's
    assignments) become the problem's `keep` cells of weight `keep_weight` ("changed from the draft",
    never a wish or self-pick), so a re-solve changes as few cells as it can (minimal change); a person's
    own self-pick or a planner's lock on the same day wins over a kept cell. The team's published rotas of
    earlier periods give each person's `history` for the days the rules read before the period
    (`previous_days`)."""
    assert period.id is not None
    team = session.get(Team, period.team_id)
    if team is None:
        raise NotFound("team", period.team_id)
    staff, shifts, routes, cover = team_rows(session, period.team_id)
    rules = team_rules(session, period.team_id)
    code = {s.id: s.code for s in staff}
    first = period.start
    last = period.last_day

    def inside(day: str | dt.date) -> bool:
        value = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        return first <= value <= last

    credit: dict[str, int] = {}
    if rules.fairness_from_history:
        totals: dict[str, fairness.Figures] = {}
        for line in fairness.ledger(published_figures(session, period.team_id, before=period.start)):
            totals[line.staff] = line.total
        credit = fairness.credits(totals)
    wishes = session.exec(select(Wish).where(col(Wish.period_id) == period.id).order_by(col(Wish.id))).all()
    picks = session.exec(
        select(SelfPick).where(col(SelfPick.period_id) == period.id).order_by(col(SelfPick.id))
    ).all()
    locks = session.exec(select(Lock).where(col(Lock.period_id) == period.id).order_by(col(Lock.id))).all()
    taken = {(code[p.staff_id], p.date) for p in picks} | {(code[lk.staff_id], lk.date) for lk in locks}
    kept = [
        {"staff": a.staff, "date": a.date, "shift": a.shift, "route": a.route, "weight": keep_weight}
        for a in keep
        if (a.staff, a.date) not in taken and keep_weight > 0
    ]
    data: dict[str, Any] = {
        "name": f"{team.name} — {period.name}" if period.name else team.name,
        # Shift times are Danish clock times: hours and rests follow the real length across a clock change.
        "horizon": {
            "start": first,
            "days": period.days,
            "public_holidays": period.public_holidays,
            "time_zone": LOCAL_ZONE.key,
        },
        "shift_types": [
            {
                "code": s.code,
                "name": s.name,
                "start": s.start,
                "minutes": s.minutes,
                "skills": s.skills,
                "forbidden_next": s.forbidden_next,
            }
            for s in shifts
        ],
        "staff": [
            {
                "id": s.code,
                "name": s.name,
                "skills": s.skills,
                "contract": s.contract,
                "days_off": [d for d in s.days_off if inside(d)],
                "weekdays_off": s.weekdays_off,
                "absences": s.absences,
                "favourite_routes": s.favourite_routes,
                "favourite_districts": s.favourite_districts,
                "fairness_credit": credit.get(s.code, 0),
            }
            for s in staff
        ],
        "routes": [
            {
                "id": r.code,
                "name": r.name,
                "district": r.district,
                "skills": r.skills,
                "shifts": r.shifts,
                "weekdays": r.weekdays,
                "weight_unfilled": r.weight_unfilled,
            }
            for r in routes
        ],
        "cover": [
            {
                "shift": c.shift,
                "skill": c.skill,
                "date": c.date,
                "weekday": c.weekday,
                "need": c.need,
                "weight_under": c.weight_under,
                "weight_over": c.weight_over,
            }
            for c in cover
            if c.date is None or inside(c.date)
        ],
        "rules": {
            "min_rest_minutes": rules.min_rest_minutes,
            "weekly_rest_minutes": rules.weekly_rest_minutes,
            "max_average_weekly_hours": rules.max_average_weekly_hours,
            "max_vetoes": rules.max_vetoes,
            "forbidden_successions": rules.forbidden_successions,
        },
        "weights": rules.registered_weights().model_dump(),
        "wishes": [
            {
                "staff": code[w.staff_id],
                "date": w.date,
                "kind": w.kind,
                "shift": w.shift,
                "route": w.route,
                "weight": w.weight,
            }
            for w in wishes
        ],
        "self_picks": [
            {
                "staff": code[p.staff_id],
                "date": p.date,
                "shift": p.shift,
                "route": p.route,
                "weight": p.weight,
            }
            for p in picks
        ],
        "keep": kept,
        "locks": [
            {"staff": code[lk.staff_id], "date": lk.date, "shift": lk.shift, "route": lk.route}
            for lk in locks
        ],
    }
    try:
        reach = history_days(
            SolverRules.model_validate(data["rules"]),
            [Contract.model_validate(s["contract"]) for s in data["staff"]],
        )
    except ValidationError:
        reach = 0  # the problem's own validation below says what is wrong
    data["history"] = previous_days(session, period, reach, {s.code for s in staff}, {s.code for s in shifts})
    try:
        return Problem.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, source="team") from None


def published_figures(
    session: Session, team_id: int, *, before: dt.date | None = None
) -> list[tuple[int, dict[str, fairness.Figures]]]:
    """Per period of the team with a published rota (oldest first; only those starting before `before`
    when given): each person's figures in it (`planner.fairness.period_figures`), from the problem and
    rota stored together."""
    query = select(Period).where(Period.team_id == team_id)
    if before is not None:
        query = query.where(Period.start < before)
    out = []
    for period in session.exec(query.order_by(col(Period.start), col(Period.id))).all():
        rota = session.exec(
            select(Rota).where(Rota.period_id == period.id, Rota.state == "published")
        ).first()
        if rota is not None and period.id is not None:
            out.append((period.id, fairness.period_figures(rota_problem(rota), rota_assignments(rota))))
    return out


def previous_days(
    session: Session, period: Period, days: int, people: set[str], shifts: set[str]
) -> list[dict[str, Any]]:
    """The history of `period` (docs/rules.md, "Before the horizon"): for the `days` days before it, each
    person's shift in the published rota of the team's period that covers the day and ends before
    `period` starts, or null (off) where that rota planned the person without a shift. A day no such
    rota covers, a person it did not plan, or a shift type that no longer exists is left unknown."""
    first = period.start - dt.timedelta(days=days)
    earlier = session.exec(
        select(Period)
        .where(Period.team_id == period.team_id, Period.start < period.start, Period.id != period.id)
        .order_by(col(Period.start), col(Period.id))
    ).all()
    known: dict[tuple[str, dt.date], str | None] = {}
    for before in earlier:  # a later period wins where two overlap
        last = before.last_day
        if last >= period.start or last < first:
            continue
        rota = session.exec(
            select(Rota).where(Rota.period_id == before.id, Rota.state == "published")
        ).first()
        if rota is None:
            continue
        planned = people & {p["id"] for p in rota.problem.get("staff", [])}
        worked = {(a["staff"], a["date"]): a["shift"] for a in rota.assignments}
        for i in range(before.days):
            day = before.start + dt.timedelta(days=i)
            if first <= day:
                for code in planned:
                    known[code, day] = worked.get((code, day.isoformat()))
    return [
        {"staff": code, "date": day, "shift": shift}
        for (code, day), shift in sorted(known.items(), key=lambda item: (item[0][1], item[0][0]))
        if shift is None or shift in shifts
    ]


def rota_from_solution(
    period_id: int, problem: Problem, solution: Solution, *, job_id: int | None, from_rota: int | None
) -> Rota:
    """A new draft rota holding the solution and the problem it answers (for checks and exports)."""
    dump = solution.model_dump(mode="json")
    return Rota(
        period_id=period_id,
        state="draft",
        job_id=job_id,
        from_rota=from_rota,
        status=solution.status,
        objective=solution.objective,
        best_bound=solution.best_bound,
        wall_time=solution.wall_time,
        problem=problem.model_dump(mode="json"),
        assignments=dump["assignments"],
        penalties=dump["penalties"],
        fulfilment=dump["fulfilment"],
        coverage=dump["coverage"],
        conflicts=dump["conflicts"],
    )


def rota_problem(rota: Rota) -> Problem:
    return Problem.model_validate(rota.problem)


def rota_assignments(rota: Rota) -> list[Assignment]:
    return [Assignment.model_validate(a) for a in rota.assignments]


def import_problem(
    session: Session, problem: Problem, *, team_name: str | None = None
) -> tuple[Team, Period]:
    """Store a whole problem file as a team with one period (state `draft`); the caller commits."""
    team = Team(name=team_name or problem.name or "Team")
    session.add(team)
    session.flush()
    assert team.id is not None
    tid = team.id

    def js(model: Any, *fields: str) -> dict[str, Any]:
        dump = model.model_dump(mode="json")
        return {f: dump[f] for f in fields}

    for s in problem.shift_types:
        session.add(
            ShiftType(
                team_id=tid,
                code=s.code,
                name=s.name,
                start=s.start,
                minutes=s.minutes,
                **js(s, "skills", "forbidden_next"),
            )
        )
    for r in problem.routes:
        session.add(
            Route(
                team_id=tid,
                code=r.id,
                name=r.name,
                district=r.district,
                weight_unfilled=r.weight_unfilled,
                **js(r, "skills", "shifts", "weekdays"),
            )
        )
    for c in problem.cover:
        session.add(CoverRule(team_id=tid, **c.model_dump()))
    rules, weights = problem.rules, problem.weights
    session.add(
        Rules(
            team_id=tid,
            min_rest_minutes=rules.min_rest_minutes,
            weekly_rest_minutes=rules.weekly_rest_minutes,
            max_average_weekly_hours=rules.max_average_weekly_hours,
            max_vetoes=rules.max_vetoes,
            forbidden_successions=[list(pair) for pair in rules.forbidden_successions],
            weights=weights.model_dump(),
        )
    )
    ids: dict[str, int] = {}
    for p in problem.staff:
        row = Staff(
            team_id=tid,
            code=p.id,
            name=p.name,
            **js(
                p,
                "skills",
                "contract",
                "days_off",
                "weekdays_off",
                "absences",
                "favourite_routes",
                "favourite_districts",
            ),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        ids[p.id] = row.id
    h = problem.horizon
    period = Period(
        team_id=tid,
        name=problem.name,
        start=h.start,
        days=h.days,
        public_holidays=[d.isoformat() for d in h.public_holidays],
    )
    session.add(period)
    session.flush()
    assert period.id is not None
    for w in problem.wishes:
        session.add(
            Wish(
                period_id=period.id,
                staff_id=ids[w.staff],
                date=w.date,
                kind=w.kind.value,
                shift=w.shift,
                route=w.route,
                weight=w.weight,
            )
        )
    for sp in problem.self_picks:
        session.add(
            SelfPick(
                period_id=period.id,
                staff_id=ids[sp.staff],
                date=sp.date,
                shift=sp.shift,
                route=sp.route,
                weight=sp.weight,
            )
        )
    for lk in problem.locks:
        session.add(
            Lock(period_id=period.id, staff_id=ids[lk.staff], date=lk.date, shift=lk.shift, route=lk.route)
        )
    session.flush()
    return team, period


__all__ = ["build_problem", "import_problem", "previous_days", "rota_from_solution", "team_rows"]
