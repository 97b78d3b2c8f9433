"""Issue 17 item 8: a server killed outright (`kill -9`: no clean-up runs) must not leave its solve process
running as an orphan until the solve's time limit — it would keep the cores busy and write a rota nobody
waits for. A real server-like process (a `ProcessQueue` in its own interpreter) starts a 60-s solve and
is killed; its solve process must be gone within a few seconds, and the next `serve` fails the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from planner import services
from planner.auth import Actor
from planner.cli.service import prepare_database
from planner.demo import load_demo
from planner.io import load_problem
from planner.models import SolveJob, SolveRequest
from service.helpers import migrated

SERVER = textwrap.dedent(
    """
    import sys, time
    from planner.db import make_engine
    from planner.jobs import ProcessQueue

    queue = ProcessQueue(make_engine(sys.argv[1]))
    queue.submit(int(sys.argv[2]))
    while not queue.running or next(iter(queue.running.values())).pid is None:  # registered, then started
        time.sleep(0.05)
    print(next(iter(queue.running.values())).pid, flush=True)
    time.sleep(600)
    """
)


EXAMPLE = Path(__file__).parents[2] / "examples" / "uldum.json"


@pytest.fixture
def engine_with_a_long_solve(tmp_path: Path) -> Iterator[tuple[Engine, int]]:
    """The Uldum example (25 people, 8 weeks: its search runs to the time limit) closed, and a queued
    60-s solve of it."""
    with migrated(tmp_path) as engine:
        with Session(engine) as session:  # closed before the test: SQLite has one writer at a time
            made = load_demo(session, load_problem(EXAMPLE), name="Uldum")
            session.commit()
            system = Actor.system(made.team.id)
            assert made.period.id is not None
            services.close_period(made.period.id, session=session, actor=system)
            request = SolveRequest(time_limit=60, workers=1)
            job = services.create_solve_job(made.period.id, request, session=session, actor=system)
            assert job.id is not None
            job_id = job.id
        yield engine, job_id


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status waits to be read


def _job_state(engine: Engine, job_id: int) -> str:
    with Session(engine) as session:
        job = session.get(SolveJob, job_id)
        assert job is not None
        return job.state


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_server_takes_its_solve_process_with_it(
    engine_with_a_long_solve: tuple[Engine, int],
) -> None:
    engine, job_id = engine_with_a_long_solve
    url = engine.url.render_as_string(hide_password=False)
    command = [sys.executable, "-c", SERVER, url, str(job_id)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None
            child = int(server.stdout.readline())
            deadline = time.monotonic() + 60
            while _job_state(engine, job_id) != "running":  # the solve has started
                assert time.monotonic() < deadline, "the solve did not start"
                time.sleep(0.1)
            assert _alive(child)
            os.kill(server.pid, signal.SIGKILL)
            server.wait(10)
            gone = time.monotonic() + 5
            while _alive(child) and time.monotonic() < gone:
                time.sleep(0.05)
            assert not _alive(child), "the solve process outlived its server"
        finally:
            if server.poll() is None:
                server.kill()
            if _alive(child := locals().get("child", 0)) and child:
                os.kill(child, signal.SIGKILL)  # never leave one behind, even when the test fails
    assert _job_state(engine, job_id) == "running"  # nobody was left to end it ...
    assert prepare_database(engine) == 1  # ... so the next `serve` fails it at its start
    assert _job_state(engine, job_id) == "failed"
