"""Service test helpers and fixtures: a fresh migrated database per test, the app with a job queue that
runs solves in-process, and a small team set up through the API.

The database is SQLite (in memory, or a file where a test needs several connections or processes) unless
`PUSLEPLAN_TEST_DATABASE_URL` names a PostgreSQL database: then every test gets a schema of its own in
it (`search_path` in the URL, so spawned solve processes see it too), dropped when the test ends.
On SQLite the migrations run once per test run, into an in-memory template that each test's database is
copied from (SQLite's backup API: about a millisecond, where migrating took 0.15 s a test); the
migrations themselves are tested on their own (`test_service_migrations.py` and the other
`*migration*` tests, which migrate empty databases step by step).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import Session

from api.main import create_app
from planner import auth, migrate
from planner.auth import hash_password
from planner.db import make_engine
from planner.jobs import InlineQueue, JobQueue
from planner.models import Rota, User
from solver import check
from solver.problem import Problem
from solver.solution import Assignment

START = dt.date(2027, 3, 1)  # a Monday
PASSWORD = "correct horse battery"


@dataclass
class World:
    """A team (by default three: Mette, Ali, Sara), two shifts, one route, one 7-day period, open for
    wishes."""

    client: TestClient
    engine: Engine
    team: int
    period: int
    staff: dict[str, int]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_(self, who: str) -> dict[str, str]:
        return self.headers[who]

    def get(self, who: str, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers.get(who, {}), **kwargs)

    def post(self, who: str, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers.get(who, {}), **kwargs)

    def put(self, who: str, url: str, **kwargs: Any) -> Any:
        return self.client.put(url, headers=self.headers.get(who, {}), **kwargs)

    def delete(self, who: str, url: str, **kwargs: Any) -> Any:
        return self.client.delete(url, headers=self.headers.get(who, {}), **kwargs)


TEST_DATABASE_ENV = "PUSLEPLAN_TEST_DATABASE_URL"


def server_url() -> str | None:
    """The database server the service tests run against (`$PUSLEPLAN_TEST_DATABASE_URL`), or None."""
    return os.environ.get(TEST_DATABASE_ENV) or None


@contextmanager
def fresh_database(tmp_path: Path | None = None) -> Iterator[str]:
    """The URL of an empty database for one test: a new schema on the test server (dropped afterwards),
    else an SQLite file in `tmp_path`, else SQLite in memory."""
    server = server_url()
    if server is None:
        yield f"sqlite:///{tmp_path / 'pusleplan.db'}" if tmp_path is not None else "sqlite://"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


_template: sqlite3.Connection | None = None


def _sqlite_template() -> sqlite3.Connection:
    """An in-memory SQLite database migrated to the newest schema, made once per test run and kept open
    until the run ends."""
    global _template
    if _template is None:
        engine = make_engine("sqlite://")
        migrate.upgrade(engine)
        _template = sqlite3.connect(":memory:", check_same_thread=False)
        raw = engine.raw_connection()
        try:
            raw.driver_connection.backup(_template)
        finally:
            raw.close()
        engine.dispose()
    return _template


@contextmanager
def migrated(tmp_path: Path | None = None) -> Iterator[Engine]:
    """An engine on a fresh database, migrated to the newest schema; disposed afterwards. On SQLite the
    database is a copy of the migrated template (`_sqlite_template`), the same schema without running
    the migrations again."""
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            if server_url() is None:
                raw = engine.raw_connection()
                try:
                    _sqlite_template().backup(raw.driver_connection)
                finally:
                    raw.close()
            else:
                migrate.upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def ok(response: Any, code: int = 200) -> Any:
    assert response.status_code == code, response.text
    return response.json() if response.content else None


TEAM = (("mette", "Mette"), ("ali", "Ali"), ("sara", "Sara"))


def build_world(
    engine: Engine, queue: JobQueue | None = None, people: tuple[tuple[str, str], ...] = TEAM
) -> Iterator[World]:
    """The world through the API: a planner, the team `people` ((code, name) each, every one with a
    staff account of that user name), its shifts, route, cover and an open period."""
    with Session(engine) as session:
        session.add(User(username="planner", role="planner", password_hash=hash_password(PASSWORD)))
        session.commit()
    app = create_app(engine, queue or InlineQueue(engine))
    with TestClient(app) as client:
        planner = login(client, "planner")
        team = ok(client.post("/teams", json={"name": "Uldum"}, headers=planner), 201)["id"]
        for shift in (
            {"code": "dag", "name": "Dagvagt", "start": "07:00", "minutes": 480},
            {"code": "aften", "name": "Aftenvagt", "start": "15:00", "minutes": 480},
        ):
            ok(client.post(f"/teams/{team}/shift-types", json=shift, headers=planner), 201)
        ok(
            client.post(
                f"/teams/{team}/routes",
                json={"code": "uldum-1", "name": "Uldum 1", "district": "Uldum", "shifts": ["dag"]},
                headers=planner,
            ),
            201,
        )
        for cover in ({"shift": "dag", "need": 1}, {"shift": "aften", "need": 1}):
            ok(client.post(f"/teams/{team}/cover", json=cover, headers=planner), 201)
        staff: dict[str, int] = {}
        for code, name in people:
            body = {"code": code, "name": name, "skills": ["sosu-assistent"]}
            staff[code] = ok(client.post(f"/teams/{team}/staff", json=body, headers=planner), 201)["id"]
            user = {"username": code, "role": "staff", "staff_id": staff[code], "password": PASSWORD}
            ok(client.post(f"/teams/{team}/users", json=user, headers=planner), 201)
        deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
        period = ok(
            client.post(
                f"/teams/{team}/periods",
                json={"name": "uge 9", "start": START.isoformat(), "days": 7, "deadline": deadline},
                headers=planner,
            ),
            201,
        )["id"]
        ok(client.post(f"/periods/{period}/open", headers=planner))
        world = World(client, engine, team, period, staff)
        world.headers = {"planner": planner, **{code: login(client, code) for code in staff}}
        yield world


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its smallest costs: the same code path, milliseconds instead of a quarter second."""
    monkeypatch.setattr(
        auth, "_hasher", PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    )


# Seconds for the reasons a job works out after a solve (`PUSLEPLAN_REASONS_BUDGET`; the service's default
# is 20), for tests of a team as big as Uldum's that do not read them: on SQLite the job process keeps
# the database's write lock while it works them out, so the test's next write (and a serial queue's
# next job) waited the whole 20 s. The reasons are still worked out, briefly.
QUICK_REASONS = "1"


@pytest.fixture
def quick_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short reasons budget for this test, in this process and the solve processes it starts."""
    monkeypatch.setenv("PUSLEPLAN_REASONS_BUDGET", QUICK_REASONS)


@pytest.fixture
def engine() -> Iterator[Engine]:
    with migrated() as engine:
        yield engine


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    yield from build_world(engine)


def checked(world: World, rota_id: int) -> Rota:
    """A rota from the solver must break no hard rule, and the checker must agree on its objective
    (recomputed from the problem stored with the rota)."""
    with Session(world.engine) as session:
        rota = session.get(Rota, rota_id)
    assert rota is not None
    problem = Problem.model_validate(rota.problem)
    assignments = [Assignment.model_validate(a) for a in rota.assignments]
    assert check.violations(problem, assignments) == []
    assert check.objective(problem, assignments) == rota.objective
    return rota


def solve_period(world: World, *, publish: bool = False) -> dict[str, Any]:
    """Close the period, solve it (2 s, one worker) and return the draft (published when asked)."""
    ok(world.post("planner", f"/periods/{world.period}/close"))
    job = ok(
        world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    checked(world, job["rota_id"])
    if publish:
        ok(world.post("planner", f"/rotas/{job['rota_id']}/publish"))
    return ok(world.get("planner", f"/rotas/{job['rota_id']}"))


def published_with_cells(w: World, cells: list[tuple[str, dt.date | str, dict[str, Any]]]) -> dict[str, Any]:
    """Close the period, solve, set these cells of the draft (staff code, day, cell edit), re-solve from it
    with them kept, check the rota with the independent checker, publish it and return it."""
    ok(w.post("planner", f"/periods/{w.period}/close"))
    job = ok(w.post("planner", f"/periods/{w.period}/solve", json={"time_limit": 2, "workers": 1}), 202)
    draft = ok(w.get("planner", f"/solve-jobs/{job['id']}"))["rota_id"]
    for who, day, edit in cells:
        ok(w.put("planner", f"/rotas/{draft}/cells/{w.staff[who]}/{day}", json=edit))
    body = {"time_limit": 2, "workers": 1, "from_rota": draft}
    job = ok(w.post("planner", f"/periods/{w.period}/solve", json=body), 202)
    rota = ok(w.get("planner", f"/solve-jobs/{job['id']}"))["rota_id"]
    checked(w, rota)
    ok(w.post("planner", f"/rotas/{rota}/publish"))
    return ok(w.get("planner", f"/rotas/{rota}"))
