"""The planner's review pages in a real browser (Debian's Chromium, Playwright, the service under uvicorn
with solves in spawned processes): the grid scrolls inside its box, never the page; a solve stopped by
the planner keeps its best rota as a draft marked stopped early; a draft with pending cell changes is not
offered for publishing. Skipped without a `chromium` command, except under `PUSLEPLAN_REQUIRE_BROWSER=1`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import PASSWORD, World, build_world, migrated, ok
from service.test_service_jobs import uldum
from sqlmodel import Session, select

from planner.models import Period, Rota, Staff
from web.browser import browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
WAIT_MS = 90_000


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def test_the_review_page_of_an_8_week_rota_does_not_scroll_sideways(world: World, browser: Any) -> None:
    """56 days are far wider than a laptop: the grid scrolls in its own box, the page stays put."""
    period = ok(
        world.post("planner", f"/teams/{world.team}/periods", json={"start": "2027-03-01", "days": 56}), 201
    )["id"]
    ok(world.post("planner", f"/periods/{period}/open"))
    ok(world.post("planner", f"/periods/{period}/close"))
    job = ok(world.post("planner", f"/periods/{period}/solve", json={"time_limit": 3, "workers": 1}), 202)
    rota_id = ok(world.get("planner", f"/solve-jobs/{job['id']}"))["rota_id"]
    assert rota_id is not None
    with live_server(world.engine) as base:
        context = browser.new_context(**LAPTOP)
        page = context.new_page()
        sign_in(page, base, "planner", PASSWORD)
        page.goto(f"{base}/web/rotas/{rota_id}")
        grid = page.locator(".rota-scroll")
        assert grid.evaluate("el => el.scrollWidth > el.clientWidth")  # the grid itself scrolls
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
        context.close()


@pytest.mark.usefixtures("quick_reasons")  # else the cell edit waits for 20 s of reasons (see QUICK_REASONS)
def test_the_planner_stops_a_solve_keeps_its_draft_and_cannot_publish_pending_changes(
    world: World, browser: Any
) -> None:
    period = uldum(world.engine)
    with live_server(world.engine) as base:
        context = browser.new_context(**LAPTOP)
        page = context.new_page()
        sign_in(page, base, "uldum", PASSWORD)
        page.goto(f"{base}/web/periods/{period}")
        page.locator("#solve-time").fill("120")
        page.get_by_role("button", name="Start beregning").click()
        page.wait_for_url(re.compile(r"/web/jobs/\d+$"))
        # Wait for a first rota, then stop: the best rota so far becomes the draft.
        page.wait_for_function(
            "() => /\\d/.test(document.querySelector('.job-figures dd').innerText)", timeout=WAIT_MS
        )
        page.get_by_role("button", name="Stop og behold den bedste vagtplan indtil nu").click()
        link = page.locator(".job-progress a[href^='/web/rotas/']")
        link.wait_for(timeout=WAIT_MS)
        assert "Stoppet før tid" in page.locator("main").inner_text()
        link.click()
        page.wait_for_url(re.compile(r"/web/rotas/\d+$"))
        rota_id = int(page.url.rsplit("/", 1)[1])
        assert "Beregningen blev stoppet før tid" in page.locator("main").inner_text()
        with Session(world.engine) as session:
            rota = session.exec(select(Rota).where(Rota.id == rota_id)).one()
            assert rota.stopped_early and rota.state == "draft"
            team = session.exec(select(Period.team_id).where(Period.id == period)).one()
            staff_ids = {s.code: s.id for s in session.exec(select(Staff).where(Staff.team_id == team))}
        worked = rota.assignments[0]
        start = dt.date.fromisoformat(rota.problem["horizon"]["start"])
        day_number = (dt.date.fromisoformat(worked["date"]) - start).days

        # Make a working day a day off; the publish confirmation lists it and offers no button.
        page.locator(f"#c{staff_ids[worked['staff']]}-{day_number} button").click()
        page.locator("#cell-editor").get_by_role("button", name="Gør det til en fridag").click()
        page.wait_for_function(
            f"() => document.querySelector('#c{staff_ids[worked['staff']]}-{day_number}')"
            ".innerText.includes('fri')"
        )
        page.get_by_text("Offentliggør denne vagtplan …").click()
        confirm = page.locator("details.confirm")
        assert "Disse ændrede celler er ikke med i dette udkast" in confirm.inner_text()
        assert page.get_by_role("button", name="Ja, offentliggør den").count() == 0
        # Nothing sticks out sideways on a laptop either.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        context.close()
