"""The order in which solve workers take jobs, and what becomes of a job whose worker was lost
(`services.claim_next_job`, `services.recover_lost_jobs`; the celery queue's rules, on the database the
tests run on — SQLite, or PostgreSQL with `PUSLEPLAN_TEST_DATABASE_URL`)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from planner import jobs, services
from planner.models import AuditEntry, Period, Rota, SolveJob, utcnow
from planner.services.dispatch import LOST_WHILE_STOPPING
from solver.problem import Problem
from solver.solution import Solution

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from make_team import team as make_team  # noqa: E402

from planner.mapping import import_problem  # noqa: E402

TODAY = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)  # "now" of the claims: 8 weeks before the periods


def add_team(engine: Engine, name: str, *, start: dt.date | None = None) -> int:
    """A small team (4 people) with one closed period (starting 2027-03-01, or at `start`); the
    period's id."""
    with Session(engine) as session:
        _, period = import_problem(session, Problem.model_validate(make_team(4)), team_name=name)
        period.state = "closed"
        period.start = start or period.start
        session.add(period)
        session.commit()
        assert period.id is not None
        return period.id


def add_job(engine: Engine, period: int, *, minutes_ago: int = 0, **values: Any) -> int:
    with Session(engine) as session:
        job = SolveJob(
            period_id=period,
            time_limit=2,
            workers=1,
            seed=0,
            created_at=TODAY - dt.timedelta(minutes=minutes_ago),
            **values,
        )
        session.add(job)
        session.commit()
        assert job.id is not None
        return job.id


def claim(engine: Engine, worker: str = "w1") -> int | None:
    with Session(engine) as session:
        claimed = services.claim_next_job(session, worker=worker, now=TODAY)
    return None if claimed is None else claimed.job_id


def job(engine: Engine, job_id: int) -> SolveJob:
    with Session(engine) as session:
        found = session.get(SolveJob, job_id)
        assert found is not None
        return found


def end(engine: Engine, job_id: int) -> None:
    with Session(engine) as session:
        assert services.set_job_state(session, job_id, "done", from_states=("running",))
        session.commit()


@pytest.fixture
def teams(engine: Engine) -> Iterator[tuple[int, int, int]]:
    """Three teams' periods: A (two more periods of A are made by the tests that need them), B, C."""
    yield add_team(engine, "A"), add_team(engine, "B"), add_team(engine, "C")


def test_a_team_with_many_solves_does_not_starve_another_team(engine: Engine) -> None:
    # Team A submits three re-solves (three periods, so all may run) before team B submits one.
    a1, a2, a3 = (add_team(engine, f"A{i}") for i in range(3))
    with Session(engine) as session:  # the three periods belong to one team: A
        periods = [session.get(Period, p) for p in (a1, a2, a3)]
        team_a = periods[0].team_id  # type: ignore[union-attr]
        for p in periods:
            assert p is not None
            p.team_id = team_a
            session.add(p)
        session.commit()
    b = add_team(engine, "B")
    ja1 = add_job(engine, a1, minutes_ago=40)
    ja2 = add_job(engine, a2, minutes_ago=39)
    ja3 = add_job(engine, a3, minutes_ago=38)
    jb = add_job(engine, b, minutes_ago=1)  # the newest job of all
    # Two workers free: A's oldest job, then B's — not A's second, although it is older.
    assert claim(engine, "w1") == ja1
    assert claim(engine, "w2") == jb
    # When both end, A's next: A has had a solve recently, but B has nothing waiting.
    end(engine, ja1)
    end(engine, jb)
    assert claim(engine) == ja2
    assert claim(engine) == ja3
    assert claim(engine) is None
    assert {job(engine, j).worker for j in (ja1, jb)} == {"w1", "w2"}


def test_a_team_that_had_solves_recently_waits_behind_one_that_had_none(
    engine: Engine, teams: tuple[int, int, int]
) -> None:
    a, b, _ = teams
    done_earlier = add_job(engine, a, minutes_ago=30)
    assert claim(engine) == done_earlier
    end(engine, done_earlier)
    again_a = add_job(engine, a, minutes_ago=10)
    first_b = add_job(engine, b, minutes_ago=5)
    assert claim(engine) == first_b  # A's job is older, but A was served within the hour
    assert claim(engine) == again_a


def test_an_urgent_period_goes_first(engine: Engine, teams: tuple[int, int, int]) -> None:
    a, _, _ = teams
    soon = add_team(engine, "D", start=(TODAY + dt.timedelta(days=7)).date())
    old = add_job(engine, a, minutes_ago=30)
    urgent = add_job(engine, soon, minutes_ago=1)
    assert claim(engine) == urgent  # its period starts within PUSLEPLAN_URGENT_DAYS (14)
    assert claim(engine) == old


def test_at_most_one_running_solve_per_period(engine: Engine, teams: tuple[int, int, int]) -> None:
    a, _, _ = teams
    first = add_job(engine, a, minutes_ago=5)
    second = add_job(engine, a, minutes_ago=4)
    assert claim(engine, "w1") == first
    assert claim(engine, "w2") is None  # the period's other job waits, though a worker is free
    assert job(engine, second).state == "queued"
    end(engine, first)
    assert claim(engine, "w2") == second


def test_a_job_is_taken_by_one_worker_only(engine: Engine, teams: tuple[int, int, int]) -> None:
    a, _, _ = teams
    only = add_job(engine, a)
    with Session(engine) as session:
        assert services.claim_job(session, only, worker="w1") == 1
        session.commit()
    with Session(engine) as session:
        assert services.claim_job(session, only, worker="w2") is None  # not queued any more
    assert claim(engine) is None
    assert job(engine, only).worker == "w1"


def stale(engine: Engine, job_id: int, seconds: float) -> None:
    with Session(engine) as session:
        found = session.get(SolveJob, job_id)
        assert found is not None
        found.heartbeat_at = utcnow() - dt.timedelta(seconds=seconds)
        session.add(found)
        session.commit()


def recover(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return services.recover_lost_jobs(session, stale_after=30, max_attempts=2)


def test_a_lost_workers_job_runs_again_then_fails_with_the_reason(
    engine: Engine, teams: tuple[int, int, int]
) -> None:
    a, b, c = teams
    lost = add_job(engine, a)
    alive = add_job(engine, b)
    local = add_job(engine, c)
    assert claim(engine) == lost
    assert claim(engine) == alive
    with Session(engine) as session:  # the local queue's job: no heartbeat, never taken for lost
        assert services.claim_job(session, local, worker="server") == 1
        session.commit()
    stale(engine, lost, 31)
    stale(engine, alive, 5)
    assert recover(engine) == [lost]
    again = job(engine, lost)
    assert (again.state, again.attempts, again.worker, again.started_at) == ("queued", 1, None, None)
    assert job(engine, alive).state == job(engine, local).state == "running"
    # Its second run is lost too: the job fails, saying why, and is not run a third time.
    assert claim(engine, "w3") == lost
    assert job(engine, lost).attempts == 2
    stale(engine, lost, 31)
    assert recover(engine) == []
    failed = job(engine, lost)
    assert failed.state == "failed" and failed.finished_at is not None
    assert failed.error == "the worker running it stopped answering (no heartbeat for 30 s; tried 2 times)"
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry))]
    assert actions.count("requeue lost solve") == 1 and actions.count("fail lost solve") == 1


def test_a_lost_job_being_stopped_is_cancelled(engine: Engine, teams: tuple[int, int, int]) -> None:
    a, _, _ = teams
    stopping = add_job(engine, a)
    assert claim(engine) == stopping
    with Session(engine) as session:
        assert services.set_job_state(session, stopping, "stopping", from_states=("running",))
        session.commit()
    stale(engine, stopping, 60)
    assert recover(engine) == []
    ended = job(engine, stopping)
    assert (ended.state, ended.error) == ("cancelled", LOST_WHILE_STOPPING)


def test_a_late_run_of_a_lost_worker_stores_nothing(engine: Engine, teams: tuple[int, int, int]) -> None:
    """Run 1's worker was thought lost and the job given to run 2; run 1 then finishes after all. Only
    run 2's rota is stored: one draft for the job."""
    a, _, _ = teams
    only = add_job(engine, a)
    assert claim(engine, "w1") == only
    stale(engine, only, 31)
    assert recover(engine) == [only]
    assert claim(engine, "w2") == only
    jobs.run_job(engine, only, 1)  # the old run ends: refused
    assert job(engine, only).state == "running"
    with Session(engine) as session:
        assert session.exec(select(Rota).where(col(Rota.job_id) == only)).all() == []
    jobs.run_job(engine, only, 2)
    done = job(engine, only)
    assert done.state == "done" and done.rota_id is not None
    with Session(engine) as session:
        rotas = session.exec(select(Rota).where(col(Rota.job_id) == only)).all()
        assert [r.id for r in rotas] == [done.rota_id]
        # A second rota for the job cannot be stored, whatever writes it.
        twin = Rota(period_id=a, job_id=only, status="FEASIBLE")
        session.add(twin)
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_finished_solve_is_stored_once(engine: Engine, teams: tuple[int, int, int]) -> None:
    """The end of a run is guarded by the job's state: ending it twice stores one rota."""
    a, _, _ = teams
    only = add_job(engine, a)
    assert claim(engine) == only
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(SolveJob, only)
        assert found is not None
        period = session.get(Period, a)
        assert period is not None
        problem = services.problem_for_job(session, period, None, 5)
        session.commit()
    solution = jobs.solve(problem, jobs.SolveParams(time_limit=2, workers=1, seed=0))
    assert isinstance(solution, Solution) and solution.has_rota
    for _ in range(2):
        with Session(engine, expire_on_commit=False) as session:
            jobs._finish(session, found, 1, problem, solution, stopped=False)
    with Session(engine) as session:
        assert len(session.exec(select(Rota).where(col(Rota.job_id) == only)).all()) == 1
