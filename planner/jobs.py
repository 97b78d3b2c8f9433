"""Solve jobs: a small queue interface, and the local implementation that runs each solve in its own
process.

A job is a row (`SolveJob`); the queue only decides where and when `execute_job` runs. `ProcessQueue`
starts a `spawn` process per job (one at a time by default: a solve uses the cores), so the service stays
responsive and a cancel can terminate the process. `InlineQueue` runs the job in the caller's thread
(tests, scripts). A distributed worker pool is another `JobQueue` that calls `execute_job` elsewhere.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queue_module
import threading
import time
import traceback
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from planner import mapping, services
from planner.db import make_engine
from planner.models import Period, Rota, SolveJob
from solver import SolveParams, solve
from solver.solution import Progress

log = logging.getLogger("pusleplan.jobs")
PROGRESS_EVERY = 0.5  # seconds between progress writes; the solver may report far more often
_POLL = 0.2


class JobQueue(Protocol):
    """Where solve jobs run. The job row exists (state `queued`) before `submit` is called."""

    def submit(self, job_id: int) -> None: ...

    def cancel(self, job_id: int) -> None:
        """Stop the job's work if it runs; its row has been marked `cancelled` already."""
        ...

    def shutdown(self) -> None: ...


def execute_job(engine: Engine, job_id: int) -> None:
    """Run one job to its end: mark it running, solve, store the draft rota, mark it done (or failed).
    A job cancelled meanwhile keeps its `cancelled` state and its result is dropped."""
    with Session(engine, expire_on_commit=False) as session:
        if not services.set_job_state(
            session, job_id, "running", from_states=("queued",), started_at=services.utcnow()
        ):
            session.rollback()
            return
        session.commit()
        job = services.get(session, SolveJob, job_id, "solve job")
        try:
            period = services.get(session, Period, job.period_id, "period")
            problem = services.problem_for_job(session, period, job.from_rota, job.keep_weight)
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
                on_progress=_ProgressWriter(engine, job_id),
            )
            solution = solve(problem, params)
            period = services.get(session, Period, job.period_id, "period")
            rota = services.store_rota(period, problem, solution, session=session, job=job)
            moved = services.set_job_state(
                session,
                job_id,
                "done",
                from_states=("running",),
                rota_id=rota.id,
                elapsed=solution.wall_time,
                best_objective=solution.objective,
                best_bound=solution.best_bound,
            )
            if moved:
                session.commit()
            else:
                session.rollback()
        except Exception as exc:  # a job must end in a state, whatever went wrong
            session.rollback()
            log.error("solve job %s failed:\n%s", job_id, traceback.format_exc())
            services.set_job_state(session, job_id, "failed", from_states=("running",), error=str(exc)[:2000])
            session.commit()


class _ProgressWriter:
    """`SolveParams.on_progress`: writes elapsed, best objective and bound to the job row, at most every
    `PROGRESS_EVERY` seconds, in its own short transactions."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine, self.job_id, self.last = engine, job_id, 0.0

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
        execute_job(self.engine, job_id)

    def cancel(self, job_id: int) -> None:
        pass

    def shutdown(self) -> None:
        pass


def _child(database_url: str, job_id: int) -> None:
    """Entry point of a job process (spawned: a fresh interpreter with its own engine)."""
    engine = make_engine(database_url)
    try:
        execute_job(engine, job_id)
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
        with self.lock:
            process = self.running.get(job_id)
        if process is not None and process.is_alive():
            process.terminate()

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
            process = self.context.Process(target=_child, args=(self.url, job_id), daemon=True)
            with self.lock:
                self.running[job_id] = process
            process.start()
            process.join()
            with self.lock:
                self.running.pop(job_id, None)
            if process.exitcode != 0:
                # Terminated (a cancel, or a shutdown) or crashed: a job still running has failed.
                with Session(self.engine) as session:
                    services.set_job_state(
                        session,
                        job_id,
                        "failed",
                        from_states=("queued", "running"),
                        error=f"the solve process ended with exit code {process.exitcode}",
                    )
                    session.commit()
