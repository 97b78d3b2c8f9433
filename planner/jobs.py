"""Solve jobs: a small queue interface, and the local implementation that runs each solve in its own
process.

A job is a row (`SolveJob`); the queue only decides where and when `execute_job` runs. `ProcessQueue`
starts a `spawn` process per job (one at a time by default: a solve uses the cores), so the service stays
responsive; a cancel stops the job's search (the process watches its row), which keeps the best rota found
so far, and terminates a process that does not end in time. `InlineQueue` runs the job in the caller's
thread (tests, scripts). The distributed worker pool, `planner.worker.CeleryQueue`, is another `JobQueue`:
its workers claim jobs by a fair rule (`services.claim_next_job`) and run them with `run_job`; `make_queue`
picks the one the settings ask for (`PUSLEPLAN_QUEUE`).

Each run of a job has a number (`SolveJob.attempts`, counted up when the run starts): every write of a run
(progress, heartbeat, the end) is guarded by it, so the late run of a worker thought lost and replaced
stores nothing. The rota a run stores is unique per job (`Rota.job_id`).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue as queue_module
import signal
import socket
import sys
import threading
import time
import traceback
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import mapping, services
from planner.db import make_engine, reader
from planner.models import Period, Rota, SolveJob
from planner.settings import settings
from solver import SolveParams, solve
from solver.problem import Problem
from solver.solution import Progress, Solution

log = logging.getLogger("pusleplan.jobs")
PROGRESS_EVERY = 0.5  # seconds between progress writes; the solver may report far more often
STOP_POLL = 0.25  # seconds between looks at a running job's state (has the planner stopped it?)
# Seconds a stopped job's process gets to store its best rota before it is terminated (and the job
# cancelled without one): stopping the search takes a moment, settling and storing the rota a few seconds.
STOP_GRACE = 60.0
_POLL = 0.2
PARENT_POLL = 1.0  # seconds between a job process's looks at its parent (where the kernel cannot tell it)
PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends


class JobQueue(Protocol):
    """Where solve jobs run. The job row exists (state `queued`) before `submit` is called."""

    def submit(self, job_id: int) -> None: ...

    def cancel(self, job_id: int) -> None:
        """The job's row says `cancelled` (it had not started) or `stopping` (`services.cancel_job`):
        make sure a running job stops, keeping its best rota, and ends."""
        ...

    def shutdown(self) -> None: ...


def make_queue(engine: Engine) -> JobQueue:
    """The queue `PUSLEPLAN_QUEUE` asks for: `local` (a `ProcessQueue` of this process, the default) or
    `celery` (`pusleplan worker` processes reached through the broker at `PUSLEPLAN_BROKER_URL`)."""
    configured = settings()
    if configured.queue == "celery":
        from planner.worker import CeleryQueue  # celery is imported only where it is used

        return CeleryQueue(configured.broker_url)
    return ProcessQueue(engine)


def worker_name() -> str:
    """Who runs a job, as its row records it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def execute_job(engine: Engine, job_id: int, *, watch: bool = False) -> None:
    """Claim a queued job and run it (`run_job`); a job cancelled before it started is left alone."""
    with Session(engine) as session:
        attempt = services.claim_job(session, job_id, worker=worker_name())
        if attempt is None:
            session.rollback()
            return
        session.commit()
    run_job(engine, job_id, attempt, watch=watch)


def run_job(
    engine: Engine, job_id: int, attempt: int, *, watch: bool = False, heartbeat: float | None = None
) -> None:
    """Run a claimed job (run number `attempt`) to its end: solve, and end it with what it found:

    - a rota: stored as a draft, the job `done` with outcome `rota`;
    - stopped by the planner (`stopping`, seen when `watch` is on): the best rota found so far stored as
      a draft marked stopped early, the job `done` with outcome `stopped_early`; `cancelled` when it had
      found none yet;
    - no rota: the job `done` with outcome `infeasible` (and the solver's conflicts: which rules of whom
      cannot all hold) or `no_rota_in_time`; no draft is stored;
    - an error: `failed`.

    `watch` looks for a stop request in the job's row from a thread of its own while the solve runs (a
    job process; not for an in-memory database); with `heartbeat` that thread also stamps the row every
    `heartbeat` seconds, so a worker that dies is noticed (`services.recover_lost_jobs`). A run that is
    no longer the job's current one (replaced after its worker was thought lost) stops and ends nothing.
    Once the job is done with a rota, the reasons of its unmet wishes and short slots are worked out and
    stored with it (`_reasons`)."""
    with Session(engine, expire_on_commit=False) as session:
        job = services.get(session, SolveJob, job_id, "solve job")
        stop_watch = _StopWatch(engine, job_id, attempt, enabled=watch, heartbeat=heartbeat)
        try:
            period = services.get(session, Period, job.period_id, "period")
            problem = services.problem_for_job(
                session, period, job.from_rota, job.keep_weight, fixed_before=job.fixed_before
            )
            # Re-solve: start from the draft (warm start); its cells are also priced by `keep` cells.
            hint = None
            if job.from_rota is not None:
                hint = mapping.rota_assignments(services.get(session, Rota, job.from_rota, "rota"))
            session.commit()  # end the read transaction: progress is written by other sessions
            params = SolveParams(
                time_limit=job.time_limit,
                workers=job.workers,
                seed=job.seed,
                hint=hint,
                on_progress=_ProgressWriter(engine, job_id, attempt),
                stop=stop_watch.stop,
            )
            with stop_watch:
                solution = solve(problem, params)
            rota_id = _finish(session, job, attempt, problem, solution, stopped=stop_watch.stop.is_set())
        except Exception as exc:  # a job must end in a state, whatever went wrong
            session.rollback()
            log.error("solve job %s failed:\n%s", job_id, traceback.format_exc())
            services.set_job_state(
                session, job_id, "failed", from_states=ACTIVE, attempt=attempt, error=str(exc)[:2000]
            )
            session.commit()
            return
        if rota_id is not None:
            _reasons(session, rota_id)


def _reasons(session: Session, rota_id: int) -> None:
    """After the job is done: the reasons of the new rota's unmet wishes and short slots, within the
    settings' budget (`services.work_out_reasons`). A failure here leaves the rota without them (the
    planner can ask again); it never changes the job."""
    try:
        services.work_out_reasons(rota_id, session=session)
    except Exception:
        session.rollback()
        log.error("reasons of rota %s failed:\n%s", rota_id, traceback.format_exc())


ACTIVE = ("running", "stopping")
STOPPED_WITHOUT_ROTA = "stopped by the planner before a rota was found"


def _finish(
    session: Session, job: SolveJob, attempt: int, problem: Problem, solution: Solution, *, stopped: bool
) -> int | None:
    """End a job that ran its solve (see `run_job`). The end is guarded by the job's state and run
    number first (a conditional UPDATE, which on PostgreSQL also locks the row until the commit): a job
    whose row moved on meanwhile (ended already, failed by a restart, given to another worker) keeps its
    state and nothing is stored, so ending a job twice stores one rota. The rota and the job's end are one
    transaction: a job is never `done` without its rota, nor a rota stored for a job not done. The id of
    the rota stored, if any."""
    assert job.id is not None
    rota_id = None
    figures = {"elapsed": solution.wall_time, "best_bound": solution.best_bound}
    if solution.has_rota:
        moved = services.set_job_state(
            session,
            job.id,
            "done",
            from_states=ACTIVE,
            attempt=attempt,
            outcome="stopped_early" if stopped else "rota",
            **figures,
        )
        if moved:
            period = services.get(session, Period, job.period_id, "period")
            rota = services.store_rota(
                period, problem, solution, session=session, job=job, stopped_early=stopped
            )
            services.set_job_state(
                session, job.id, "done", from_states=("done",), rota_id=rota.id, best_objective=rota.objective
            )
            rota_id = rota.id
    elif stopped:
        moved = services.set_job_state(
            session,
            job.id,
            "cancelled",
            from_states=ACTIVE,
            attempt=attempt,
            error=STOPPED_WITHOUT_ROTA,
            **figures,
        )
    else:
        moved = services.set_job_state(
            session,
            job.id,
            "done",
            from_states=ACTIVE,
            attempt=attempt,
            outcome="infeasible" if solution.status == "INFEASIBLE" else "no_rota_in_time",
            conflicts=[c.model_dump(mode="json") for c in solution.conflicts],
            **figures,
        )
    if moved:
        session.commit()
        return rota_id
    session.rollback()
    return None


class _StopWatch:
    """While a solve runs (`with`): reads the job's state every `STOP_POLL` seconds in a thread of its
    own, and sets `stop` once the job is no longer `running` in this run (the planner asked it to stop,
    or the job was given to another worker); with `heartbeat`, stamps the row every `heartbeat` s."""

    def __init__(
        self, engine: Engine, job_id: int, attempt: int, *, enabled: bool, heartbeat: float | None = None
    ) -> None:
        self.engine, self.job_id, self.attempt, self.enabled = engine, job_id, attempt, enabled
        self.heartbeat = heartbeat
        self.stop = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _StopWatch:
        if self.enabled:
            self._thread = threading.Thread(target=self._watch, daemon=True, name=f"stop-{self.job_id}")
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _watch(self) -> None:
        query = select(SolveJob.state, SolveJob.attempts).where(SolveJob.id == self.job_id)
        beat = time.monotonic()
        while not self._done.wait(STOP_POLL):
            try:
                if self.heartbeat is not None and time.monotonic() - beat >= self.heartbeat:
                    beat = time.monotonic()
                    with Session(self.engine) as session:
                        services.job_heartbeat(session, self.job_id, self.attempt)
                with Session(reader(self.engine)) as session:  # a read: no write lock on SQLite
                    row = session.exec(query).first()
            except Exception:  # a missed look is repeated at the next one
                log.warning("could not read the state of job %s", self.job_id, exc_info=True)
                continue
            if row is None or tuple(row) != ("running", self.attempt):
                self.stop.set()
                if row is not None and row[0] == "stopping" and row[1] == self.attempt:
                    self._keep_beating()
                return

    def _keep_beating(self) -> None:
        """Stopping: the solve ends and the rota is stored soon; until then the row still shows this
        worker alive (a slow store must not look like a lost worker) — for `STOP_GRACE` seconds at most:
        a solve that does not stop by then lets its heartbeat go stale, and the job is cancelled as its
        worker's (`services.recover_lost_jobs`); this run can then store nothing."""
        until = time.monotonic() + STOP_GRACE
        while self.heartbeat is not None and not self._done.wait(self.heartbeat) and time.monotonic() < until:
            try:
                with Session(self.engine) as session:
                    if not services.job_heartbeat(session, self.job_id, self.attempt):
                        return
            except Exception:
                log.warning("could not write the heartbeat of job %s", self.job_id, exc_info=True)


class _ProgressWriter:
    """`SolveParams.on_progress`: writes elapsed, best objective and bound to the job row, at most every
    `PROGRESS_EVERY` seconds, in its own short transactions."""

    def __init__(self, engine: Engine, job_id: int, attempt: int) -> None:
        self.engine, self.job_id, self.attempt, self.last = engine, job_id, attempt, 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        try:
            with Session(self.engine) as session:
                services.set_job_state(
                    session,
                    self.job_id,
                    "running",
                    from_states=("running",),
                    attempt=self.attempt,
                    elapsed=progress.elapsed,
                    best_objective=progress.objective,
                    best_bound=progress.bound,
                )
                session.commit()
        except Exception:  # progress is informative only; never break the solve for it
            log.warning("could not write progress of job %s", self.job_id, exc_info=True)


# ---- the queues -------------------------------------------------------------------------------------


class InlineQueue:
    """Runs each job at once, in the caller's thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def submit(self, job_id: int) -> None:
        execute_job(self.engine, job_id)  # no stop watch: nothing can ask meanwhile

    def cancel(self, job_id: int) -> None:
        pass

    def shutdown(self) -> None:
        pass


def _die_with_parent(parent: int) -> None:
    """Make this job process end when the server process that started it does, even when that one is
    killed outright (`kill -9`, the OOM killer) and runs no clean-up: on Linux the kernel sends SIGKILL
    (`PR_SET_PDEATHSIG`); elsewhere a thread notices the new parent within `PARENT_POLL` s. The job row
    stays `running`, and the next `serve` marks it failed. A parent already gone before this ran: exit."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _child(database_url: str, job_id: int, parent: int | None = None) -> None:
    """Entry point of a job process (spawned: a fresh interpreter with its own engine)."""
    if parent is not None:
        _die_with_parent(parent)
    engine = make_engine(database_url)
    try:
        execute_job(engine, job_id, watch=True)
    finally:
        engine.dispose()


class ProcessQueue:
    """Runs jobs in spawned processes, `parallel` at a time, in submission order."""

    def __init__(self, engine: Engine, *, parallel: int = 1) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=False)
        if self.url in ("sqlite://", "sqlite:///:memory:"):
            raise ValueError("a process queue needs a database other processes can open, not :memory:")
        self.context = multiprocessing.get_context("spawn")
        self.waiting: queue_module.Queue[int | None] = queue_module.Queue()
        self.running: dict[int, multiprocessing.process.BaseProcess] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._work, daemon=True, name=f"solve-{i}") for i in range(parallel)
        ]
        for t in self.threads:
            t.start()

    def submit(self, job_id: int) -> None:
        self.waiting.put(job_id)

    def cancel(self, job_id: int) -> None:
        """A stopped job's process stores its best rota and ends by itself (its stop watch reads the
        row); one still alive after `STOP_GRACE` seconds is terminated."""
        with self.lock:
            process = self.running.get(job_id)
        if process is not None and process.is_alive():
            threading.Thread(target=_terminate_later, args=(process,), daemon=True).start()

    def shutdown(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        for _ in self.threads:
            self.waiting.put(None)
        with self.lock:
            processes = list(self.running.values())
        for p in processes:
            p.terminate()
        for t in self.threads:
            t.join(timeout)

    def _work(self) -> None:
        while not self.stopping.is_set():
            job_id = self.waiting.get()
            if job_id is None:
                return
            with Session(self.engine) as session:
                job = session.get(SolveJob, job_id)
                if job is None or job.state != "queued":
                    continue  # cancelled while waiting
            args = (self.url, job_id, os.getpid())
            process = self.context.Process(target=_child, args=args, daemon=True)
            with self.lock:
                self.running[job_id] = process
            process.start()
            process.join()
            with self.lock:
                self.running.pop(job_id, None)
            if process.exitcode != 0:
                # Terminated (a stop that took too long, a shutdown) or crashed: a job that was asked to
                # stop is cancelled, one still running has failed.
                with Session(self.engine) as session:
                    services.set_job_state(
                        session,
                        job_id,
                        "cancelled",
                        from_states=("stopping",),
                        error=f"{STOPPED_WITHOUT_ROTA} (it did not stop in {STOP_GRACE:g} s)",
                    ) or services.set_job_state(
                        session,
                        job_id,
                        "failed",
                        from_states=("queued", "running"),
                        error=f"the solve process ended with exit code {process.exitcode}",
                    )
                    session.commit()


def _terminate_later(process: multiprocessing.process.BaseProcess) -> None:
    """Terminate `process` if it has not ended within `STOP_GRACE` seconds (waits on its sentinel: the
    queue's own thread joins it)."""
    if not multiprocessing.connection.wait([process.sentinel], STOP_GRACE):
        process.terminate()
