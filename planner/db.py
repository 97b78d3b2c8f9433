"""The database engine and sessions.

`DATABASE_URL` chooses the database: PostgreSQL (`postgresql+psycopg://user:password@host/db`, the driver
is a dependency), or without it an SQLite file `pusleplan.db` in the working directory. Connections come
from a pool as large as the request thread pool; the services take row locks where a check must see
concurrent writes (`SELECT … FOR UPDATE`). SQLite connections get WAL, a busy timeout, foreign keys and
`BEGIN IMMEDIATE` write transactions (read-only ones, `READ_ONLY`, begin deferred), so concurrent
writers queue instead of failing with "database is locked" halfway through a request. Writers of one
process queue on a lock, and the processes that share an SQLite file (`pusleplan serve --workers N`, solve
jobs) on an exclusive `flock` of `<database>-writer.lock` beside it, so none sleeps in SQLite's busy
handler. The schema itself
is created only by the Alembic migrations (`planner.migrate`).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from planner.errors import DatabaseUnavailable
from planner.settings import DEFAULT_DATABASE_URL, settings

try:
    import fcntl
except ImportError:  # Windows: no flock; processes then meet SQLite's busy timeout
    fcntl = None  # type: ignore[assignment]

DEFAULT_URL = DEFAULT_DATABASE_URL
_SQLITE_BUSY_SECONDS = 30
# Connections kept open: AnyIO runs sync routes in up to 40 threads, each may hold one.
POOL_SIZE = 40
# Execution options of a read-only transaction (e.g. the token check of every request): on SQLite it
# begins deferred and takes no write lock, so it never queues behind writers (WAL lets readers run).
READ_ONLY = {"pusleplan_read_only": True}
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def database_url() -> str:
    return settings().database_url


def make_engine(url: str | None = None, *, pool_size: int | None = None) -> Engine:
    """An engine for `url` (default: `database_url()`); `sqlite://` alone is one shared in-memory DB.

    On a database server the pool keeps `PUSLEPLAN_DB_POOL_SIZE` connections (default 10) and opens up
    to `PUSLEPLAN_DB_MAX_OVERFLOW` more under load (default 30: with AnyIO's 40 request threads each may
    hold one); `pool_size` (a solve worker's few sessions) overrides both, with as many again as
    overflow. Each process has its own pool: the server's `max_connections` must cover them all
    (`docs/deploy.md`)."""
    url = url or database_url()
    if not url.startswith("sqlite"):
        configured = settings()
        size = pool_size or configured.db_pool_size
        overflow = pool_size if pool_size else configured.db_max_overflow
        # A dead server fails in seconds, not at the TCP timeout.
        connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
        return create_engine(
            url, pool_pre_ping=True, pool_size=size, max_overflow=overflow, connect_args=connect_args
        )
    memory = url in ("sqlite://", "sqlite:///:memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": _SQLITE_BUSY_SECONDS}}
    if memory:
        kwargs["poolclass"] = StaticPool
    else:  # keep a connection per request thread open: none (with its PRAGMAs) is opened per request
        # No cap beyond that: a request's session keeps its connection until FastAPI closes it after the
        # answer, which needs a thread, so with more requests than threads a capped pool ran dry while
        # every thread waited for a connection (200 clients at once: no answer within 15 s).
        kwargs.update(pool_size=POOL_SIZE, max_overflow=-1)
    engine = create_engine(url, **kwargs)
    _sqlite_pragmas(engine, wal=not memory)
    return engine


class _FileLock:
    """An exclusive lock between processes: `flock` on a file beside the database. Waiting polls (in
    steps of 50 µs growing to 1 ms) so that it can give up after a timeout, as SQLite's busy timeout
    does; holders keep it only from BEGIN to COMMIT. Where `fcntl` is missing (Windows) it does nothing."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._guard = threading.Lock()

    def _descriptor(self) -> int | None:
        if fcntl is None:
            return None
        if self._fd is None:
            with self._guard:
                if self._fd is None:
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    weakref.finalize(self, os.close, self._fd)  # closed with the engine that owns it
        return self._fd

    def acquire(self, timeout: float) -> bool:
        fd = self._descriptor()
        if fd is None:
            return True
        deadline, pause = time.monotonic() + timeout, 0.00005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.001)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def _sqlite_file(url: str) -> str | None:
    """The database file of an SQLite URL (None for an in-memory database)."""
    database = make_url(url).database
    return None if not database or database == ":memory:" or database.startswith("file:") else database


def sqlite_file_missing(url: str) -> str | None:
    """The path of an SQLite database file that `url` names and that does not exist (else None)."""
    if not url.startswith("sqlite"):
        return None
    path = _sqlite_file(url)
    return path if path is not None and not os.path.exists(path) else None


def _sqlite_pragmas(engine: Engine, *, wal: bool) -> None:
    # pysqlite's own transaction handling starts transactions late and cannot BEGIN IMMEDIATE; take it
    # over (the recipe from the SQLAlchemy SQLite dialect docs) so a write transaction holds the lock
    # from its first statement: read-then-write races in one request cannot deadlock each other.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # SQLite has one writer at a time; when many threads wait for it, its busy handler sleeps in growing
    # steps (up to 100 ms) and latency explodes. Threads of this process therefore queue on a lock held
    # from BEGIN to COMMIT/ROLLBACK, and then processes (`serve --workers N`, a solve job) on a file lock.
    # A plain Lock, not an RLock: a request may end its transaction on another thread than the one that
    # began it.
    lock = threading.Lock()
    database = _sqlite_file(engine.url.render_as_string(hide_password=False)) if wal else None
    file_lock = _FileLock(database + "-writer.lock") if database else None
    identity = _FileIdentity(database) if database else None

    # A database file deleted or replaced under a running service: SQLite would go on writing into the
    # deleted file (its connections keep it open) and a new connection would create an empty one. Each
    # new connection and each write transaction first checks that the file is still the one opened first.
    @event.listens_for(engine, "do_connect")
    def _do_connect(*_: Any) -> None:
        if identity is not None:
            identity.check()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        if connection.get_execution_options().get("pusleplan_read_only"):
            connection.exec_driver_sql("BEGIN")  # deferred: a WAL reader needs no lock
            return
        if identity is not None:
            identity.check()
        start = time.monotonic()
        if not lock.acquire(timeout=_SQLITE_BUSY_SECONDS):
            raise TimeoutError(f"no database transaction within {_SQLITE_BUSY_SECONDS} s")
        try:
            left = _SQLITE_BUSY_SECONDS - (time.monotonic() - start)
            if file_lock is not None and not file_lock.acquire(timeout=left):
                raise TimeoutError(f"no database transaction within {_SQLITE_BUSY_SECONDS} s")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                if file_lock is not None:
                    file_lock.release()
                raise
        except BaseException:
            lock.release()
            raise
        connection.info["pusleplan_lock"] = True

    # A write in a transaction that began as a read (a GET that records something, a change after the
    # request's commit) takes the same locks before its first write statement: SQLite then upgrades the
    # deferred transaction itself.
    @event.listens_for(engine, "before_cursor_execute")
    def _write_in_read(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if connection.info.get("pusleplan_lock") or not connection.get_execution_options().get(
            "pusleplan_read_only"
        ):
            return
        if statement.lstrip()[:7].upper().startswith(_WRITES):
            if not lock.acquire(timeout=_SQLITE_BUSY_SECONDS):
                raise TimeoutError(f"no database transaction within {_SQLITE_BUSY_SECONDS} s")
            if file_lock is not None and not file_lock.acquire(timeout=_SQLITE_BUSY_SECONDS):
                lock.release()
                raise TimeoutError(f"no database transaction within {_SQLITE_BUSY_SECONDS} s")
            connection.info["pusleplan_lock"] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _end(connection: Any) -> None:
        if connection.info.pop("pusleplan_lock", False):
            if file_lock is not None:
                file_lock.release()
            lock.release()

    if file_lock is not None:
        engine.pusleplan_file_lock = file_lock  # type: ignore[attr-defined]
    engine.pusleplan_file = identity  # type: ignore[attr-defined]


class _FileIdentity:
    """The database file as first opened (device and inode), to notice it deleted or replaced."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.seen: tuple[int, int] | None = None

    def problem(self) -> str | None:
        """Why the file is not the database this engine opened (None: it is, or none was opened yet)."""
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return f"the database file {self.path} is missing" if self.seen else None
        if self.seen is None:
            self.seen = (now.st_dev, now.st_ino)
        elif (now.st_dev, now.st_ino) != self.seen:
            return f"the database file {self.path} was replaced by another file"
        if not os.access(self.path, os.W_OK) or not os.access(os.path.dirname(self.path) or ".", os.W_OK):
            return f"the database file {self.path} is read-only"
        return None

    def check(self) -> None:
        if (problem := self.problem()) is not None:
            raise DatabaseUnavailable(problem + ": nothing is read or written until the service restarts")


def database_problem(engine: Engine) -> str | None:
    """Why the engine's database cannot serve (missing, replaced, read-only, not answering), or None:
    what `/health` reports. Reads only; takes no write lock."""
    identity: _FileIdentity | None = getattr(engine, "pusleplan_file", None)
    if identity is not None and (problem := identity.problem()) is not None:
        return problem
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            if engine.dialect.name == "postgresql":
                read_only = connection.execute(text("SHOW transaction_read_only")).scalar()
                if read_only == "on":
                    return "the database is read-only (a standby, or default_transaction_read_only)"
    except DatabaseUnavailable as exc:
        return str(exc)
    except Exception as exc:
        return f"the database does not answer: {type(exc).__name__}"
    return None


_engine: Engine | None = None


def get_engine() -> Engine:
    """The process-wide engine for `DATABASE_URL`, made on first use."""
    global _engine
    if _engine is None:
        _engine = make_engine()
    return _engine


def reader(engine: Engine) -> Engine:
    """`engine` for reading: its transactions take no write lock (see `READ_ONLY`); one per engine."""
    made: Engine | None = getattr(engine, "pusleplan_reader", None)
    if made is None:
        made = engine.execution_options(**READ_ONLY)
        engine.pusleplan_reader = made  # type: ignore[attr-defined]
    return made


def request_session(engine: Engine, *, writes: bool) -> Session:
    """The session of one request. A request that only reads (`writes=False`: GET) never takes the
    write lock; one that writes holds it in its first transaction, and once that is committed, what
    it reads afterwards (the answer's rows) is read without it. So no request keeps the lock while its
    answer is written, which on SQLite, where writers queue on one lock, would make every waiting request
    wait for a thread the waiting requests hold (a stall of 30 s, then errors, beyond 40 at once)."""
    session = Session(engine if writes else reader(engine), expire_on_commit=False)
    if writes:

        @event.listens_for(session, "after_commit")
        def _read_on(committed: Session) -> None:
            committed.bind = reader(engine)

    return session


@contextmanager
def session(engine: Engine | None = None) -> Iterator[Session]:
    """A session on `engine` (default: the process-wide one); rolled back unless the caller committed."""
    with Session(engine or get_engine(), expire_on_commit=False) as s:
        yield s
