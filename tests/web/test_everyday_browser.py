"""Issue 15's everyday use walked in Chromium, Danish, as the two users meet it.

The staff phone walk: Mette changes her own password from the menu, opens her wishes with "Se og ret
mine ønsker", reads the summary of what she asked for (it follows a tap) and jumps to a week; once the
rota is published she reads it week by week with her colleagues and hours, subscribes her phone's
calendar and opens the team's rota to print.

The planner laptop walk: a one-time password for Ali, shown once, which he must change at his first
sign-in; Sara's sign-in disabled and enabled again; the period page with who entered nothing and, once
closed, "Start beregning" first; the published rota's payroll download, its print view and the audit
page with what was just done. Skipped without a `chromium` command, except under
`PUSLEPLAN_REQUIRE_BROWSER=1` (CI)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service.helpers import PASSWORD, World, build_world, checked, migrated, ok

from web.browser import DESKTOP, PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

NEW = "blå kaffekop ved vinduet"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def _solve_and_publish(world: World) -> int:
    job = ok(
        world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    checked(world, job["rota_id"])
    ok(world.post("planner", f"/rotas/{job['rota_id']}/publish"))
    return int(job["rota_id"])


def test_the_staff_phone_walk(world: World, browser: Any) -> None:
    with live_server(world.engine) as base:
        page = browser.new_context(**PHONE).new_page()
        sign_in(page, base, "mette", PASSWORD)

        # her own password, from the menu
        page.get_by_role("link", name="Skift adgangskode").click()
        page.get_by_label("Den adgangskode, du bruger nu").fill(PASSWORD)
        page.get_by_label("Ny adgangskode", exact=True).fill(NEW)
        page.get_by_label("Den nye adgangskode igen").fill(NEW)
        page.get_by_role("button", name="Gem den nye adgangskode").click()
        page.wait_for_url(re.compile(r"/web/me\?saved=password$"))

        # the wishes: the summary follows a tap, the week links jump
        page.get_by_role("button", name="Se og ret mine ønsker").click()
        page.wait_for_url(f"{base}/web/me/periods/{world.period}")
        asked = page.locator("#asked")
        assert "Indtil nu: 0 ønskede vagter" in asked.inner_text()
        page.locator("#b-2027-03-02-want-dag").click()
        page.locator("#b-2027-03-02-want-dag[aria-pressed=true]").wait_for()
        page.wait_for_function("document.querySelector('#asked').innerText.includes('1 ønskede vagter')")
        page.locator(".week-links").get_by_role("link", name="Uge 9").click()
        page.wait_for_url(re.compile(r"#week-2027-9$"))
        assert page.locator("#week-2027-9").is_visible()

        ok(world.post("planner", f"/periods/{world.period}/close"))
        rota = _solve_and_publish(world)

        # the published rota by week: colleagues and hours
        page.goto(f"{base}/web/me/periods/{world.period}/rota")
        week = page.locator("#rota-week-2027-9")
        assert "Uge 9" in week.inner_text() and "timer" in week.inner_text()
        days = page.locator("ul.my-shifts li")
        assert days.count() == 7  # every day, worked or "Fri"
        cells = ok(world.get("planner", f"/rotas/{rota}"))["assignments"]
        names = {"mette": "Mette", "ali": "Ali", "sara": "Sara"}
        for i in range(7):
            date = f"2027-03-0{i + 1}"
            text = days.nth(i).inner_text()
            mine = next((c for c in cells if c["staff"] == "mette" and c["date"] == date), None)
            if mine is None:
                assert "Fri" in text, date
                continue
            others = sorted(
                names[c["staff"]] for c in cells if c["date"] == date and c["shift"] == mine["shift"]
            )
            others.remove("Mette")
            assert ("Sammen med: " + ", ".join(others) in text) if others else "Sammen med" not in text
        assert re.search(r"\d+(,\d+)? timer", page.locator(".week-hours").first.inner_text())

        # the phone's calendar follows the rota
        page.get_by_role("link", name="Min kalender på telefonen (følger vagtplanen)").click()
        page.get_by_role("button", name="Lav mit kalenderlink").click()
        link = page.get_by_role("textbox", name="Kalenderlink").input_value()
        assert re.fullmatch(rf"{re.escape(base)}/calendar/[\w-]+\.ics", link)
        assert (
            page.get_by_role("button", name="Åbn i kalenderen").get_attribute("href")
            == "webcal://" + link.split("://")[1]
        )
        assert "Tilføj abonnementskalender" in page.content() and "Fra webadresse" in page.content()
        feed = page.request.get(link)
        assert feed.ok and b"BEGIN:VCALENDAR" in feed.body()

        # the team's rota to print
        page.goto(f"{base}/web/me/periods/{world.period}/rota")
        page.get_by_role("link", name="Teamets vagtplan til udskrift").click()
        page.wait_for_url(f"{base}/web/rotas/{rota}/print")
        assert all(name in page.locator("table.wall").inner_text() for name in ("Mette", "Ali", "Sara"))

    # the new password is the one that signs in now
    with live_server(world.engine) as base:
        other = browser.new_context(**PHONE).new_page()
        sign_in(other, base, "mette", NEW)


def test_the_planner_laptop_walk(world: World, browser: Any) -> None:
    ok(
        world.post(
            "mette",
            f"/periods/{world.period}/wishes",
            json={"staff_id": world.staff["mette"], "date": "2027-03-02", "shift": "dag", "kind": "want"},
        ),
        201,
    )
    ali, sara = world.staff["ali"], world.staff["sara"]
    with live_server(world.engine) as base:
        context = browser.new_context(**DESKTOP, accept_downloads=True)
        page = context.new_page()
        sign_in(page, base, "planner", PASSWORD)

        # a one-time password for Ali, shown once
        page.goto(f"{base}/web/team/staff/{ali}/account")
        page.get_by_role("button", name="Giv en engangsadgangskode").click()
        once = page.locator("#new-password").inner_text()
        assert len(once) >= 8
        page.goto(f"{base}/web/team/staff/{ali}/account")
        assert once not in page.content()
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(f"{base}/web/sign-in")
        phone.get_by_label("Brugernavn").fill("ali")
        phone.get_by_label("Adgangskode").fill(once)
        phone.locator("form button[type=submit]").click()
        phone.wait_for_url(f"{base}/web/me/password")
        assert "engangsadgangskode" in phone.locator("main").inner_text()
        phone.get_by_label("Den adgangskode, du bruger nu").fill(once)
        phone.get_by_label("Ny adgangskode", exact=True).fill(NEW)
        phone.get_by_label("Den nye adgangskode igen").fill(NEW)
        phone.get_by_role("button", name="Gem den nye adgangskode").click()
        phone.wait_for_url(re.compile(r"/web/me\?saved=password$"))

        # Sara's sign-in disabled, then enabled again
        page.goto(f"{base}/web/team/staff/{sara}/account")
        page.get_by_role("button", name="Spær login").click()
        assert page.locator("#access-state").inner_text() == "Login er spærret: Sara kan ikke logge ind."
        assert world.client.post("/token", data={"username": "sara", "password": PASSWORD}).status_code == 401
        page.get_by_role("button", name="Genåbn login").click()
        page.get_by_role("button", name="Spær login").wait_for()
        assert world.client.post("/token", data={"username": "sara", "password": PASSWORD}).status_code == 200

        # the period: who entered nothing; once closed, making a rota comes first
        page.goto(f"{base}/web/periods/{world.period}")
        rows = page.locator("table.submissions tbody tr")
        nothing = {
            rows.nth(i).locator("th").inner_text().split("\n")[0].replace("Intet endnu", "").strip()
            for i in range(rows.count())
            if "Intet endnu" in rows.nth(i).inner_text()
        }
        assert nothing == {"Ali", "Sara"}
        page.get_by_role("button", name="Luk for ønsker").click()
        start = page.get_by_role("button", name="Start beregning")
        start.wait_for()
        heading = page.get_by_role("heading", name="Hvem har afleveret")
        assert start.bounding_box()["y"] < heading.bounding_box()["y"]
        assert start.evaluate("e => !e.classList.contains('secondary') && !e.classList.contains('outline')")

        rota = _solve_and_publish(world)
        page.goto(f"{base}/web/periods/{world.period}")
        page.get_by_role("button", name="Den offentliggjorte vagtplan").click()
        page.wait_for_url(f"{base}/web/rotas/{rota}")

        # payroll
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("^Timer til løn \\(CSV til Excel\\)")).click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.startswith("\ufeffstaff_id;staff_name;week;day_hours;") and ";2027-W09;" in text

        # the print view
        page.get_by_role("link", name="Udskriv vagtplanen (A4 på tværs, hele perioden eller en uge)").click()
        page.wait_for_url(f"{base}/web/rotas/{rota}/print")
        assert "Vagtplan" in page.locator("h1").first.inner_text()

        # the audit page
        page.goto(f"{base}/web/team")
        page.get_by_role("link", name="Logbog").click()
        table = page.locator("table.audit").inner_text()
        for words in (
            "Adgangskode nulstillet",
            "Login spærret",
            "Login åbnet igen",
            "Vagtplanen er offentliggjort",
            "Egen adgangskode skiftet",
        ):
            assert words in table, words
        page.get_by_label("Slags").select_option(label="Login spærret")
        page.get_by_role("button", name="Vis").click()
        page.wait_for_url(re.compile(r"kind=disable\+account"))
        assert page.locator("table.audit tbody tr").count() == 1
