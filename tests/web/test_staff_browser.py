"""The staff calendar in a real browser (Debian's Chromium via Playwright, a phone, Danish), as a care
worker meets issue 10 items 1, 2 and 15: a course day says so and offers nothing to take; a claim that
would leave 8 hours of rest is refused on its card in words; a veto-limit warning leaves every card
once a veto day is free again (htmx's out-of-band swap, which only a browser runs). Skipped without a
`chromium` command, except under `PUSLEPLAN_REQUIRE_BROWSER=1` (CI)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import PASSWORD, START, World, build_world, migrated, ok
from sqlmodel import Session, select

from planner.models import SelfPick, Wish
from web.browser import PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def test_days_off_rest_refusals_and_veto_warnings_on_the_phone(world: World, browser: Any) -> None:
    mette = world.staff["mette"]
    url = f"/staff/{mette}"
    body = {k: v for k, v in ok(world.get("planner", url)).items() if k not in ("id", "team_id")}
    course = {"start": day(0), "end": day(0), "reason": "Kursus: sårpleje"}
    ok(world.put("planner", url, json={**body, "absences": [course]}))
    with live_server(world.engine) as base:
        page = browser.new_context(**PHONE).new_page()
        sign_in(page, base, "mette", PASSWORD)
        page.goto(f"{base}/web/me/periods/{world.period}")

        # 1: Monday's course is on the card, with nothing to take, want or veto
        monday = page.locator(f"#day-{day(0)}")
        assert "Kursus: sårpleje. Du har ingen vagter denne dag." in monday.inner_text()
        assert monday.locator("button").count() == 0

        # 2: Wednesday's day shift, then Tuesday's evening shift (23:00 → 07:00 is 8 h)
        page.locator(f"#day-{day(2)} button.claim-shift").first.click()
        page.locator(f"#b-{day(2)}-release").wait_for()
        page.locator(f"#day-{day(1)} button[value='claim:aften:']").click()
        error = page.locator(f"#day-{day(1)} .day-error")
        error.wait_for()
        assert "Kun 8 timer hvile mellem Aftenvagt" in error.inner_text()
        assert "mindst 11 timer" in page.locator("#live").inner_text()

        # 15: two veto days, a third refused, then one taken back: the warning leaves the third card
        for n in (4, 5):
            page.locator(f"#b-{day(n)}-veto").click()
            page.locator(f"#day-{day(n)}.is-veto").wait_for()
        page.locator(f"#b-{day(6)}-veto").click()
        warning = page.locator(f"#day-{day(6)} .veto-note .day-error")
        warning.wait_for()
        assert "Du har brugt alle 2 vetodage" in warning.inner_text()
        page.locator(f"#b-{day(4)}-veto").click()
        page.locator(f"#day-{day(4)}:not(.is-veto)").wait_for()
        warning.wait_for(state="detached")
        assert page.locator(".veto-note .day-error").count() == 0
        outline = page.locator(f"#day-{day(6)}").evaluate("e => getComputedStyle(e).outlineStyle")
        assert outline == "none"

    with Session(world.engine) as session:
        picks = session.exec(select(SelfPick).where(SelfPick.staff_id == mette)).all()
        vetoes = session.exec(select(Wish).where(Wish.staff_id == mette, Wish.kind == "veto")).all()
    assert [(p.date.isoformat(), p.shift) for p in picks] == [(day(2), "dag")]
    assert [v.date.isoformat() for v in vetoes] == [day(5)]
