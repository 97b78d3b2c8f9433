"""`pusleplan backup FILE` / `pusleplan restore FILE`: SQLite through the online backup API (a backup taken
while the service writes is a consistent snapshot, and restoring it gives that data back), PostgreSQL
through pg_dump/pg_restore (when the test database is PostgreSQL and the programs are installed)."""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session, col, select

from planner import migrate
from planner.backup import _program
from planner.cli import main
from planner.db import make_engine
from planner.errors import InputError
from planner.models import Team
from service.helpers import server_url


def team_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(Team.name).order_by(col(Team.id))).all())
    finally:
        engine.dispose()


def test_an_sqlite_backup_taken_while_the_service_writes_restores_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'pusleplan.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    committed = 0
    stop = threading.Event()

    def write() -> None:  # the service at work: one team per transaction, as fast as it goes
        nonlocal committed
        while not stop.is_set():
            with Session(engine) as session:
                session.add(Team(name=f"team {committed}"))
                session.commit()
            committed += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while committed < 50:
            time.sleep(0.01)
        before = committed
        assert main(["backup", str(tmp_path / "backup.db")]) == 0
        after = committed
    finally:
        stop.set()
        writer.join()
    assert "backed up" in capsys.readouterr().out
    assert after > before  # the service went on writing while the backup was taken
    saved = team_names(f"sqlite:///{tmp_path / 'backup.db'}")
    # A snapshot: every team committed before the backup began, then a gap-free run of later ones.
    assert before <= len(saved) <= after
    assert saved == [f"team {i}" for i in range(len(saved))]
    assert not (tmp_path / "backup.db.part").exists()

    # Later changes are lost by a restore, and the backup's data comes back exactly.
    with Session(engine) as session:
        session.add(Team(name="made after the backup"))
        session.commit()
    engine.dispose()  # the service is stopped for a restore
    assert main(["restore", str(tmp_path / "backup.db")]) == 0
    assert team_names(url) == saved
    restored = make_engine(url)
    try:
        assert migrate.is_current(restored)
        with restored.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    finally:
        restored.dispose()


def test_restore_refuses_what_is_not_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'pusleplan.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        session.add(Team(name="kept"))
        session.commit()
    engine.dispose()
    (tmp_path / "notes.txt").write_text("not a database")
    assert main(["restore", str(tmp_path / "notes.txt")]) == 2
    assert "is not a pusleplan backup" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "missing.db")]) == 2
    assert "no backup file" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "no-such-dir" / "b.db")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert team_names(url) == ["kept"]  # nothing was changed


@pytest.mark.skipif(server_url() is None, reason="the test database is not PostgreSQL")
def test_a_postgresql_backup_by_pg_dump_restores_intact(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        _program("pg_dump")
        _program("pg_restore")
    except InputError:
        pytest.skip("pg_dump/pg_restore are not installed")
    server = server_url()
    assert server is not None
    name = f"pusleplan_backup_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    dump = Path(tempfile.gettempdir()) / f"{name}.dump"
    try:
        monkeypatch.setenv("DATABASE_URL", url)
        engine = make_engine(url)
        migrate.upgrade(engine)
        with Session(engine) as session:
            session.add_all([Team(name="Uldum"), Team(name="Hedensted")])
            session.commit()
        assert main(["backup", str(dump)]) == 0
        with Session(engine) as session:
            session.add(Team(name="made after the backup"))
            session.commit()
        engine.dispose()
        assert main(["restore", str(dump)]) == 0
        assert team_names(url) == ["Uldum", "Hedensted"]
        again = make_engine(url)
        try:
            assert migrate.is_current(again)
        finally:
            again.dispose()
    finally:
        dump.unlink(missing_ok=True)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
