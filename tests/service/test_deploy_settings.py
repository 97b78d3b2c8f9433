"""The settings of a many-team deployment (`docs/deploy.md`): which queue solves, migrations run once and
not by every server, a server's start leaves the workers' jobs alone, the pool sizes, and the migration
that numbers a job's runs and keeps one rota per job (upgrade and downgrade)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session

from planner import migrate
from planner.cli.service import prepare_database
from planner.db import make_engine
from planner.errors import InputError
from planner.jobs import ProcessQueue, make_queue
from planner.models import SolveJob
from service.helpers import World, fresh_database, server_url


def test_the_local_queue_stays_the_default_and_celery_is_chosen_by_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        monkeypatch.delenv("PUSLEPLAN_QUEUE", raising=False)
        queue = make_queue(engine)
        assert isinstance(queue, ProcessQueue)  # `make run`: no broker needed
        queue.shutdown()
        monkeypatch.setenv("PUSLEPLAN_QUEUE", "celery")
        monkeypatch.setenv("PUSLEPLAN_BROKER_URL", "redis://127.0.0.1:1/0")
        from planner.worker import CeleryQueue

        celery_queue = make_queue(engine)
        assert isinstance(celery_queue, CeleryQueue)
        assert celery_queue.app.conf.broker_url == "redis://127.0.0.1:1/0"
        assert celery_queue.app.conf.task_acks_late and celery_queue.app.conf.task_reject_on_worker_lost
        celery_queue.shutdown()
        monkeypatch.setenv("PUSLEPLAN_QUEUE", "rabbit")
        with pytest.raises(ValueError, match="PUSLEPLAN_QUEUE"):
            make_queue(engine)
    finally:
        engine.dispose()


def test_a_job_survives_a_broker_that_cannot_be_reached(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job is stored before the wake-up; a broker that is away does not fail the planner's request
    (a worker's look for waiting jobs wakes one later)."""
    from planner.worker import CeleryQueue

    world.client.app.state.queue = CeleryQueue("redis://127.0.0.1:1/0")  # type: ignore[attr-defined]
    try:
        assert world.post("planner", f"/periods/{world.period}/close").status_code == 200
        response = world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2})
        assert response.status_code == 202, response.text
        assert response.json()["state"] == "queued"
    finally:
        world.client.app.state.queue.shutdown()  # type: ignore[attr-defined]


def test_a_server_that_does_not_migrate_refuses_an_old_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "a9e4c2d7f6b1")  # the release before
            monkeypatch.setenv("PUSLEPLAN_MIGRATE_ON_START", "0")
            with pytest.raises(InputError, match="pusleplan migrate"):
                prepare_database(engine)
            assert not migrate.is_current(engine)
            monkeypatch.delenv("PUSLEPLAN_MIGRATE_ON_START")
            prepare_database(engine)  # the default (SQLite, `make run`): migrates at start
            assert migrate.is_current(engine)
            monkeypatch.setenv("PUSLEPLAN_MIGRATE_ON_START", "0")
            prepare_database(engine)  # at the newest schema: starts
        finally:
            engine.dispose()


def test_with_the_celery_queue_a_servers_start_leaves_running_jobs_to_the_workers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(world.engine) as session:
        for state in ("queued", "running"):
            session.add(SolveJob(period_id=world.period, state=state, time_limit=5, workers=1, seed=0))
        session.commit()
    monkeypatch.setenv("PUSLEPLAN_QUEUE", "celery")
    assert prepare_database(world.engine) == 0
    jobs = world.get("planner", f"/periods/{world.period}/solve-jobs").json()
    assert [j["state"] for j in jobs] == ["queued", "running"]


def test_the_pool_of_a_database_server_is_sized_by_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    server = server_url()
    if server is None:
        pytest.skip("the test database is not PostgreSQL (SQLite keeps one connection per request thread)")
    monkeypatch.setenv("PUSLEPLAN_DB_POOL_SIZE", "4")
    monkeypatch.setenv("PUSLEPLAN_DB_MAX_OVERFLOW", "6")
    api = make_engine(server)
    worker = make_engine(server, pool_size=2)
    try:
        assert (api.pool.size(), api.pool._max_overflow) == (4, 6)  # type: ignore[attr-defined]
        assert (worker.pool.size(), worker.pool._max_overflow) == (2, 2)  # type: ignore[attr-defined]
    finally:
        api.dispose()
        worker.dispose()


def test_the_solve_worker_migration_upgrades_and_downgrades(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "e2c6a8f03d51")
            with engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO team (id, name, created_at) VALUES (1, 't', '2027-01-01')")
                )
                connection.execute(
                    text(
                        "INSERT INTO period (id, team_id, name, start, days, state, public_holidays, "
                        "created_at) VALUES (1, 1, 'p', '2027-03-01', 7, 'closed', '[]', '2027-01-01')"
                    )
                )
                for job_id, started in ((1, "'2027-01-02'"), (2, "NULL")):
                    connection.execute(
                        text(
                            "INSERT INTO solve_job (id, period_id, state, time_limit, workers, seed, "
                            "keep_weight, created_by, created_at, started_at, conflicts) VALUES "
                            f"({job_id}, 1, 'done', 5, 1, 0, 5, 'p', '2027-01-01', {started}, '[]')"
                        )
                    )
            migrate.upgrade(engine)
            with Session(engine) as session:
                ran, never = session.get(SolveJob, 1), session.get(SolveJob, 2)
                assert ran is not None and never is not None
                assert (ran.attempts, never.attempts) == (1, 0)  # a job that ran before ran once
                assert ran.heartbeat_at is None and ran.worker is None
            indexes = {i["name"]: i for i in inspect(engine).get_indexes("rota")}
            assert indexes["ix_rota_job_id"]["unique"]
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "e2c6a8f03d51")
            inspector = inspect(engine)
            assert "attempts" not in {c["name"] for c in inspector.get_columns("solve_job")}
            assert "ix_rota_job_id" not in {i["name"] for i in inspector.get_indexes("rota")}
            migrate.upgrade(engine)
            assert migrate.is_current(engine)
        finally:
            engine.dispose()
