"""Benchmark of the planner's review grid: 100 staff × 56 days, server time and time to interactive in
Chromium; and (with `--screenshots DIR`) screenshots of the main pages of the example team.

    .venv/bin/python tests/benchmarks/web_pages.py --runs 7 --write docs/benchmarks.md
    .venv/bin/python tests/benchmarks/web_pages.py --screenshots docs/screenshots

The 100-person team is the example team (`examples/uldum.json`, 25 people, 8 weeks) four times over
(staff, routes and cover ×4), solved once for 30 s before anything is timed. Server time is the time
from sending the request to the last byte on 127.0.0.1 (the service runs in this process's thread under
uvicorn; the client is httpx); time to interactive is Chromium's `domContentLoadedEventEnd` of the
navigation (HTML parsed, styles and the deferred htmx script run), the page loaded fresh each run.
Results go into `docs/benchmarks.md` between the `web` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import httpx  # noqa: E402
from sqlmodel import Session, select  # noqa: E402
from web.browser import DESKTOP, chromium, live_server  # noqa: E402

from planner import mapping, migrate, services  # noqa: E402
from planner.auth import hash_password  # noqa: E402
from planner.bench.curtois import machine, write_section  # noqa: E402
from planner.db import make_engine  # noqa: E402
from planner.io import load_problem  # noqa: E402
from planner.models import Rota, User  # noqa: E402
from solver import SolveParams, check, solve  # noqa: E402
from solver.problem import Problem  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- web:start -->", "<!-- web:end -->"
PASSWORD = "bench-password-only"


def scaled_example(times: int) -> Problem:
    """The example team `times` over: each person, route and cover need repeated (codes suffixed)."""
    base = load_problem(ROOT / "examples" / "uldum.json").model_dump(mode="json")
    staff, routes, wishes = [], [], []
    for k in range(times):
        suffix = f"-{k + 1}" if k else ""

        def renamed(code: str | None, suffix: str = suffix) -> str | None:
            return None if code is None else f"{code}{suffix}"

        for person in base["staff"]:
            staff.append(
                {
                    **person,
                    "id": renamed(person["id"]),
                    "name": f"{person.get('name') or person['id']}{f' {k + 1}' if k else ''}",
                    "favourite_routes": [renamed(r) for r in person.get("favourite_routes", [])],
                }
            )
        routes += [{**r, "id": renamed(r["id"])} for r in base.get("routes", [])]
        wishes += [
            {**w, "staff": renamed(w["staff"]), "route": renamed(w.get("route"))}
            for w in base.get("wishes", [])
        ]
    cover = [{**c, "need": c["need"] * times} for c in base.get("cover", [])]
    data = {**base, "staff": staff, "routes": routes, "cover": cover, "wishes": wishes}
    data.update(self_picks=[], locks=[], name=f"{base.get('name') or 'Team'} ×{times}")
    return Problem.model_validate(data)


def prepare(db: Path, problem: Problem, time_limit: float) -> tuple[Any, int, int]:
    """A database with the team, its period, one solved draft rota and a planner account."""
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    solution = solve(problem, SolveParams(time_limit=time_limit, workers=2, seed=0))
    assert solution.has_rota, solution.status
    assert check.violations(problem, solution.assignments) == [], "the rota breaks a hard rule"
    with Session(engine, expire_on_commit=False) as session:
        team, period = mapping.import_problem(session, problem)
        period.state = "closed"
        session.add(
            User(username="planner", role="planner", team_id=team.id, password_hash=hash_password(PASSWORD))
        )
        session.flush()
        rota = services.store_rota(period, problem, solution, session=session)
        session.commit()
        assert rota.id is not None and period.id is not None
        return engine, period.id, rota.id


def sign_in(base: str, username: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as client:
        response = client.post("/web/sign-in", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.text
        return client.cookies


def server_times(base: str, url: str, cookies: httpx.Cookies, runs: int) -> tuple[list[float], int]:
    times, size = [], 0
    with httpx.Client(base_url=base, cookies=cookies) as client:
        client.get(url)  # warm up (templates compiled, connections opened)
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            size = len(response.content)
    return times, size


def browser_times(base: str, url: str, cookies: httpx.Cookies, runs: int) -> list[dict[str, float]]:
    out = []
    with chromium() as browser:
        for _ in range(runs):
            context = browser.new_context(**DESKTOP)
            context.add_cookies([{"name": c.name, "value": c.value, "url": base} for c in cookies.jar])
            page = context.new_page()
            page.goto(base + url, wait_until="load")
            timing = page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return {ttfb: n.responseStart - n.requestStart, response: n.responseEnd - n.startTime,"
                " interactive: n.domContentLoadedEventEnd - n.startTime,"
                " load: n.loadEventEnd - n.startTime}; }"
            )
            cells = page.locator("table td").count()
            out.append({**{k: v / 1000 for k, v in timing.items()}, "cells": cells})
            context.close()
    return out


def render_benchmark(runs: int, solve_seconds: float) -> dict[str, Any]:
    problem = scaled_example(4)
    with tempfile.TemporaryDirectory() as tmp:
        engine, _period, rota = prepare(Path(tmp) / "bench.db", problem, solve_seconds)
        with Session(engine) as session:
            stored = session.exec(select(Rota).where(Rota.id == rota)).one()
            people, days = len(stored.problem["staff"]), stored.problem["horizon"]["days"]
            assignments = len(stored.assignments)
        try:
            with live_server(engine) as base:
                cookies = sign_in(base, "planner")
                url = f"/web/rotas/{rota}"
                server, size = server_times(base, url, cookies, runs)
                browser = browser_times(base, url, cookies, runs)
        finally:
            engine.dispose()
    return {
        "people": people,
        "days": days,
        "assignments": assignments,
        "bytes": size,
        "server": server,
        "browser": browser,
        "runs": runs,
    }


def section(result: dict[str, Any], command: str) -> str:
    med = statistics.median
    server = result["server"]
    browser = result["browser"]
    rows = [
        ("server: request → last byte (httpx, 127.0.0.1)", med(server), max(server)),
        ("Chromium: time to first byte", med(b["ttfb"] for b in browser), max(b["ttfb"] for b in browser)),
        (
            "Chromium: response complete",
            med(b["response"] for b in browser),
            max(b["response"] for b in browser),
        ),
        (
            "Chromium: interactive (DOMContentLoaded end)",
            med(b["interactive"] for b in browser),
            max(b["interactive"] for b in browser),
        ),
        ("Chromium: load event end", med(b["load"] for b in browser), max(b["load"] for b in browser)),
    ]
    lines = [
        START,
        "## The web pages: the planner's review grid",
        "",
        f"Command: `{command}` — {dt.date.today().isoformat()}, {machine()}.",
        "",
        f"The draft rota of {result['people']} staff × {result['days']} days "
        f"({result['assignments']} shifts; "
        f"page {result['bytes'] / 1024:.0f} KiB of HTML), the service under uvicorn on 127.0.0.1 in the "
        f"benchmark's process, {result['runs']} runs each, page loaded fresh every run. Goal: under 1 s.",
        "",
        "| measure | median | worst |",
        "|---|---:|---:|",
        *(f"| {name} | {m * 1000:.0f} ms | {w * 1000:.0f} ms |" for name, m, w in rows),
        "",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--solve-seconds", type=float, default=30.0)
    parser.add_argument("--write", type=Path, help="write the table into this Markdown file")
    parser.add_argument("--screenshots", type=Path, help="save screenshots of the main pages here instead")
    args = parser.parse_args(argv)
    if args.screenshots:
        from web.screenshots import take_screenshots

        for path in take_screenshots(args.screenshots):
            print(path)
        return 0
    result = render_benchmark(args.runs, args.solve_seconds)
    command = "python tests/benchmarks/web_pages.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = section(result, command.strip())
    print(text)
    if args.write:
        write_section(text, args.write, start=START, end=END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
