"""Issue 17 item 9: losing the database is no longer silent. With the SQLite file deleted under a running
service, `/health` said ok and a wish write answered 201 into the void (SQLite wrote into the deleted
file its connections kept open), and a restart made a new empty database with no accounts. Now `/health`
answers 503 naming the cause, a write answers 503 and stores nothing anywhere, and `serve` refuses to
start on a missing file unless asked to create one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.helpers import START, World, build_world, migrated, ok, server_url

pytestmark = pytest.mark.skipif(server_url() is not None, reason="the file of an SQLite database")


@pytest.fixture
def file_world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def _path(world: World) -> Path:
    database = world.engine.url.database
    assert database is not None
    return Path(database)


def _wish(world: World) -> object:
    body = {"staff_id": world.staff["mette"], "date": START.isoformat(), "kind": "veto"}
    return world.post("mette", f"/periods/{world.period}/wishes", json=body)


def test_a_deleted_database_file_is_reported_and_nothing_is_written(file_world: World) -> None:
    world = file_world
    assert ok(world.client.get("/health"))["database"] == "ok"
    path = _path(world)
    for file in path.parent.glob(path.name + "*"):
        if not file.name.endswith("-writer.lock"):
            file.unlink()

    health = world.client.get("/health")
    assert health.status_code == 503
    assert health.json()["database"] == f"error: the database file {path} is missing"
    write = _wish(world)
    assert write.status_code == 503, write.text  # not 201 into the void
    assert "is missing" in write.json()["detail"]
    assert not path.exists()  # and no new empty database in its place


def test_a_replaced_or_read_only_database_file_is_reported(
    file_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = file_world
    path = _path(world)
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    os.replace(copy, path)  # the same content, but another file: a restore under a running service
    health = world.client.get("/health")
    assert health.status_code == 503 and "was replaced by another file" in health.json()["database"]
    assert _wish(world).status_code == 503


def test_a_read_only_database_is_reported(file_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only mount (permission bits do not stop root, so the test makes `os.access` say so)."""
    world = file_world
    path = str(_path(world))
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == path else real(p, mode))
    health = world.client.get("/health")
    assert health.status_code == 503 and health.json()["database"].endswith("is read-only")


def test_serve_refuses_a_missing_database_file_unless_asked(tmp_path: Path) -> None:
    missing = tmp_path / "gone.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{missing}"}
    env.pop("PUSLEPLAN_TEST_DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--port", "1"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2, run.stderr
    assert f"no database file {missing}" in run.stderr and "pusleplan init-demo" in run.stderr
    assert "--create-database" in run.stderr and "Traceback" not in run.stderr
    assert not missing.exists()
