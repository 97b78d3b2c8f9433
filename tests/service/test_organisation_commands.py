"""Issue 16 on the command line and in the schema (on the test database: SQLite, or PostgreSQL with
`PUSLEPLAN_TEST_DATABASE_URL`): `pusleplan create-admin`, an administrator from `init-demo`, and the
migration that moves who plans which team out of the planner's own row."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import auth, db, migrate
from planner.cli import main
from planner.db import make_engine
from planner.errors import Unauthorized
from planner.models import TeamPlanner, User
from service.helpers import PASSWORD, World, fresh_database, login


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def commands_on(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setattr("planner.db._engine", world.engine)
    yield world


def test_create_admin_prints_a_one_time_password(
    commands_on: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world = commands_on
    code, out, err = run(capsys, "create-admin", "Kommunen")
    assert code == 0, err
    head, password, *rest = out.splitlines()
    assert head == (
        "administrator kommunen created; one-time password (shown only now; a new one is chosen at the "
        "first sign-in):"
    )
    assert rest == [] and len(password.strip()) >= 12
    first = login(world.client, "kommunen", password.strip())
    assert world.client.get("/organisation/status", headers=first).status_code == 403  # its own first
    change = {"current_password": password.strip(), "new_password": PASSWORD}
    assert world.client.post("/me/password", json=change, headers=first).status_code == 204
    assert [t["name"] for t in world.client.get("/organisation/status", headers=first).json()] == ["Uldum"]


def test_create_admin_reads_a_password_from_stdin_under_the_policy(
    commands_on: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = commands_on
    monkeypatch.setattr("sys.stdin", io.StringIO("kommunen1\n"))
    code, out, err = run(capsys, "create-admin", "kommunen", "--password-stdin")
    assert (code, out) == (2, "")
    assert err.startswith("pusleplan: error: password: ")  # the policy's reason follows
    with Session(world.engine) as session:
        assert session.exec(select(User).where(User.username == "kommunen")).first() is None
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = run(capsys, "create-admin", "kommunen", "--password-stdin")
    assert (code, out, err) == (0, "administrator kommunen created\n", "")
    headers = login(world.client, "kommunen")  # no one-time password: it was chosen
    assert world.client.get("/organisation/status", headers=headers).status_code == 200

    code, out, err = run(capsys, "create-admin", "planner")  # a name in use is not taken over
    assert code == 2 and out == ""
    assert err == (
        "pusleplan: error: USER: an account named 'planner' exists "
        "(`pusleplan reset-password planner` gives it a new password)\n"
    )
    with Session(world.engine) as session:
        assert session.exec(select(User.role).where(User.username == "planner")).one() == "planner"
        with pytest.raises(Unauthorized):
            auth.sign_in("planner", "wrong", session=session)


def test_create_admin_with_nothing_on_stdin_is_refused(
    commands_on: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "create-admin", "kommunen", "--password-stdin")
    assert (code, out, err) == (2, "", "pusleplan: error: --password-stdin: no password on standard input\n")


def test_init_demo_makes_one_administrator_and_keeps_it_when_started_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PUSLEPLAN_ADMIN_PASSWORD", "et langt kodeord til kommunen")
        monkeypatch.setattr("planner.db._engine", None)
        try:
            code, out, _ = run(capsys, "init-demo")
            assert code == 0
            assert "  admin    admin            (from $PUSLEPLAN_ADMIN_PASSWORD)" in out.splitlines()
            code, out, _ = run(capsys, "init-demo", "--force")
            assert code == 0  # the administrator stays as it was: no second one, no new password
            assert not any(line.startswith("  admin") for line in out.splitlines())
            with Session(db.get_engine()) as session:
                admins = session.exec(select(User).where(User.role == "admin")).all()
                assert [a.username for a in admins] == ["admin"]
                assert auth.verify_password("et langt kodeord til kommunen", admins[0].password_hash)
                planner = session.exec(select(User).where(User.username == "planlaegger")).one()
                assert planner.team_id is None  # who plans which team is in team_planner
                assert len(session.exec(select(TeamPlanner)).all()) == 1
        finally:
            db.get_engine().dispose()
            monkeypatch.setattr("planner.db._engine", None)


def test_the_migration_moves_planners_into_team_planner_and_back(tmp_path: Path) -> None:
    from alembic import command

    with fresh_database(tmp_path) as url:
        engine: Engine = make_engine(url)
        try:
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "b7d3e1f05c2a")  # before planners of several teams
            with engine.begin() as connection:
                for name in ("Uldum", "Tørring"):
                    connection.execute(
                        sa.text("INSERT INTO team (name, created_at) VALUES (:n, CURRENT_TIMESTAMP)"),
                        {"n": name},
                    )
                teams = connection.execute(sa.text("SELECT id FROM team ORDER BY id")).scalars().all()
                for username, role, team in (
                    ("anne", "planner", teams[0]),
                    ("bo", "planner", teams[1]),
                    ("mette", "staff", teams[0]),
                ):
                    connection.execute(
                        sa.text(
                            "INSERT INTO app_user (username, role, team_id, password_hash, created_at, "
                            "disabled, must_change_password, totp_enabled) "
                            "VALUES (:u, :r, :t, 'x', CURRENT_TIMESTAMP, false, false, false)"
                        ),
                        {"u": username, "r": role, "t": team},
                    )
            migrate.upgrade(engine)
            with Session(engine) as session:
                users = {u.username: u for u in session.exec(select(User)).all()}
                rows = {(r.user_id, r.team_id) for r in session.exec(select(TeamPlanner)).all()}
                assert rows == {(users["anne"].id, teams[0]), (users["bo"].id, teams[1])}
                assert users["anne"].team_id is None and users["bo"].team_id is None
                assert users["mette"].team_id == teams[0]  # staff belong to their one team still
                session.add(TeamPlanner(user_id=users["anne"].id, team_id=teams[1]))  # anne plans both now
                session.add(User(username="admin", role="admin", password_hash="x"))
                session.commit()
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "b7d3e1f05c2a")
            with engine.connect() as connection:
                back = dict(connection.execute(sa.text("SELECT username, team_id FROM app_user")).all())
            assert back == {"anne": teams[0], "bo": teams[1], "mette": teams[0]}  # the first team; no admin
        finally:
            engine.dispose()
