"""Solving: solve jobs (start, follow, cancel, fail stale ones) and storing the rota a job found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from planner import mapping
from planner.auth import (
    Actor,
    require_planner,
)
from planner.errors import (
    Conflict,
    InputError,
    PeriodNotSolvable,
)
from planner.models import (
    Period,
    Rota,
    SolveJob,
    SolveRequest,
    utcnow,
)
from planner.services._base import (
    ACTIVE_JOB_STATES,
    MAX_ACTIVE_SOLVES_PER_TEAM,
    RESTART_MESSAGE,
    SOLVABLE,
    _commit,
    audit,
    get,
)
from planner.texts import N_
from solver import check
from solver.problem import Problem
from solver.solution import Assignment, Solution

if TYPE_CHECKING:
    from planner.jobs import JobQueue  # jobs imports the services: for the annotation only

# ---- solving ----------------------------------------------------------------------------------------


def create_solve_job(period_id: int, data: SolveRequest, *, session: Session, actor: Actor) -> SolveJob:
    """A queued solve of a closed period (or a re-solve from one of its drafts). The problem is built
    once here so that bad team data is a 422 now, not a failed job later."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    if not solvable(period):
        raise PeriodNotSolvable(period_id, period.state)
    if data.from_rota is not None:
        base = get(session, Rota, data.from_rota, "rota")
        if base.period_id != period_id:
            raise InputError("from_rota", N_("rota {rota} belongs to another period"), rota=data.from_rota)
    waiting = session.exec(
        select(func.count())
        .select_from(SolveJob)
        .join(Period, col(Period.id) == col(SolveJob.period_id))
        .where(Period.team_id == period.team_id, SolveJob.state.in_(ACTIVE_JOB_STATES))  # type: ignore[attr-defined]
    ).one()
    if waiting >= MAX_ACTIVE_SOLVES_PER_TEAM:
        raise Conflict(
            N_("the team has {n} solves waiting or running already: wait for one to end, or stop one"),
            n=waiting,
        )
    if data.fixed_before is not None and data.from_rota is None:
        raise InputError(
            "fixed_before", N_("keeping the cells before a date needs the rota to keep (from_rota)")
        )
    problem_for_job(session, period, data.from_rota, data.keep_weight, fixed_before=data.fixed_before)
    job = SolveJob(period_id=period_id, created_by=actor.username, **data.model_dump())
    session.add(job)
    session.flush()
    audit(session, actor, period.team_id, "start solve", f"job {job.id}", data=data)
    _commit(session)
    return job


def start_solve(
    period_id: int, data: SolveRequest, *, queue: JobQueue, session: Session, actor: Actor
) -> SolveJob:
    """Start a solve of a closed period (or a re-solve from a draft, `data.from_rota`): the job is
    stored (`create_solve_job`) and handed to `queue`; the job as it is once handed over."""
    job = create_solve_job(period_id, data, session=session, actor=actor)
    assert job.id is not None
    queue.submit(job.id)
    session.refresh(job)
    return job


def solvable(period: Period) -> bool:
    """Whether a solve of the period may start now (it is closed for wishes, solved or published)."""
    return period.state in SOLVABLE


def problem_for_job(
    session: Session,
    period: Period,
    from_rota: int | None,
    keep_weight: int,
    *,
    fixed_before: dt.date | None = None,
) -> Problem:
    """The problem a job solves: the period's, with the cells of `from_rota` as `keep` cells; with
    `fixed_before` (a re-plan from that date) every cell of `from_rota` before it is locked instead."""
    keep: list[Assignment] = []
    base = None
    if from_rota is not None:
        base = get(session, Rota, from_rota, "rota")
        keep = mapping.rota_assignments(base)
        if fixed_before is not None:
            keep = [a for a in keep if a.date >= fixed_before]
    problem = mapping.build_problem(session, period, keep=keep, keep_weight=keep_weight)
    if base is None or fixed_before is None:
        return problem
    data = problem.model_dump(mode="json")
    data["locks"] = [*data["locks"], *fixed_locks(data, base, fixed_before)]
    return Problem.model_validate(data)


def fixed_locks(problem_data: dict[str, Any], base: Rota, before: dt.date) -> list[dict[str, Any]]:
    """Locks keeping every person's cell of `base` (shift and route, or off) on each day before
    `before`, except where the problem has a lock of its own already."""
    locked = {(lk["staff"], str(lk["date"])) for lk in problem_data.get("locks", [])}
    cells = {(a["staff"], a["date"]): a for a in base.assignments}
    start = dt.date.fromisoformat(str(problem_data["horizon"]["start"]))
    out = []
    for i in range((before - start).days):
        day = (start + dt.timedelta(days=i)).isoformat()
        for person in problem_data["staff"]:
            if (person["id"], day) in locked:
                continue
            a = cells.get((person["id"], day))
            out.append(
                {
                    "staff": person["id"],
                    "date": day,
                    "shift": a["shift"] if a else None,
                    "route": a.get("route") if a else None,
                }
            )
    return out


def get_job(job_id: int, *, session: Session, actor: Actor) -> SolveJob:
    job = get(session, SolveJob, job_id, "solve job", visible_to=actor)
    period = get(session, Period, job.period_id, "period")
    require_planner(actor, period.team_id)
    return job


def list_jobs(period_id: int, *, session: Session, actor: Actor) -> Sequence[SolveJob]:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    return session.exec(
        select(SolveJob).where(col(SolveJob.period_id) == period_id).order_by(col(SolveJob.id))
    ).all()


def cancel_job(job_id: int, *, session: Session, actor: Actor) -> SolveJob:
    """Stop a solve and keep the best rota it has found. A queued job is cancelled; a running one is
    asked to stop (`stopping`): its search ends, and it ends `done` with its best rota so far as a draft
    marked stopped early, or `cancelled` when it had none yet. A job already stopping is returned as it
    is; 409 when it has ended. The caller tells the queue (`JobQueue.cancel`)."""
    job = get_job(job_id, session=session, actor=actor)
    period = get(session, Period, job.period_id, "period")
    if set_job_state(session, job_id, "cancelled", from_states=("queued",), error="cancelled by planner"):
        audit(session, actor, period.team_id, "cancel solve", f"job {job_id}")
    elif set_job_state(session, job_id, "stopping", from_states=("running",)):
        audit(session, actor, period.team_id, "stop solve", f"job {job_id}")
    else:
        session.refresh(job)
        if job.state == "stopping":
            return job
        raise Conflict(
            N_("solve job {job} is {state}; only a queued or running job can be cancelled"),
            job=job_id,
            state=job.state,
        )
    _commit(session)
    session.refresh(job)
    return job


def set_job_state(
    session: Session,
    job_id: int,
    state: str,
    *,
    from_states: Sequence[str],
    attempt: int | None = None,
    **values: Any,
) -> bool:
    """Move a job to `state` only if it is in one of `from_states` — and, with `attempt`, only if that
    is still the job's current run (a lost worker's late run changes nothing) — in one conditional
    UPDATE, so a cancel and a finishing worker cannot both win. True when it moved; the caller commits."""
    if state in ("done", "failed", "cancelled"):
        values.setdefault("finished_at", utcnow())
    where = [col(SolveJob.id) == job_id, col(SolveJob.state).in_(from_states)]
    if attempt is not None:
        where.append(col(SolveJob.attempts) == attempt)
    result = session.execute(update(SolveJob).where(*where).values(state=state, **values))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def claim_job(
    session: Session,
    job_id: int,
    *,
    worker: str | None = None,
    heartbeat: bool = False,
    now: dt.datetime | None = None,
) -> int | None:
    """Start a queued job's next run: `running`, its attempts counted up; the number of this run (the
    caller passes it to every later write as `attempt`), or None when the job is not queued (cancelled,
    or taken by another worker). `heartbeat`: its worker will stamp the row while it runs (a row whose
    stamp goes stale is a lost worker's; the local queue stamps none). Caller commits."""
    now = now or utcnow()
    if not set_job_state(
        session,
        job_id,
        "running",
        from_states=("queued",),
        started_at=now,
        heartbeat_at=now if heartbeat else None,
        worker=worker,
        attempts=col(SolveJob.attempts) + 1,
    ):
        return None
    attempts = session.exec(select(SolveJob.attempts).where(col(SolveJob.id) == job_id)).one()
    return int(attempts)


def fail_stale_jobs(*, session: Session) -> int:
    """At service start: jobs left queued or running by a previous run are failed, never left hanging."""
    result = session.execute(
        update(SolveJob)
        .where(col(SolveJob.state).in_(ACTIVE_JOB_STATES))
        .values(state="failed", error=RESTART_MESSAGE, finished_at=utcnow())
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        audit(session, Actor.system(), None, "fail stale jobs", f"{count} job(s)")
    session.commit()
    return count


def store_rota(
    period: Period,
    problem: Problem,
    solution: Solution,
    *,
    session: Session,
    job: SolveJob | None = None,
    stopped_early: bool = False,
) -> Rota:
    """Keep a solution's rota as a new draft of the period (`stopped_early`: the planner stopped its
    search); the period becomes `solved`. The independent checker verifies it first: a rota that breaks
    a hard rule is never stored (ValueError), and its cost is the checker's. A solution without a rota
    is not a draft (ValueError). Caller commits."""
    assert period.id is not None
    if not solution.has_rota:
        raise ValueError(f"a {solution.status} solution has no rota to store")
    broken = check.violations(problem, solution.assignments)
    if broken:
        raise ValueError(f"the solver's rota breaks hard rules: {'; '.join(map(str, broken[:5]))}")
    cost = check.objective(problem, solution.assignments)
    if cost != solution.objective:
        solution = solution.model_copy(update={"objective": cost})
    rota = mapping.rota_from_solution(
        period.id, problem, solution, job_id=job.id if job else None, from_rota=job.from_rota if job else None
    )
    rota.stopped_early = stopped_early
    session.add(rota)
    session.flush()
    if period.state == "closed" and solution.has_rota:
        period.state = "solved"
        session.add(period)
    audit(
        session,
        Actor.system(),
        period.team_id,
        "store draft rota",
        f"rota {rota.id}",
        status=solution.status,
        objective=solution.objective,
        job=job.id if job else None,
    )
    return rota
