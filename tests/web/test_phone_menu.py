"""The menu fits a phone (Chromium via Playwright, 390 px wide): with it on one line the staff pages were
549 px wide, so the phone zoomed every page out (and a tap could land on the wrong element). Each page
must keep the phone's width: nothing sticks out sideways. Skipped without a `chromium` command, except
under `PUSLEPLAN_REQUIRE_BROWSER=1` (CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import PASSWORD, World, build_world, migrated

from web.browser import PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

PAGES = {
    "mette": ["/web/me", "/web/me/account", "/web/me/notifications", "/web/me/calendar", "/web/me/exchange"],
    "planner": ["/web/periods", "/web/me/account", "/web/me/notifications"],
}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def test_every_page_keeps_the_phones_width(world: World, browser: Any) -> None:
    width = PHONE["viewport"]["width"]  # type: ignore[index]
    with live_server(world.engine, outbox_worker=False) as base:
        for who, paths in PAGES.items():
            page: Any = browser.new_context(**PHONE).new_page()
            sign_in(page, base, who, PASSWORD)
            for path in paths:
                page.goto(base + path)
                shown = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
                assert shown[0] == width and shown[1] <= width, (who, path, shown)
            assert page.locator("#menu-notifications").is_visible()
