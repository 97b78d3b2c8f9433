"""`pusleplan backup FILE` and `pusleplan restore FILE`: a copy of the whole database, taken while the
service runs, and the way back from one.

SQLite: the online backup API of `sqlite3` (`Connection.backup`) copies the database in one step inside a
read transaction — a consistent snapshot even while the service writes (WAL lets it go on writing) — to
`FILE.part`, checked (`PRAGMA integrity_check`) and then renamed to `FILE`, so a backup file is complete
or absent. Restoring writes the backup into the database file through the same API, holding the writer
lock the service's processes take (`planner.db`), after checking the backup; stop the service first (its
open connections would keep serving what they had cached).

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --single-transaction`, called
with the database of `DATABASE_URL` (the client programs of the server's major version must be
installed: Debian's `postgresql-client`). The commands are printed as they run, so the same can be done by
hand or from cron (`docs/deploy.md`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from planner.errors import InputError


def backup(url: str, target: Path) -> list[str]:
    """Back the database at `url` up to `target`; what was done, as lines for the user."""
    if url.startswith("sqlite"):
        source = _sqlite_path(url)
        if not source.exists():
            raise InputError("DATABASE_URL", f"no database file {source}")
        _check_target(target)
        part = target.with_name(target.name + ".part")
        part.unlink(missing_ok=True)
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
            contextlib.closing(sqlite3.connect(part)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one consistent snapshot
        problem = _sqlite_problem(part)
        if problem is not None:
            part.unlink(missing_ok=True)
            raise InputError("FILE", f"the backup failed its check: {problem}")
        os.replace(part, target)
        return [f"backed up {source} to {target} ({target.stat().st_size} bytes)"]
    if url.startswith("postgresql"):
        _check_target(target)
        command = [_program("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={libpq_url(url)}"]
        _run(command)
        return [f"backed up the database to {target} with pg_dump ({target.stat().st_size} bytes)"]
    raise InputError("DATABASE_URL", f"no backup for the database {make_url(url).get_backend_name()}")


def restore(url: str, source: Path) -> list[str]:
    """Replace the database at `url` by the backup `source`; what was done, as lines for the user."""
    if not source.is_file():
        raise InputError("FILE", f"no backup file {source}")
    if url.startswith("sqlite"):
        problem = _sqlite_problem(source)
        if problem is not None:
            raise InputError("FILE", f"{source} is not a pusleplan backup: {problem}")
        target = _sqlite_path(url)
        with (
            _writer_lock(target),
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(target, timeout=30)) as dst,
        ):
            src.backup(dst)
        return [f"restored {target} from {source}"]
    if url.startswith("postgresql"):
        command = [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={libpq_url(url)}",
            str(source),
        ]
        _run(command)
        return [f"restored the database from {source} with pg_restore"]
    raise InputError("DATABASE_URL", f"no restore for the database {make_url(url).get_backend_name()}")


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (`postgresql+psycopg://…`) as the PostgreSQL programs take it (`postgresql://…`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InputError("DATABASE_URL", "an in-memory database has nothing to back up or restore")
    return Path(database)


def _sqlite_problem(path: Path) -> str | None:
    """Why `path` is not a sound pusleplan database (None: it is)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                return "the integrity check failed"
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if "alembic_version" not in tables or "solve_job" not in tables:
        return "it holds no pusleplan tables"
    return None


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise InputError("FILE", f"{target} is a directory")
    if not target.parent.is_dir():
        raise InputError("FILE", f"directory {target.parent} does not exist")


@contextlib.contextmanager
def _writer_lock(database: Path) -> Iterator[None]:
    """The lock the service's processes take for each write transaction (`planner.db`): none writes
    while the restore does."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock
        yield
        return
    fd = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
            if (directory / name).exists():
                return str(directory / name)
        raise InputError(name, f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str]) -> None:
    shown = [part.split("=", 1)[0] + "=…" if part.startswith("--dbname=") else part for part in command]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise InputError(command[0], f"{' '.join(shown)} failed: {result.stderr.strip()[-2000:]}")
