"""Which queued solve a free worker runs next, and what becomes of a job whose worker was lost (the
celery queue, `planner.worker`).

The order lives in the database, not in the broker: a worker woken by the broker takes the next job by a
fair rule (`claim_next_job`), so one team's many re-solves cannot starve another team's solve, whatever
order the wake-ups arrive in; at most one solve per period runs at a time. A running job's worker writes
a heartbeat to its row; a job whose heartbeat has gone stale (`recover_lost_jobs`, which every worker runs
now and then) is queued again for another worker, a bounded number of times, and then failed with the
reason. Every change is a conditional UPDATE, so two workers racing for a job cannot both take it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from planner.auth import Actor
from planner.models import Period, SolveJob, utcnow
from planner.services._base import audit
from planner.services.solving import claim_job

RUNNING = ("running", "stopping")
# The window in which a team's started solves count against it in the fair order: a team that had many
# solves in the last hour waits behind one that had none.
RECENT = dt.timedelta(hours=1)
CANDIDATES = 500  # queued jobs looked at per claim (oldest first); more wait for the next claim
LOST_WORKER = (
    "the worker running it stopped answering (no heartbeat for {seconds:g} s; tried {attempts} times)"
)
_NO_PROGRESS = {"elapsed": None, "best_objective": None, "best_bound": None, "heartbeat_at": None}
LOST_WHILE_STOPPING = "stopped by the planner, and its worker was lost before it stored a rota"


@dataclass(frozen=True)
class Claimed:
    """A job a worker has taken: run number `attempt` of job `job_id`."""

    job_id: int
    attempt: int


def claim_next_job(
    session: Session, *, worker: str, urgent_days: int = 14, now: dt.datetime | None = None
) -> Claimed | None:
    """Take the next queued job for `worker` (it becomes `running`), or None when there is none that may
    run now. The order:

    1. urgent first: the job's period starts within `urgent_days` (its rota must be published now);
    2. the team with the fewest solves running now, then with the fewest started in the last hour — so
       a team that submits ten re-solves gets one worker while another team's single solve gets the next;
    3. the oldest job (the lowest id: a job queued again keeps its place).

    A job of a period with a solve running already waits (at most one running solve per period). Each
    try is its own transaction (the period row locked while it is checked and claimed), committed here."""
    now = now or utcnow()
    queued = session.exec(
        select(col(SolveJob.id), col(SolveJob.period_id), col(Period.team_id), col(Period.start))
        .join(Period, col(Period.id) == col(SolveJob.period_id))
        .where(col(SolveJob.state) == "queued")
        .order_by(col(SolveJob.id))
        .limit(CANDIDATES)
    ).all()
    if not queued:
        session.rollback()
        return None
    busy = set(session.exec(select(SolveJob.period_id).where(col(SolveJob.state).in_(RUNNING))).all())
    running = _per_team(session, col(SolveJob.state).in_(RUNNING))
    recent = _per_team(session, col(SolveJob.started_at) >= now - RECENT)
    session.rollback()  # end the read: each claim below is a short write transaction of its own
    today = now.date()

    def order(row: tuple[int | None, int, int, dt.date]) -> tuple[bool, int, int, int]:
        job_id, _period, team, start = row
        urgent = (start - today).days <= urgent_days
        return (not urgent, running.get(team, 0), recent.get(team, 0), job_id or 0)  # id: the oldest first

    for job_id, period_id, *_ in sorted((r for r in queued if r[1] not in busy), key=order):
        assert job_id is not None
        # The period row locked (PostgreSQL; SQLite write transactions are serial anyway) while we look
        # for a running solve of it and claim: two workers cannot start two solves of one period.
        session.exec(select(Period.id).where(col(Period.id) == period_id).with_for_update()).first()
        active = session.exec(
            select(func.count())
            .select_from(SolveJob)
            .where(col(SolveJob.period_id) == period_id, col(SolveJob.state).in_(RUNNING))
        ).one()
        attempt = claim_job(session, job_id, worker=worker, heartbeat=True, now=now) if not active else None
        if attempt is None:  # taken by another worker, cancelled, or its period got busy meanwhile
            session.rollback()
            continue
        session.commit()
        return Claimed(job_id, attempt)
    return None


def _per_team(session: Session, condition: object) -> dict[int, int]:
    rows = session.exec(
        select(Period.team_id, func.count())
        .select_from(SolveJob)
        .join(Period, col(Period.id) == col(SolveJob.period_id))
        .where(condition)  # type: ignore[arg-type]
        .group_by(col(Period.team_id))
    ).all()
    return {team: int(count) for team, count in rows}


def job_heartbeat(session: Session, job_id: int, attempt: int) -> bool:
    """The worker running run `attempt` of the job is alive: stamp the row. False when the job is no
    longer that run (ended, or given to another worker after this one was thought lost). Commits."""
    result = session.execute(
        update(SolveJob)
        .where(
            col(SolveJob.id) == job_id,
            col(SolveJob.attempts) == attempt,
            col(SolveJob.state).in_(RUNNING),
        )
        .values(heartbeat_at=utcnow())
    )
    session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def recover_lost_jobs(
    session: Session, *, stale_after: float, max_attempts: int, now: dt.datetime | None = None
) -> list[int]:
    """Jobs whose worker has not written a heartbeat for `stale_after` seconds (killed, machine gone):
    a running one is queued again while it has had fewer than `max_attempts` runs, else failed with the
    reason; one the planner was stopping is cancelled (its best rota was lost with the worker). Jobs of
    the local queue (no heartbeat) are not touched. Returns the ids queued again (they need a wake-up).
    Commits."""
    now = now or utcnow()
    limit = now - dt.timedelta(seconds=stale_after)
    lost = session.exec(
        select(SolveJob).where(
            col(SolveJob.state).in_(RUNNING),
            col(SolveJob.heartbeat_at).is_not(None),
            col(SolveJob.heartbeat_at) < limit,
        )
    ).all()
    requeued: list[int] = []
    for job in lost:
        assert job.id is not None
        guard = {"attempt": job.attempts, "last_heartbeat": job.heartbeat_at}
        if job.state == "stopping":
            moved = _move_if_stale(session, job, "cancelled", limit, error=LOST_WHILE_STOPPING)
            what = "cancel lost solve"
        elif job.attempts < max_attempts:
            moved = _move_if_stale(
                session, job, "queued", limit, worker=None, started_at=None, **_NO_PROGRESS
            )
            what = "requeue lost solve"
            if moved:
                requeued.append(job.id)
        else:
            error = LOST_WORKER.format(seconds=stale_after, attempts=job.attempts)
            moved = _move_if_stale(session, job, "failed", limit, error=error)
            what = "fail lost solve"
        if moved:
            team = session.exec(select(Period.team_id).where(col(Period.id) == job.period_id)).first()
            audit(session, Actor.system(), team, what, f"job {job.id}", worker=job.worker, **guard)
    session.commit()
    return requeued


def _move_if_stale(session: Session, job: SolveJob, state: str, limit: dt.datetime, **values: object) -> bool:
    """Move `job` to `state` only if it is still the same run in the same state with a stale heartbeat
    (its worker may have come back meanwhile, or another worker recovered it first): one UPDATE."""
    if state in ("failed", "cancelled"):
        values.setdefault("finished_at", utcnow())
    result = session.execute(
        update(SolveJob)
        .where(
            col(SolveJob.id) == job.id,
            col(SolveJob.state) == job.state,
            col(SolveJob.attempts) == job.attempts,
            col(SolveJob.heartbeat_at) < limit,
        )
        .values(state=state, **values)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def waiting_jobs(session: Session, *, older_than: float, now: dt.datetime | None = None) -> int:
    """How many jobs have been queued for more than `older_than` seconds (a wake-up lost with a broker or
    an API process: a worker sends another)."""
    now = now or utcnow()
    return int(
        session.exec(
            select(func.count())
            .select_from(SolveJob)
            .where(
                col(SolveJob.state) == "queued",
                col(SolveJob.created_at) < now - dt.timedelta(seconds=older_than),
            )
        ).one()
    )
