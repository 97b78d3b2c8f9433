"""Several processes writing one SQLite file at once (`pusleplan serve --workers N`, solve jobs): every
read-then-write transaction sees the previous one's result, none fails with "database is locked", and
the writers queue on the lock file beside the database."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from planner.db import make_engine
from service.helpers import server_url

WRITER = textwrap.dedent(
    """
    import sys
    from sqlalchemy import text
    from planner.db import make_engine

    engine = make_engine(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        with engine.begin() as connection:  # read, then write what was read plus one
            n = connection.execute(text("SELECT n FROM counter")).scalar_one()
            connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
    engine.dispose()
    """
)


@pytest.mark.skipif(server_url() is not None, reason="SQLite only")
def test_processes_writing_one_sqlite_file_lose_no_update(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    processes, each = 3, 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(each)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(processes)
    ]
    errors = [writer.communicate(timeout=120)[1].decode() for writer in writers]
    assert [w.returncode for w in writers] == [0] * processes, "\n".join(errors)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == processes * each
    assert (tmp_path / "shared.db-writer.lock").exists()
    engine.dispose()
