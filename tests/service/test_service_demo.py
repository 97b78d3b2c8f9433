"""A lost password and a demo to start over: `pusleplan reset-password USER` and `init-demo --force` (on
the test database: SQLite, or PostgreSQL with `PUSLEPLAN_TEST_DATABASE_URL`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from planner import auth, db
from planner.cli import main
from planner.errors import Unauthorized
from planner.models import (
    AuditEntry,
    Lock,
    Period,
    Rota,
    SelfPick,
    SolveJob,
    Staff,
    StandingWish,
    Team,
    User,
    Wish,
)
from service.helpers import PASSWORD, World, fresh_database, login

DEMO = "Hjemmeplejen Uldum, uge 9–16 2027"  # the name of examples/uldum.json


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An empty database the commands find by `DATABASE_URL`."""
    monkeypatch.chdir(tmp_path)
    with fresh_database(tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setattr("planner.db._engine", None)
        try:
            yield db.get_engine()
        finally:
            db.get_engine().dispose()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table, the audit log aside."""
    with engine.connect() as connection:
        return {
            t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
            if t.name != AuditEntry.__tablename__
        }


def passwords(out: str) -> dict[str, str]:
    """User name → the password `init-demo` printed for it."""
    rows = [line.split() for line in out.splitlines() if line.startswith(("  planner ", "  staff "))]
    return {row[1]: row[2] for row in rows}


def use_the_demo(engine: Engine, staff_password: str) -> None:
    """What a team does with the demo: wishes, claims, locks, an agreement, a solve and its rota, and
    a sign-in (every table that hangs from the team gets rows of its own)."""
    with Session(engine) as session:
        team = session.exec(select(Team).where(Team.name == DEMO)).one()
        period = session.exec(select(Period).where(Period.team_id == team.id)).one()
        person = session.exec(select(Staff).where(Staff.team_id == team.id).limit(1)).one()
        assert period.id is not None and person.id is not None
        day = period.start + dt.timedelta(days=2)
        session.add(Wish(period_id=period.id, staff_id=person.id, date=day, kind="veto"))
        session.add(SelfPick(period_id=period.id, staff_id=person.id, date=day, shift="dag"))
        session.add(Lock(period_id=period.id, staff_id=person.id, date=day, shift=None))
        session.add(StandingWish(staff_id=person.id, kind="want", shift="dag", approved=True))
        job = SolveJob(period_id=period.id, state="done", time_limit=1, workers=1, seed=0)
        session.add(job)
        session.add(Rota(period_id=period.id, status="FEASIBLE", objective=0))
        session.commit()
        auth.sign_in(person.code, staff_password, session=session)


def test_init_demo_force_starts_the_demo_over_in_place(
    database: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PUSLEPLAN_PLANNER_PASSWORD", raising=False)
    monkeypatch.setenv("PUSLEPLAN_STAFF_PASSWORD", "staff-first-time")
    code, out, _ = run(capsys, "init-demo")
    assert code == 0
    first = passwords(out)
    fresh = counts(database)
    with Session(database) as session:  # another team in the same database, which must stay as it is
        other = Team(name="Hjemmeplejen Tørring")
        session.add(other)
        session.flush()
        other_id = other.id
        session.add(User(username="torring", role="planner", team_id=other_id, password_hash="x"))
        session.commit()
    use_the_demo(database, "staff-first-time")
    used = counts(database)
    assert all(
        used[t] > n for t, n in fresh.items() if t in ("wish", "self_pick", "lock", "rota", "api_token")
    )

    code, _, err = run(capsys, "init-demo")  # not without --force: it says what to do instead
    assert code == 2
    assert err.strip() == (
        "pusleplan: error: init-demo: the database already holds a team; `pusleplan reset-password USER` "
        "gives an account a new password, `pusleplan init-demo --force` starts the demo team over"
    )

    monkeypatch.delenv("PUSLEPLAN_STAFF_PASSWORD")
    code, out, _ = run(capsys, "init-demo", "--force")
    assert code == 0
    again = passwords(out)
    assert out.startswith(f"team 1 ({DEMO}) removed with its periods, wishes, rotas and accounts\n")
    assert sorted(again) == sorted(first)  # the same user names: no planlaegger2
    assert "planlaegger" in again and "planlaegger2" not in again
    assert len(set(again.values())) == len(again)  # a new password each, printed once
    after = counts(database)
    assert {t: n - (1 if t in ("team", "app_user") else 0) for t, n in after.items()} == fresh  # + Tørring
    with Session(database) as session:
        teams = session.exec(select(Team.name).order_by(col(Team.name))).all()
        assert teams == ["Hjemmeplejen Tørring", DEMO]
        assert session.exec(select(User.team_id).where(User.username == "torring")).one() == other_id
        person = next(name for name in again if name != "planlaegger")
        auth.sign_in(person, again[person], session=session)
        with pytest.raises(Unauthorized):
            auth.sign_in(person, "staff-first-time", session=session)
        actions = session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id).desc())).all()
        assert actions[:2] == ["sign-in failed", "start demo over"]  # the old password, then the reset


def test_reset_password_prints_a_new_one_and_ends_the_sign_ins(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("planner.db._engine", world.engine)
    old_token = world.as_("planner")
    assert world.get("planner", f"/teams/{world.team}").status_code == 200

    code, out, err = run(capsys, "reset-password", "planner")
    assert code == 0, err
    head, password, *rest = out.splitlines()
    assert head == (
        "one-time password for planner (shown only now; sign-ins so far have ended; "
        "a new one is chosen at the next sign-in):"
    )
    password = password.strip()
    assert len(password) >= 12 and rest == []

    assert world.client.get(f"/teams/{world.team}", headers=old_token).status_code == 401
    assert world.client.post("/token", data={"username": "planner", "password": PASSWORD}).status_code == 401
    fresh = login(world.client, "planner", password)
    assert world.client.get(f"/teams/{world.team}", headers=fresh).status_code == 403  # own one first
    chosen = {"current_password": password, "new_password": "tre grønne cykler i gården"}
    assert world.client.post("/me/password", json=chosen, headers=fresh).status_code == 204
    assert world.client.get(f"/teams/{world.team}", headers=fresh).status_code == 200
    assert world.get("mette", f"/teams/{world.team}").status_code == 200  # nobody else is signed out
    audit = world.client.get(f"/teams/{world.team}/audit", headers=fresh).json()
    assert any(e["action"] == "reset password" and e["target"] == "user planner" for e in audit)


def test_reset_password_of_an_unknown_account_names_the_planner_accounts(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("planner.db._engine", world.engine)
    code, out, err = run(capsys, "reset-password", "planlaegger")
    assert code == 2
    assert out == ""
    assert err == "pusleplan: error: USER: no account named 'planlaegger' (planner accounts: planner)\n"
    assert world.client.post("/token", data={"username": "planner", "password": PASSWORD}).status_code == 200
