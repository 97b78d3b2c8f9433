"""Solve jobs: a restart fails what was left running; the process queue solves and cancels."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from planner import mapping, services
from planner.auth import hash_password
from planner.io import load_problem
from planner.jobs import ProcessQueue
from planner.models import Rota, SolveJob, User
from service.helpers import PASSWORD, World, build_world, checked, login, migrated, ok

ROOT = Path(__file__).resolve().parents[2]


def test_restart_marks_running_jobs_failed(world: World) -> None:
    with Session(world.engine) as session:
        for state in ("queued", "running", "done"):
            session.add(SolveJob(period_id=world.period, state=state, time_limit=5, workers=1, seed=0))
        session.commit()
    from planner.cli_service import prepare_database

    assert prepare_database(world.engine) == 2
    jobs = ok(world.get("planner", f"/periods/{world.period}/solve-jobs"))
    assert [j["state"] for j in jobs] == ["failed", "failed", "done"]
    assert jobs[0]["error"] == services.RESTART_MESSAGE and jobs[0]["finished_at"] is not None


def wait(
    client: TestClient, headers: dict[str, str], job: int, until: Any, timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = ok(client.get(f"/solve-jobs/{job}", headers=headers))
        if until(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def test_process_queue_solves_and_cancels(tmp_path: Path) -> None:
    with migrated(tmp_path) as engine:
        process_queue_solves_and_cancels(engine)


def process_queue_solves_and_cancels(engine: Engine) -> None:
    queue = ProcessQueue(engine)
    worlds = build_world(engine, queue)
    try:
        # A small team: solved in its own process, stored as a draft.
        world = next(worlds)
        ok(world.post("planner", f"/periods/{world.period}/close"))
        job = ok(
            world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
        )
        assert job["state"] == "queued"
        done = wait(world.client, world.as_("planner"), job["id"], lambda s: s["state"] in ("done", "failed"))
        assert done["state"] == "done", done
        checked(world, done["rota_id"])

        # The Uldum team (25 people, 8 weeks) runs long enough to be cancelled mid-solve.
        with Session(engine) as session:
            team, period = mapping.import_problem(session, load_problem(ROOT / "examples" / "uldum.json"))
            period.state = "closed"
            session.add(
                User(username="uldum", role="planner", team_id=team.id, password_hash=hash_password(PASSWORD))
            )
            session.commit()
            period_id = period.id
        headers = login(world.client, "uldum")
        job = ok(
            world.client.post(
                f"/periods/{period_id}/solve", json={"time_limit": 120, "workers": 1}, headers=headers
            ),
            202,
        )
        running = wait(world.client, headers, job["id"], lambda s: s["best_objective"] is not None)
        assert (
            running["state"] == "running"
            and running["elapsed"] is not None
            and running["best_bound"] is not None
        )
        cancelled = ok(world.client.delete(f"/solve-jobs/{job['id']}", headers=headers))
        assert cancelled["state"] == "cancelled"
        deadline = time.monotonic() + 30
        while queue.running and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not queue.running  # the process is gone
        time.sleep(1)
        final = ok(world.client.get(f"/solve-jobs/{job['id']}", headers=headers))
        assert final["state"] == "cancelled" and final["rota_id"] is None
        with Session(engine) as session:
            assert session.get(Rota, done["rota_id"]) is not None
        assert world.client.delete(f"/solve-jobs/{job['id']}", headers=headers).status_code == 409
    finally:
        worlds.close()
        queue.shutdown()
