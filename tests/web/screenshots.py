"""Screenshots of the main pages with the example team (`examples/uldum.json`), for `docs/screenshots/`:

    .venv/bin/python tests/benchmarks/web_pages.py --screenshots docs/screenshots

The example team is loaded into a fresh SQLite file the way `pusleplan init-demo` does (period open for
wishes, the example's wishes and self-picks stored), served under uvicorn, and driven in Chromium through
the pages themselves: a staff member's wish calendar on a phone, the planner's period page, a 10-second
solve, the draft grid with a locked cell, the team set-up page, and after publishing the staff member's
own rota on the phone.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from planner import mapping, migrate
from planner.auth import hash_password
from planner.db import make_engine
from planner.io import load_problem
from planner.models import Staff, User

from .browser import DESKTOP, PHONE, chromium, live_server, sign_in

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "screenshot-password-only"
PLANNER = "planlaegger"
PERSON = "anne.s"
SOLVE_SECONDS = 10


def _demo(db: Path) -> tuple[Any, int]:
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    problem = load_problem(ROOT / "examples" / "uldum.json")
    with Session(engine, expire_on_commit=False) as session:
        team, period = mapping.import_problem(session, problem)
        period.state = "open"
        person = session.exec(select(Staff).where(Staff.team_id == team.id, Staff.code == PERSON)).one()
        for username, role, staff_id in ((PLANNER, "planner", None), (PERSON, "staff", person.id)):
            session.add(
                User(
                    username=username,
                    role=role,
                    team_id=team.id,
                    staff_id=staff_id,
                    password_hash=hash_password(PASSWORD),
                )
            )
        session.add(period)
        session.commit()
        assert period.id is not None
        return engine, period.id


def take_screenshots(out: Path) -> list[Path]:
    """Save the PNGs into `out` (created if missing) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shot(page: Any, name: str, **kwargs: Any) -> None:
        path = out / f"{name}.png"
        page.screenshot(path=str(path), **kwargs)
        saved.append(path)

    with tempfile.TemporaryDirectory() as tmp:
        engine, period = _demo(Path(tmp) / "demo.db")
        try:
            with live_server(engine) as base, chromium() as browser:
                phone = browser.new_context(**{**PHONE, "device_scale_factor": 1})
                staff = phone.new_page()
                sign_in(staff, base, PERSON, PASSWORD)
                shot(staff, "staff-home")
                staff.goto(f"{base}/web/me/periods/{period}")
                staff.locator("article.day").nth(2).scroll_into_view_if_needed()
                shot(staff, "staff-wishes")

                desk = browser.new_context(**DESKTOP)
                planner = desk.new_page()
                sign_in(planner, base, PLANNER, PASSWORD)
                planner.goto(f"{base}/web/periods/{period}")
                shot(planner, "planner-period", full_page=True)
                planner.locator("form[action$='/close'] button").click()
                planner.wait_for_url(re.compile(rf"/web/periods/{period}$"))
                planner.locator("#solve-time").fill(str(SOLVE_SECONDS))
                planner.locator("form.solve-form button[type=submit]").click()
                planner.wait_for_url(re.compile(r"/web/jobs/\d+$"))
                planner.wait_for_function(  # running, with a rota found: the bar and figures move
                    "() => /\\d/.test(document.querySelector('.job-figures dd')?.innerText ?? '')",
                    timeout=120_000,
                )
                shot(planner, "planner-solving")
                link = planner.locator(".job-progress a[href^='/web/rotas/']")
                link.wait_for(timeout=120_000)
                link.click()
                planner.wait_for_url(re.compile(r"/web/rotas/\d+$"))
                planner.locator("table.rota-grid button").nth(3).click()
                planner.locator("#cell-editor .editor").wait_for()
                planner.locator("#cell-editor form button[type=submit]").first.click()
                planner.wait_for_function(
                    "() => document.querySelector('#cell-editor').innerText === ''"
                    " || document.querySelector('.rota-grid').innerText.includes('🔒')"
                )
                shot(planner, "planner-grid")
                planner.goto(f"{base}/web/team")
                shot(planner, "planner-team")

                planner.go_back()
                planner.wait_for_url(re.compile(r"/web/rotas/\d+$"))
                planner.locator("details.confirm summary").click()
                planner.locator("details.confirm form button").click()
                planner.locator("h1 .badge.ok").wait_for()
                staff.goto(f"{base}/web/me/periods/{period}/rota")
                shot(staff, "staff-rota")
        finally:
            engine.dispose()
    return saved
