"""Many teams at once on the celery queue, with real processes: a Redis broker, two `pusleplan worker`
processes and two `pusleplan serve` processes on the test database (SQLite file, or PostgreSQL with
`PUSLEPLAN_TEST_DATABASE_URL`). Skipped without `redis-server`, unless `PUSLEPLAN_REQUIRE_REDIS=1` (CI).

Six teams submit at once and all get checked rotas; a worker killed with SIGKILL mid-solve → its job is
run again by a worker (or failed with the reason), never left running, never two rotas; a cancel sent to
the other server process stops the worker's solve and keeps its best rota; a server killed and started
again while workers run loses no job (nor one whose wake-up was lost)."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from planner import migrate
from planner.auth import hash_password
from planner.db import make_engine, reader
from planner.mapping import import_problem
from planner.models import Rota, SolveJob, User
from service.cluster import PASSWORD, Api, Cluster, broker
from service.helpers import QUICK_REASONS, fresh_database
from solver import check
from solver.problem import Problem
from solver.solution import Assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from make_team import team as make_team  # noqa: E402

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]
ENDED = ("done", "failed", "cancelled")


@dataclass
class Setup:
    cluster: Cluster
    engine: Engine
    api1: Api
    api2: Api


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    directory = tmp_path_factory.mktemp("cluster")
    with broker(directory) as broker_url, fresh_database(directory) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)  # `pusleplan migrate`, once; the processes start with MIGRATE_ON_START=0
        # A short reasons budget (the service's default is 20 s): these tests read none, and a worker
        # working them out after an Uldum-size job is busy up to 20 s more (on SQLite holding the
        # database's write lock meanwhile), which held up the next jobs and tests.
        cluster = Cluster(directory, url, broker_url, settings={"PUSLEPLAN_REASONS_BUDGET": QUICK_REASONS})
        try:
            cluster.start_workers(2)
            yield Setup(cluster, engine, cluster.start_api(), cluster.start_api())
        except BaseException:
            print(cluster.log_tail())
            raise
        finally:
            cluster.close()
            engine.dispose()


def add_team(engine: Engine, name: str, people: int) -> tuple[int, str]:
    """A team made from Uldum (`examples/make_team.py`) with its period closed, and its planner."""
    with Session(engine) as session:
        team, period = import_problem(session, Problem.model_validate(make_team(people)), team_name=name)
        period.state = "closed"
        username = f"planner-{name.lower()}"
        # A cheap hash (the servers verify it at the cost it names): the sign-in is not what is tested.
        session.add(
            User(username=username, role="planner", team_id=team.id, password_hash=hash_password(PASSWORD))
        )
        session.commit()
        assert period.id is not None
        return period.id, username


def job_row(engine: Engine, job_id: int) -> SolveJob:
    with Session(reader(engine)) as session:
        found = session.get(SolveJob, job_id)
        assert found is not None
        return found


def wait_for(engine: Engine, job_ids: list[int], until: Any, timeout: float = 90) -> list[SolveJob]:
    deadline = time.monotonic() + timeout
    while True:
        rows = [job_row(engine, j) for j in job_ids]
        if all(until(r) for r in rows):
            return rows
        assert time.monotonic() < deadline, [(r.id, r.state, r.attempts, r.error) for r in rows]
        time.sleep(0.2)


def checked_rota(engine: Engine, job: SolveJob) -> Rota:
    """The job's one rota, breaking no hard rule by the independent checker, at the checker's cost."""
    with Session(engine) as session:
        rotas = session.exec(select(Rota).where(col(Rota.job_id) == job.id)).all()
    assert [r.id for r in rotas] == [job.rota_id], "exactly one rota per job"
    rota = rotas[0]
    problem = Problem.model_validate(rota.problem)
    assignments = [Assignment.model_validate(a) for a in rota.assignments]
    assert check.violations(problem, assignments) == []
    assert check.objective(problem, assignments) == rota.objective
    return rota


def solve(api: Api, period: int, user: str, time_limit: float) -> int:
    job = api.request("POST", f"/periods/{period}/solve", user, {"time_limit": time_limit, "workers": 1})
    assert job["state"] in ("queued", "running"), job  # a free worker may have taken it already
    return int(job["id"])


def test_six_teams_at_once_all_get_checked_rotas(setup: Setup) -> None:
    teams = [add_team(setup.engine, f"Hold{i}", 6) for i in range(6)]
    for i, (_, user) in enumerate(teams):  # sign in first: the solves below go out together
        (setup.api1 if i % 2 else setup.api2).token(user)
    with ThreadPoolExecutor(6) as pool:
        futures = [
            pool.submit(solve, setup.api1 if i % 2 else setup.api2, period, user, 2)
            for i, (period, user) in enumerate(teams)
        ]
        job_ids = [f.result() for f in futures]
    most_running = 0
    deadline = time.monotonic() + 120
    while True:
        rows = [job_row(setup.engine, j) for j in job_ids]
        most_running = max(most_running, sum(r.state == "running" for r in rows))
        if all(r.state in ENDED for r in rows):
            break
        assert time.monotonic() < deadline, [(r.id, r.state) for r in rows]
        time.sleep(0.1)
    assert [(r.state, r.outcome) for r in rows] == [("done", "rota")] * 6, [r.error for r in rows]
    for row in rows:
        checked_rota(setup.engine, row)
        assert row.attempts == 1
    assert most_running <= 2  # two workers of one solve each
    assert len({r.worker for r in rows}) == 2, "both workers solved"


def test_a_worker_killed_mid_solve_does_not_leave_its_job_running(setup: Setup) -> None:
    period, user = add_team(setup.engine, "Killed", 25)  # the Uldum size: it searches to its limit
    job_id = solve(setup.api1, period, user, 6)
    running = wait_for(
        setup.engine, [job_id], lambda r: r.state == "running" and r.best_objective is not None
    )[0]
    assert running.worker is not None and running.attempts == 1
    victim = int(running.worker.rsplit(":", 1)[1])
    os.kill(victim, signal.SIGKILL)  # the process running the solve, as kill -9 or a lost machine would
    ended = wait_for(setup.engine, [job_id], lambda r: r.state in ENDED, timeout=90)[0]
    if ended.state == "done":  # run again by a worker
        assert ended.attempts == 2 and ended.worker != running.worker
        checked_rota(setup.engine, ended)
    else:  # or failed, saying why
        assert ended.state == "failed" and "stopped answering" in (ended.error or ""), ended
        with Session(setup.engine) as session:
            assert session.exec(select(Rota).where(col(Rota.job_id) == job_id)).all() == []
    assert all(w.poll() is None for w in setup.cluster.workers)  # the workers themselves go on


def test_a_cancel_sent_to_the_other_server_stops_the_workers_solve_and_keeps_a_rota(setup: Setup) -> None:
    period, user = add_team(setup.engine, "Stopped", 25)
    job_id = solve(setup.api1, period, user, 60)
    wait_for(setup.engine, [job_id], lambda r: r.state == "running" and r.best_objective is not None)
    asked = time.monotonic()
    stopping = setup.api2.request("DELETE", f"/solve-jobs/{job_id}", user)
    assert stopping["state"] == "stopping"
    ended = wait_for(setup.engine, [job_id], lambda r: r.state in ENDED, timeout=45)[0]
    assert time.monotonic() - asked < 30  # long before its 60 s
    assert (ended.state, ended.outcome) == ("done", "stopped_early"), ended
    rota = checked_rota(setup.engine, ended)
    assert rota.stopped_early and rota.state == "draft"
    seen = setup.api1.request("GET", f"/solve-jobs/{job_id}", user)  # the first server sees the same
    assert (seen["state"], seen["rota_id"]) == ("done", rota.id)


def test_a_server_restarted_while_workers_run_loses_nothing(setup: Setup) -> None:
    teams = [add_team(setup.engine, f"Restart{i}", 6) for i in range(4)]
    api = setup.api1
    job_ids = [solve(api, period, user, 2) for period, user in teams]
    # A job whose wake-up never reached the broker (its server died between the commit and the send).
    orphan_period, orphan_user = add_team(setup.engine, "Orphan", 6)
    with Session(setup.engine) as session:
        orphan = SolveJob(period_id=orphan_period, time_limit=2, workers=1, seed=0, created_by=orphan_user)
        session.add(orphan)
        session.commit()
        assert orphan.id is not None
        job_ids.append(orphan.id)
    port = api.port
    setup.cluster.kill_api(api)  # kill -9: no clean-up
    setup.api1 = setup.cluster.start_api(port)  # a server's start fails no job of the workers
    rows = wait_for(setup.engine, job_ids, lambda r: r.state in ENDED, timeout=120)
    assert [(r.state, r.outcome) for r in rows] == [("done", "rota")] * 5, [r.error for r in rows]
    for row in rows:
        checked_rota(setup.engine, row)
    for (_, user), job_id in zip(teams, job_ids, strict=False):
        assert setup.api1.request("GET", f"/solve-jobs/{job_id}", user)["state"] == "done"
