"""The schema comes only from the migrations, and they give exactly the tables the models describe (on the
test database: SQLite, or PostgreSQL with `PUSLEPLAN_TEST_DATABASE_URL`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, make_url, text
from sqlmodel import Session, SQLModel, select

import planner.models  # noqa: F401  (the tables)
from planner import db, migrate
from planner.auth import verify_password
from planner.cli import main
from planner.db import make_engine
from planner.models import User
from service.helpers import fresh_database, server_url


def test_upgrade_head_gives_the_models_tables(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        upgrade_head_gives_the_models_tables(make_engine(url))


def test_the_tests_run_on_the_database_asked_for(engine: Engine) -> None:
    """With `PUSLEPLAN_TEST_DATABASE_URL` set, every service test runs there: no silent SQLite fallback."""
    server = server_url()
    expected = make_url(server).get_backend_name() if server else "sqlite"
    assert engine.dialect.name == expected
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def upgrade_head_gives_the_models_tables(engine: Engine) -> None:
    try:
        _upgrade_head_gives_the_models_tables(engine)
    finally:
        engine.dispose()


def _upgrade_head_gives_the_models_tables(engine: Engine) -> None:
    migrate.upgrade(engine)
    inspector = inspect(engine)
    tables = set(inspector.get_table_names()) - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)
    for name, table in SQLModel.metadata.tables.items():
        assert {c["name"] for c in inspector.get_columns(name)} == {c.name for c in table.columns}, name
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    migrate.upgrade(engine)  # a second upgrade is a no-op


def test_db_upgrade_command_needs_no_alembic_ini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mp = monkeypatch
    mp.chdir(tmp_path)
    with fresh_database(tmp_path) as url:
        mp.setenv("DATABASE_URL", url)
        mp.setattr("planner.db._engine", None)
        assert main(["db", "upgrade"]) == 0
        assert "alembic_version" in inspect(db.get_engine()).get_table_names()
        assert not (tmp_path / "alembic.ini").exists()
        db.get_engine().dispose()
        mp.setattr("planner.db._engine", None)


def test_init_demo_creates_the_team_and_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        init_demo_creates_the_team_and_accounts(monkeypatch, capsys)


def init_demo_creates_the_team_and_accounts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PUSLEPLAN_PLANNER_PASSWORD", "from-the-environment")
    monkeypatch.delenv("PUSLEPLAN_STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("planner.db._engine", None)
    assert main(["init-demo"]) == 0
    out = capsys.readouterr().out
    assert "period 1 (2027-03-01, 56 days) is open" in out
    assert "from-the-environment" not in out and "$PUSLEPLAN_PLANNER_PASSWORD" in out
    lines = [line.split() for line in out.splitlines() if line.startswith("  staff")]
    assert len(lines) == 25 and len({line[2] for line in lines}) == 25  # 25 different random passwords
    admin = [line.split() for line in out.splitlines() if line.startswith("  admin")]
    assert len(admin) == 1 and admin[0][1] == "admin"  # an administrator too, its password printed
    with Session(db.get_engine()) as session:
        users = session.exec(select(User)).all()
        assert len(users) == 27
        planner = next(u for u in users if u.role == "planner")
        assert verify_password("from-the-environment", planner.password_hash)
        staff = next(u for u in users if u.username == lines[0][1])
        assert verify_password(lines[0][2], staff.password_hash)
        assert verify_password(admin[0][2], next(u for u in users if u.role == "admin").password_hash)
    assert main(["init-demo"]) == 2  # not twice without --force
    db.get_engine().dispose()
    monkeypatch.setattr("planner.db._engine", None)


def test_a_teams_rule_weights_survive_the_move_into_one_object(tmp_path: Path) -> None:
    """The migration that stores the weights by family keeps every team's values (and back again)."""
    from alembic import command

    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "d82f5b3c7a10")  # the last schema with a column per weight
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO team (name, created_at) VALUES ('Uldum', '2026-01-01')"))
                team = connection.execute(text("SELECT id FROM team")).scalar_one()
                connection.execute(
                    text(
                        "INSERT INTO rules (team_id, forbidden_successions, weight_contract_hour, "
                        "weight_continuity, weight_fairness, weight_route_not_favourite) "
                        "VALUES (:team, '[]', 7, 0, 11, 2)"
                    ),
                    {"team": team},
                )
            migrate.upgrade(engine)
            with Session(engine) as session:
                rules = session.exec(select(planner.models.Rules)).one()
                assert rules.weights == {
                    "contract_hour": 7,
                    "continuity": 0,
                    "fairness": 11,
                    "route_not_favourite": 2,
                }
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "d82f5b3c7a10")
            with engine.connect() as connection:
                row = connection.execute(
                    text(
                        "SELECT weight_contract_hour, weight_continuity, weight_fairness, "
                        "weight_route_not_favourite FROM rules"
                    )
                ).one()
            assert tuple(row) == (7, 0, 11, 2)
        finally:
            engine.dispose()


def test_penalties_stored_as_english_sentences_get_their_message_ids(tmp_path: Path) -> None:
    """A rota stored before explanations were data: its penalties are recomputed by the checker from the
    rota's own problem and assignments, each with its message id and params, at the same costs."""
    from alembic import command

    from planner.models import Period, Rota, Team
    from solver import check
    from solver.problem import Problem
    from solver.solution import Assignment

    problem = Problem.model_validate(
        {
            "horizon": {"start": "2027-03-01", "days": 3},
            "shift_types": [{"code": "dag", "start": "07:00", "minutes": 480}],
            "staff": [{"id": "mette", "name": "Mette"}],
            "cover": [{"shift": "dag", "need": 1, "weight_under": 100}],
            "wishes": [
                {"staff": "mette", "date": "2027-03-02", "kind": "avoid", "shift": "dag", "weight": 4}
            ],
        }
    )
    assignments = [Assignment(staff="mette", date=dt, shift="dag") for dt in ("2027-03-01", "2027-03-02")]
    expected = check.penalties(problem, assignments)
    assert {"cover", "wish"} <= {p.family for p in expected}
    old_style = [{"family": p.family, "cost": p.cost, "explanation": p.explanation} for p in expected]
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            with Session(engine) as session:
                team = Team(name="Uldum")
                session.add(team)
                session.flush()
                assert team.id is not None
                period = Period(team_id=team.id, start=problem.horizon.start, days=3)
                session.add(period)
                session.flush()
                assert period.id is not None
                rota = Rota(
                    period_id=period.id,
                    status="FEASIBLE",
                    objective=sum(p.cost for p in expected),
                    problem=problem.model_dump(mode="json"),
                    assignments=[a.model_dump(mode="json") for a in assignments],
                    penalties=old_style,
                )
                session.add(rota)
                session.commit()
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "e5a0b9c4d1f2")
            migrate.upgrade(engine)
            with Session(engine) as session:
                stored = session.exec(select(Rota)).one().penalties
            assert stored == [p.model_dump(mode="json") for p in expected]
            assert all(p["message"] and p["params"] for p in stored)
            assert sum(p["cost"] for p in stored) == sum(p["cost"] for p in old_style)
        finally:
            engine.dispose()


def test_a_teams_rules_get_the_danish_pay_bands_and_the_feed_table_comes_and_goes(tmp_path: Path) -> None:
    """The pay-band migration gives an existing team's rules 06/17/23; downgrading past it and the
    calendar feed's migration removes both again, and upgrading once more restores them."""
    from alembic import command

    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "b7d3e1f9a2c4")  # before this branch's two
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO team (name, created_at) VALUES ('Uldum', '2026-01-01')"))
                team = connection.execute(text("SELECT id FROM team")).scalar_one()
                connection.execute(
                    text(
                        "INSERT INTO rules (team_id, forbidden_successions, weights) VALUES (:t, '[]', '{}')"
                    ),
                    {"t": team},
                )
            migrate.upgrade(engine)
            with Session(engine) as session:
                rules = session.exec(select(planner.models.Rules)).one()
                assert (rules.pay_day_start, rules.pay_evening_start, rules.pay_night_start) == (
                    dt.time(6),
                    dt.time(17),
                    dt.time(23),
                )
            assert "calendar_feed" in inspect(engine).get_table_names()
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "b7d3e1f9a2c4")
            columns = {c["name"] for c in inspect(engine).get_columns("rules")}
            assert not columns & {"pay_day_start", "pay_evening_start", "pay_night_start"}
            assert "calendar_feed" not in inspect(engine).get_table_names()
            migrate.upgrade(engine)
            assert "calendar_feed" in inspect(engine).get_table_names()
        finally:
            engine.dispose()


def test_meeting_moves_migrate_up_and_down_keeping_the_locks(tmp_path: Path) -> None:
    """The rota meeting's table and the locks' reasons come and go; the locks stored before stay."""
    from alembic import command

    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "d8b2f4c6a1e3")
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO team (name, created_at) VALUES ('Uldum', '2026-01-01')"))
                team = connection.execute(text("SELECT id FROM team")).scalar_one()
            migrate.upgrade(engine)
            assert "meeting_move" in inspect(engine).get_table_names()
            assert "reason" in {c["name"] for c in inspect(engine).get_columns("lock")}
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "d8b2f4c6a1e3")
            assert "meeting_move" not in inspect(engine).get_table_names()
            assert "reason" not in {c["name"] for c in inspect(engine).get_columns("lock")}
            with engine.connect() as connection:
                assert connection.execute(text("SELECT id FROM team")).scalar_one() == team
        finally:
            engine.dispose()
