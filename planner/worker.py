"""Solve workers on Celery (`PUSLEPLAN_QUEUE=celery`): the API processes store a job and send a wake-up
through the broker (Redis, `PUSLEPLAN_BROKER_URL`); `pusleplan worker` processes on any machine that
reaches the database and the broker take jobs and solve them.

The broker carries only wake-ups. The job itself — its order, state, progress, stop request and result —
lives in the database, as with the local queue:

- **Which job**: a woken worker takes the next job by the fair rule of `services.claim_next_job` (urgent
  periods first, then the team with the fewest solves running and recently run, then the oldest job),
  not the job the message named; so one team's burst of re-solves cannot starve another team, whatever
  order the messages arrive in, and at most one solve per period runs. After a job, the worker sends
  another wake-up while jobs wait (one a busy period held back gets its turn).
- **Faults**: messages are acknowledged late and rejected (so re-delivered) when the process running
  them dies (`task_acks_late`, `task_reject_on_worker_lost`); a message is only a wake-up, so a
  re-delivered one is harmless. The job is recovered from its row: the process running it stamps a
  heartbeat every `PUSLEPLAN_JOB_HEARTBEAT_SECONDS`; every worker's main process looks for jobs whose
  stamp is older than `PUSLEPLAN_JOB_STALE_SECONDS` (`services.recover_lost_jobs`) and queues them again
  for another worker, or fails them with the reason after `PUSLEPLAN_JOB_MAX_ATTEMPTS` runs. Each run is
  numbered and each write of a run guarded by its number, and a job has at most one rota (a unique
  index): a late run of a worker thought lost stores nothing.
- **Cancel**: the API sets the row to `stopping`; the worker's stop watch reads the row (`run_job`) and
  ends the search, keeping the best rota found — from any API process, to any worker.
- **Lost wake-ups** (an API process that died between its commit and its send, a broker restarted
  without its data): a worker that sees jobs queued for longer than the stale time while the broker's
  queue is empty sends a wake-up.

`celery -A planner.worker inspect active` (or Flower) shows the workers and what they run.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Celery, signals
from sqlalchemy import Engine
from sqlmodel import Session

from planner import services
from planner.db import make_engine
from planner.jobs import run_job, worker_name
from planner.settings import settings

log = logging.getLogger("pusleplan.worker")
TASK = "pusleplan.solve"
QUEUE = "pusleplan"
# A message not acknowledged within this time is delivered again (Redis); it is only a wake-up, so this
# need not exceed the longest solve, but fewer needless re-deliveries are better.
VISIBILITY_TIMEOUT = 2 * 3600
MAX_TASK_SECONDS = 3600 + 600


def make_celery(broker_url: str | None = None) -> Celery:
    """The Celery application of the API processes and the workers, on `broker_url` (default: the
    settings'). Tasks carry no results (progress and results are in the database)."""
    configured = settings()
    app = Celery("pusleplan", broker=broker_url or configured.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker takes one wake-up at a time: the others stay for others
        worker_concurrency=configured.worker_concurrency,
        task_ignore_result=True,
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        worker_hijack_root_logger=False,
        worker_max_tasks_per_child=50,  # a fresh process now and then: a solve's memory is given back
        # The longest solve a planner may ask for (SolveRequest: 3600 s) and time to stop and store it:
        # a solve process still busy then is killed by the pool, and its job recovered from its row.
        task_time_limit=MAX_TASK_SECONDS,
    )
    app.task(name=TASK, bind=True, ignore_result=True)(_solve_task)
    return app


class CeleryQueue:
    """The `JobQueue` of an API process when `PUSLEPLAN_QUEUE=celery`: sends wake-ups."""

    def __init__(self, broker_url: str | None = None) -> None:
        self.app = make_celery(broker_url)

    def submit(self, job_id: int) -> None:
        """Wake a worker. When the broker cannot be reached the job stays queued in the database and a
        worker's look for waiting jobs (`_Maintenance`) wakes one later: the request still succeeds."""
        wake(self.app, job_id)

    def cancel(self, job_id: int) -> None:
        """Nothing to send: the job's row says `stopping`, which the worker running it reads."""

    def shutdown(self) -> None:
        self.app.close()


def wake(app: Celery, job_id: int | None = None) -> bool:
    """Send one wake-up (naming `job_id` for the monitoring only); False when the broker is away."""
    try:
        app.send_task(
            TASK,
            args=[job_id],
            queue=QUEUE,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2},
        )
        return True
    except Exception:
        log.warning(
            "could not reach the broker; job %s waits for a worker's next look", job_id, exc_info=True
        )
        return False


# ---- in the worker --------------------------------------------------------------------------------

_engine: Engine | None = None
_engine_pid = 0


def _worker_engine() -> Engine:
    """This process's engine (a pool process makes its own: connections are not shared across fork)."""
    global _engine, _engine_pid
    if _engine is None or _engine_pid != os.getpid():
        _engine = make_engine(pool_size=settings().worker_db_pool_size)
        _engine_pid = os.getpid()
    return _engine


def _solve_task(task: Any, job_id: int | None = None) -> int | None:
    return solve_next(task.app, job_id)


def solve_next(app: Celery, job_id: int | None = None) -> int | None:
    """The task: take the next job by the fair rule and run it to its end; the id of the job run, or None
    when no job may start now. `job_id` is what woke this worker, for the logs only. While jobs wait
    afterwards, another wake-up goes out on `app`."""
    configured = settings()
    engine = _worker_engine()
    with Session(engine) as session:
        claimed = services.claim_next_job(session, worker=worker_name(), urgent_days=configured.urgent_days)
    if claimed is None:
        return None
    log.info("solve job %s (run %s), woken for job %s", claimed.job_id, claimed.attempt, job_id)
    run_job(engine, claimed.job_id, claimed.attempt, watch=True, heartbeat=configured.job_heartbeat_seconds)
    with Session(engine) as session:
        waiting = services.waiting_jobs(session, older_than=0)
    if waiting:
        wake(app, None)
    return claimed.job_id


class _Maintenance(threading.Thread):
    """In a worker's main process: every heartbeat interval, recover the jobs of lost workers (and wake
    a worker for each one queued again), and send a wake-up when jobs wait longer than the stale time
    with the broker's queue empty."""

    def __init__(self, app: Celery) -> None:
        super().__init__(daemon=True, name="pusleplan-maintenance")
        self.app = app
        self.stopped = threading.Event()

    def run(self) -> None:
        configured = settings()
        engine = make_engine(pool_size=1)
        try:
            while not self.stopped.wait(configured.job_heartbeat_seconds):
                try:
                    self.look(engine, configured.job_stale_seconds, configured.job_max_attempts)
                except Exception:  # the database or the broker away: try again at the next look
                    log.warning("the look for lost and waiting jobs failed", exc_info=True)
        finally:
            engine.dispose()

    def look(self, engine: Engine, stale: float, max_attempts: int) -> None:
        with Session(engine) as session:
            requeued = services.recover_lost_jobs(session, stale_after=stale, max_attempts=max_attempts)
            waiting = services.waiting_jobs(session, older_than=stale)
        for job_id in requeued:
            log.warning("job %s lost its worker: queued again", job_id)
            wake(self.app, job_id)
        if waiting and not requeued and _queue_length(self.app) == 0:
            wake(self.app, None)


def _queue_length(app: Celery) -> int:
    """Messages waiting in the broker's queue (0 when it has none, or cannot tell)."""
    try:
        with app.connection_for_read() as connection:
            return int(connection.default_channel.queue_declare(queue=QUEUE, passive=True).message_count)
    except Exception:
        return 0


_maintenance: _Maintenance | None = None


@signals.worker_ready.connect
def _start_maintenance(sender: Any = None, **_: Any) -> None:
    global _maintenance
    app = getattr(sender, "app", None)
    if app is None or app.main != "pusleplan" or _maintenance is not None:
        return
    _maintenance = _Maintenance(app)
    _maintenance.start()


@signals.worker_shutting_down.connect
def _stop_maintenance(**_: Any) -> None:
    if _maintenance is not None:
        _maintenance.stopped.set()


def run_worker(*, concurrency: int | None = None, loglevel: str = "info", events: bool = False) -> int:
    """`pusleplan worker`: a Celery worker of `concurrency` solve processes (default
    `PUSLEPLAN_WORKER_CONCURRENCY`, 1: a solve uses the cores) until stopped (SIGTERM / Ctrl-C: the
    solves running end first — a second Ctrl-C stops at once, and their jobs are recovered)."""
    app = make_celery()
    argv = [
        "worker",
        f"--concurrency={concurrency or settings().worker_concurrency}",
        f"--loglevel={loglevel}",
        f"--queues={QUEUE}",
        f"--hostname=solve{os.getpid()}@%h",  # several workers on one machine each have a name of their own
        "--pool=prefork",
        "--without-mingle",
        "--without-gossip",
    ]
    if events:
        argv.append("--task-events")  # for Flower
    app.worker_main(argv)
    return 0


# For the `celery` command: `celery -A planner.worker inspect active`, `celery -A planner.worker flower`.
app = make_celery()
