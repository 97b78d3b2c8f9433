"""Notifications and "Glemt adgangskode?" in a real browser (Debian's Chromium via Playwright, a phone,
Danish), with a real SMTP server: Mette has forgotten her password, asks for a link, gets it by e-mail,
chooses a new one, signs in with it and finds her notifications behind the number in the menu. Skipped
without a `chromium` command, except under `PUSLEPLAN_REQUIRE_BROWSER=1` (CI)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import World, build_world, migrated, ok
from service.smtp import SmtpServer

from planner import outbox
from web.browser import PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

NEW = "rød paraply i gangen"


@pytest.fixture
def world(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def test_forgotten_password_by_email_then_the_notifications_on_the_phone(
    world: World, smtp_server: SmtpServer, browser: Any
) -> None:
    ok(world.put("mette", "/me/contact", json={"email": "mette@example.dk"}))
    with live_server(world.engine) as base:
        page = browser.new_context(**PHONE).new_page()
        page.goto(f"{base}/web/sign-in")
        page.get_by_role("link", name="Glemt adgangskode?").click()
        page.get_by_label("Brugernavn").fill("mette")
        page.get_by_role("button", name="Send mig et link").click()
        assert "er et link til at vælge en ny adgangskode på vej" in page.locator("#asked").inner_text()

        outbox.run_once(world.engine)  # what the service's worker does every 30 s
        mail = next(m for m in smtp_server.to("mette@example.dk") if "adgangskode" in m.subject)
        link = re.search(r"http://pusleplan\.test(\S+)", mail.body)
        assert link is not None
        page.goto(base + link.group(1))
        assert "Til kontoen mette." in page.locator("main").inner_text()
        page.get_by_label("Ny adgangskode", exact=True).fill(NEW)
        page.get_by_label("Den nye adgangskode igen").fill(NEW)
        page.get_by_role("button", name="Gem den nye adgangskode").click()
        page.wait_for_url(re.compile(r"/web/sign-in\?reset=1$"))
        assert "Din nye adgangskode er gemt." in page.locator("main").inner_text()

        sign_in(page, base, "mette", NEW)
        badge = page.locator("#menu-notifications .badge")
        # The period opened for wishes, and its deadline is in 24 h while she has entered nothing.
        assert badge.inner_text().split() == ["2", "ulæste"]
        page.locator("#menu-notifications").click()
        page.wait_for_url(re.compile(r"/web/me/notifications$"))
        shown = page.locator("main").inner_text()
        assert shown.index("1 dag til fristen for dine ønsker til uge 9") < shown.index(
            "Skriv dine ønsker til uge 9"
        )
        page.get_by_role("button", name="Markér alle som læst").click()
        page.wait_for_url(re.compile(r"/web/me/notifications$"))
        assert page.locator("#menu-notifications .badge").count() == 0
