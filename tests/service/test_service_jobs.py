"""Solve jobs: a restart fails what was left running; the process queue solves, and a cancel keeps the
best rota found so far; a job without a rota says so (and why) and stores no draft."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import mapping, services
from planner.auth import hash_password
from planner.db import make_engine
from planner.io import load_problem
from planner.jobs import ProcessQueue
from planner.models import Rota, SolveJob, User
from service.helpers import (
    PASSWORD,
    START,
    World,
    build_world,
    checked,
    fresh_database,
    login,
    migrated,
    ok,
)

ROOT = Path(__file__).resolve().parents[2]


def test_restart_marks_running_jobs_failed(world: World) -> None:
    with Session(world.engine) as session:
        for state in ("queued", "running", "done"):
            session.add(SolveJob(period_id=world.period, state=state, time_limit=5, workers=1, seed=0))
        session.commit()
    from planner.cli.service import prepare_database

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


def uldum(engine: Engine) -> int:
    """The example team, its period closed, and its planner `uldum`; the period's id."""
    with Session(engine) as session:
        team, period = mapping.import_problem(session, load_problem(ROOT / "examples" / "uldum.json"))
        period.state = "closed"
        session.add(
            User(username="uldum", role="planner", team_id=team.id, password_hash=hash_password(PASSWORD))
        )
        session.commit()
        assert period.id is not None
        return period.id


@pytest.mark.usefixtures("quick_reasons")
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
        period_id = uldum(engine)
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
        # Cancel = stop and keep the best rota so far: stored as a draft marked stopped early, at the
        # cost the checker gives it, long before the 120 s limit.
        stopped_at = time.monotonic()
        stopping = ok(world.client.delete(f"/solve-jobs/{job['id']}", headers=headers))
        assert stopping["state"] == "stopping"
        again = ok(world.client.delete(f"/solve-jobs/{job['id']}", headers=headers))
        assert again["state"] in ("stopping", "done")  # asking twice changes nothing
        final = wait(world.client, headers, job["id"], lambda s: s["state"] not in ("running", "stopping"))
        assert time.monotonic() - stopped_at < 60
        assert final["state"] == "done" and final["outcome"] == "stopped_early", final
        assert final["rota_id"] is not None and final["rota_id"] != done["rota_id"]
        deadline = time.monotonic() + 30
        while queue.running and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not queue.running  # the process ended by itself
        rota = ok(world.client.get(f"/rotas/{final['rota_id']}", headers=headers))
        assert rota["stopped_early"] is True and rota["state"] == "draft"
        assert rota["objective"] == final["best_objective"] is not None
        checked(world, final["rota_id"])  # no hard rule broken; the checker's cost is the stored one
        drafts = ok(world.client.get(f"/periods/{period_id}/rotas", headers=headers))
        assert [(r["id"], r["stopped_early"]) for r in drafts] == [(final["rota_id"], True)]
        with Session(engine) as session:
            assert session.get(Rota, done["rota_id"]) is not None
        assert world.client.delete(f"/solve-jobs/{job['id']}", headers=headers).status_code == 409
    finally:
        worlds.close()
        queue.shutdown()


def test_cancelling_a_queued_job_just_cancels_it(world: World) -> None:
    ok(world.post("planner", f"/periods/{world.period}/close"))
    with Session(world.engine) as session:
        job = SolveJob(period_id=world.period, state="queued", time_limit=5, workers=1, seed=0)
        session.add(job)
        session.commit()
        job_id = job.id
    cancelled = ok(world.delete("planner", f"/solve-jobs/{job_id}"))
    assert cancelled["state"] == "cancelled" and cancelled["rota_id"] is None
    assert cancelled["outcome"] is None
    assert ok(world.get("planner", f"/periods/{world.period}/rotas")) == []
    refused = world.delete("planner", f"/solve-jobs/{job_id}")
    assert refused.status_code == 409 and "only a queued or running job" in refused.json()["detail"]


def impossible_hours(world: World, staff: str = "mette") -> None:
    """More hours in the week than anyone can work: 64 h in 7 days of 8 h shifts with a weekly rest."""
    url = f"/staff/{world.staff[staff]}"
    person = ok(world.get("planner", url))
    body = {k: person[k] for k in ("code", "name", "skills")}
    body["contract"] = {"min_minutes": 64 * 60}
    ok(world.put("planner", url, json=body))


def test_a_solve_without_a_possible_rota_ends_as_such_and_stores_no_draft(world: World) -> None:
    impossible_hours(world)
    ok(world.post("planner", f"/periods/{world.period}/close"))
    job = ok(
        world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done" and job["outcome"] == "infeasible", job
    assert job["rota_id"] is None and job["best_objective"] is None
    conflict = job["conflicts"][0]
    assert conflict["staff"] == "mette" and "at least 64 hours in the period" in conflict["rules"]
    assert conflict["explanation"].startswith("Mette: these rules cannot all hold")
    assert ok(world.get("planner", f"/periods/{world.period}/rotas")) == []  # no empty "draft"
    assert ok(world.get("planner", f"/periods/{world.period}"))["state"] == "closed"


def test_a_job_that_finds_no_rota_in_time_says_so(world: World, monkeypatch: Any) -> None:
    from planner import jobs
    from solver.solution import Solution

    monkeypatch.setattr(jobs, "solve", lambda problem, params: Solution(status="UNKNOWN", wall_time=2.0))
    ok(world.post("planner", f"/periods/{world.period}/close"))
    job = ok(world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2}), 202)
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert (job["state"], job["outcome"], job["rota_id"], job["conflicts"]) == (
        "done",
        "no_rota_in_time",
        None,
        [],
    )
    assert ok(world.get("planner", f"/periods/{world.period}/rotas")) == []


def test_a_rota_that_breaks_a_hard_rule_is_never_stored(world: World, monkeypatch: Any) -> None:
    """The independent checker verifies every rota before it becomes a draft."""
    from planner import jobs
    from solver.solution import Assignment, Solution

    def broken(problem: Any, params: Any) -> Solution:  # Mette on the day shift twice the same day
        day = START.isoformat()
        twice = [Assignment(staff="mette", date=day, shift=s) for s in ("dag", "aften")]
        return Solution(status="FEASIBLE", objective=0, assignments=twice)

    monkeypatch.setattr(jobs, "solve", broken)
    ok(world.post("planner", f"/periods/{world.period}/close"))
    job = ok(world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2}), 202)
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "failed" and "breaks hard rules" in job["error"]
    assert ok(world.get("planner", f"/periods/{world.period}/rotas")) == []


@pytest.mark.usefixtures("quick_reasons")
def test_a_stop_asked_while_the_job_runs_keeps_the_best_rota(tmp_path: Path) -> None:
    """The job's stop watch (as in a job process) sees the planner's cancel in the row and ends the
    search; the rota found so far is the draft, marked stopped early."""
    from planner import jobs

    with migrated(tmp_path) as engine:
        worlds = build_world(engine)
        world = next(worlds)
        try:
            period_id = uldum(engine)
            headers = login(world.client, "uldum")
            with Session(engine) as session:
                job = SolveJob(period_id=period_id, state="queued", time_limit=120, workers=1, seed=0)
                session.add(job)
                session.commit()
                job_id = job.id
            assert job_id is not None
            runner = threading.Thread(target=jobs.execute_job, args=(engine, job_id), kwargs={"watch": True})
            started = time.monotonic()
            runner.start()
            wait(world.client, headers, job_id, lambda s: s["best_objective"] is not None)
            stopping = ok(world.client.delete(f"/solve-jobs/{job_id}", headers=headers))
            assert stopping["state"] == "stopping"
            runner.join(60)
            assert not runner.is_alive() and time.monotonic() - started < 60
            final = ok(world.client.get(f"/solve-jobs/{job_id}", headers=headers))
            assert final["state"] == "done" and final["outcome"] == "stopped_early", final
            rota = checked(world, final["rota_id"])
            assert rota.stopped_early and rota.objective == final["best_objective"]
        finally:
            worlds.close()


def test_the_migration_gives_earlier_jobs_the_outcome_of_their_rota(tmp_path: Path) -> None:
    from sqlalchemy import text

    from planner import migrate

    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "5c74e4a98918")
            with engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO team (id, name, created_at) VALUES (1, 't', '2027-01-01')")
                )
                connection.execute(
                    text(
                        "INSERT INTO period (id, team_id, name, start, days, state, public_holidays, "
                        "created_at) VALUES (1, 1, 'p', '2027-03-01', 7, 'solved', '[]', '2027-01-01')"
                    )
                )
                for rota_id, status in ((1, "FEASIBLE"), (2, "INFEASIBLE")):
                    connection.execute(
                        text(
                            "INSERT INTO rota (id, period_id, state, created_at, status, wall_time, problem, "
                            "assignments, penalties, fulfilment, coverage, conflicts) VALUES "
                            f"({rota_id}, 1, 'draft', '2027-01-01', '{status}', 1.0, '{{}}', '[]', '[]', "
                            "'[]', '[]', '[]')"
                        )
                    )
                    connection.execute(
                        text(
                            "INSERT INTO solve_job (id, period_id, state, time_limit, workers, seed, "
                            "keep_weight, created_by, created_at, rota_id) VALUES "
                            f"({rota_id}, 1, 'done', 5, 1, 0, 5, 'p', '2027-01-01', {rota_id})"
                        )
                    )
            migrate.upgrade(engine)
            with Session(engine) as session:
                jobs = {j.id: j.outcome for j in session.exec(select(SolveJob)).all()}
                rotas = {r.id: r.stopped_early for r in session.exec(select(Rota)).all()}
            assert jobs == {1: "rota", 2: "infeasible"} and rotas == {1: False, 2: False}
        finally:
            engine.dispose()
