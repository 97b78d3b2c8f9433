"""The database engine and sessions.

`DATABASE_URL` chooses the database: PostgreSQL (`postgresql+psycopg://user:password@host/db`, the driver
is a dependency), or without it an SQLite file `pusleplan.db` in the working directory. Connections come
from a pool as large as the request thread pool; the services take row locks where a check must see
concurrent writes (`SELECT … FOR UPDATE`). SQLite connections get WAL, a busy timeout, foreign keys and
`BEGIN IMMEDIATE` write transactions (read-only ones, `READ_ONLY`, begin deferred), so concurrent
writers queue instead of failing with "database is locked" halfway through a request. The schema itself
is created only by the Alembic migrations (`planner.migrate`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

DEFAULT_URL = "sqlite:///pusleplan.db"
_SQLITE_BUSY_SECONDS = 30
# Connections kept open: AnyIO runs sync routes in up to 40 threads, each may hold one.
POOL_SIZE = 40
# Execution options of a read-only transaction (e.g. the token check of every request): on SQLite it
# begins deferred and takes no write lock, so it never queues behind writers (WAL lets readers run).
READ_ONLY = {"pusleplan_read_only": True}


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: `database_url()`); `sqlite://` alone is one shared in-memory DB."""
    url = url or database_url()
    if not url.startswith("sqlite"):
        # Up to 40 request threads (AnyIO's default) each hold a session; a dead server fails in seconds.
        connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
        return create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=POOL_SIZE - 10, connect_args=connect_args
        )
    memory = url in ("sqlite://", "sqlite:///:memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": _SQLITE_BUSY_SECONDS}}
    if memory:
        kwargs["poolclass"] = StaticPool
    else:  # keep a connection per request thread open: none (with its PRAGMAs) is opened per request
        kwargs.update(pool_size=POOL_SIZE, max_overflow=10, pool_timeout=_SQLITE_BUSY_SECONDS)
    engine = create_engine(url, **kwargs)
    _sqlite_pragmas(engine, wal=not memory)
    return engine


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
    # from BEGIN to COMMIT/ROLLBACK; other processes (a solve job) still meet the busy timeout. A plain
    # Lock, not an RLock: a request may end its transaction on another thread than the one that began it.
    lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        if connection.get_execution_options().get("pusleplan_read_only"):
            connection.exec_driver_sql("BEGIN")  # deferred: a WAL reader needs no lock
            return
        if not lock.acquire(timeout=_SQLITE_BUSY_SECONDS):
            raise TimeoutError(f"no database transaction within {_SQLITE_BUSY_SECONDS} s")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release()
            raise
        connection.info["pusleplan_lock"] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _end(connection: Any) -> None:
        if connection.info.pop("pusleplan_lock", False):
            lock.release()


_engine: Engine | None = None


def get_engine() -> Engine:
    """The process-wide engine for `DATABASE_URL`, made on first use."""
    global _engine
    if _engine is None:
        _engine = make_engine()
    return _engine


@contextmanager
def session(engine: Engine | None = None) -> Iterator[Session]:
    """A session on `engine` (default: the process-wide one); rolled back unless the caller committed."""
    with Session(engine or get_engine(), expire_on_commit=False) as s:
        yield s
