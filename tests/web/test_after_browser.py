"""Life after publication in a real browser (Chromium via Playwright; staff on a phone, the planner on a
laptop, Danish), the walk of issue 13: publish → Mette offers her Saturday → Ali sees it (Sara, whose
Friday evening shift leaves 8 hours' rest before Saturday morning, does not) → Ali takes it → the planner
approves → both are told in the app → Sara reports sick for Thursday → the planner re-plans from
Thursday, sees who changes, publishes. Every version passes the checker. Skipped without a `chromium`
command, except under `PUSLEPLAN_REQUIRE_BROWSER=1` (CI)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import (
    PASSWORD,
    START,
    World,
    build_world,
    checked,
    migrated,
    ok,
    published_with_cells,
)

from web.browser import DESKTOP, PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

THURSDAY, FRIDAY, SATURDAY = ((START + dt.timedelta(days=n)).isoformat() for n in (3, 4, 5))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def publish_with_locks(w: World) -> dict[str, Any]:
    """Mette on Saturday's day shift, Sara on Friday's evening shift, Ali off Thursday to Saturday: the
    rota the walk needs, solved (and re-solved with these cells) by the solver, then published."""
    cells = [
        ("mette", SATURDAY, {"action": "change", "shift": "dag", "route": "uldum-1"}),
        ("sara", FRIDAY, {"action": "change", "shift": "aften"}),
        *((("ali", d, {"action": "clear"})) for d in (THURSDAY, FRIDAY, SATURDAY)),
    ]
    return published_with_cells(w, cells)


def kinds(w: World, who: str) -> list[str]:
    return [n["kind"] for n in ok(w.get(who, "/me/notifications"))["items"]]


def test_swap_approval_sickness_and_replan_in_the_browser(world: World, browser: Any) -> None:
    w = world
    with live_server(w.engine) as base:
        rota = publish_with_locks(w)
        saturday = [a for a in rota["assignments"] if a["date"] == SATURDAY and a["staff"] == "mette"]
        assert saturday and saturday[0]["shift"] == "dag"

        # Mette offers her Saturday on her phone
        mette = browser.new_context(**PHONE).new_page()
        sign_in(mette, base, "mette", PASSWORD)
        mette.get_by_role("button", name="Byt eller giv en vagt væk").click()
        mette.get_by_label("Min vagt").select_option(f"{w.period}:{SATURDAY}")
        # (the phone's picker stays open over the form after a choice: she writes a message and sends it)
        mette.get_by_label("Besked (valgfri)").fill("Jeg skal til bryllup")
        mette.get_by_label("Besked (valgfri)").press("Enter")
        mette.get_by_text("Din vagt er tilbudt").wait_for()

        # Sara (evening shifts Friday and Saturday) does not see it; Ali does, with his hours, and takes it
        sara = browser.new_context(**PHONE).new_page()
        sign_in(sara, base, "sara", PASSWORD)
        sara.goto(f"{base}/web/me/exchange")
        assert "Fra Mette" not in sara.locator("section[aria-labelledby=available-h]").inner_text()
        ali = browser.new_context(**PHONE).new_page()
        sign_in(ali, base, "ali", PASSWORD)
        ali.goto(f"{base}/web/me/exchange")
        offer = ali.locator("section[aria-labelledby=available-h] article", has_text="Fra Mette")
        assert "Dine timer i perioden" in offer.inner_text()
        offer.get_by_role("button", name="Tag vagten").click()
        ali.get_by_text("Den er din, når planlæggeren godkender").wait_for()

        # the planner approves on the laptop
        planner = browser.new_context(**DESKTOP).new_page()
        sign_in(planner, base, "planner", PASSWORD)
        planner.goto(f"{base}/web/periods/{w.period}/changes")
        planner.get_by_role("button", name="Godkend").click()
        planner.get_by_text("Ingen vagtbytter venter på din godkendelse.").wait_for()
        now = ok(w.get("planner", f"/periods/{w.period}/rota"))
        checked(w, now["id"])
        assert [a["staff"] for a in now["assignments"] if a["date"] == SATURDAY and a["shift"] == "dag"] == [
            "ali"
        ]
        assert "offer_approved" in kinds(w, "mette") and "offer_approved" in kinds(w, "ali")
        ali.goto(f"{base}/web/me/changes")
        assert "overtaget fra Mette" in ali.locator("main").inner_text()

        # Sara reports sick for Thursday from her phone
        sara.goto(f"{base}/web/me/sick")
        sara.get_by_label("Syg fra").fill(THURSDAY)
        sara.get_by_role("button", name="Meld syg").click()
        sara.get_by_text("God bedring").wait_for()
        holed = ok(w.get("planner", f"/periods/{w.period}/rota"))
        checked(w, holed["id"])
        assert not [a for a in holed["assignments"] if a["staff"] == "sara" and a["date"] == THURSDAY]
        assert "sickness_reported" in kinds(w, "planner")

        # the planner re-plans from Thursday, sees who changes, publishes
        planner.goto(f"{base}/web/periods/{w.period}/changes")
        planner.get_by_label("Planlæg om fra", exact=True).fill(THURSDAY)
        planner.get_by_label("Tidsgrænse (sekunder)").fill("2")
        planner.get_by_role("button", name="Planlæg om", exact=True).click()
        planner.get_by_role("button", name="Se hvem der ændres").click(timeout=90_000)
        planner.wait_for_url(re.compile(r"/web/rotas/\d+/replan$"))
        draft = int(planner.url.rsplit("/", 2)[1])
        diff = ok(w.get("planner", f"/rotas/{draft}/replan-diff"))
        text = planner.locator("main").inner_text()
        assert "Omplanlægning: hvem ændres" in text
        for person in diff["people"]:
            assert person["name"] in text
        planner.get_by_role("button", name="Offentliggør som den nye vagtplan").click()
        planner.wait_for_url(re.compile(rf"/web/rotas/{draft}$"))
        final = ok(w.get("planner", f"/periods/{w.period}/rota"))
        assert final["id"] == draft and final["from_rota"] == holed["id"]
        checked(w, draft)
        for person in diff["people"]:
            if person["staff"] != "sara":
                assert "shifts_changed" in kinds(w, person["staff"])
