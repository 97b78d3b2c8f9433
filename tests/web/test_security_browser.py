"""Issue 17 item 10 in a real browser: under the service's Content-Security-Policy every page still works
and the browser reports no blocked script, style or request — a care worker's wish buttons (htmx), the
planner's pages, and the API documentation, whose Swagger UI comes from the package (the test browser
has no internet, as a care site may not).

Skipped without a `chromium` command, except under `PUSLEPLAN_REQUIRE_BROWSER=1` (CI).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import PASSWORD, START, World, build_world, migrated

from web.browser import DESKTOP, PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def _watch(page: Any) -> list[str]:
    """What the browser complains about on `page`: console errors (a CSP refusal is one) and uncaught
    script errors."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def test_pages_and_api_docs_work_under_the_content_security_policy(world: World, browser: Any) -> None:
    day = (START + dt.timedelta(days=0)).isoformat()
    with live_server(world.engine) as base:
        phone = browser.new_context(**PHONE)
        staff = phone.new_page()
        staff_problems = _watch(staff)
        sign_in(staff, base, "mette", PASSWORD)
        staff.locator("article.featured a[role=button]").click()
        staff.wait_for_url(re.compile(r"/web/me/periods/\d+$"))
        staff.locator(f"#b-{day}-want-dag").click()  # htmx: a request and a swap
        staff.locator(f"#b-{day}-want-dag[aria-pressed=true]").wait_for()
        assert staff_problems == []

        desk = browser.new_context(**DESKTOP)
        planner = desk.new_page()
        planner_problems = _watch(planner)
        sign_in(planner, base, "planner", PASSWORD)
        for url in (f"/web/periods/{world.period}", "/web/team", "/web/team/rules"):
            response = planner.goto(f"{base}{url}")
            assert response is not None and response.status == 200, url
            assert "default-src 'self'" in response.headers["content-security-policy"]
        assert planner_problems == []

        docs = desk.new_page()
        docs_problems = _watch(docs)
        docs.goto(f"{base}/docs")
        docs.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
        assert "pusleplan" in docs.locator(".swagger-ui .info .title").inner_text()
        assert docs.locator(".opblock-summary-path").count() > 20  # the operations are listed
        assert docs_problems == []
