"""The staff pages as a care worker uses them: my periods, the wish calendar (want / avoid, veto days,
claiming open slots), favourite routes, and my published rota with its calendar file and the reasons a
wish was not granted. Every stored effect is read back through the JSON API as the planner."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from service.helpers import PASSWORD, START, checked, ok, solve_period
from sqlalchemy import Engine
from sqlmodel import Session

from api.main import create_app
from api.web.common import SESSION_COOKIE
from planner.auth import csrf_token
from planner.demo import load_demo
from planner.jobs import InlineQueue
from planner.models import Period
from solver.problem import Problem
from web.helpers import Web, text_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

TUESDAY = (START + dt.timedelta(days=1)).isoformat()
WEDNESDAY = (START + dt.timedelta(days=2)).isoformat()
THURSDAY = (START + dt.timedelta(days=3)).isoformat()
FRIDAY = (START + dt.timedelta(days=4)).isoformat()
DAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
DAYS = {(START + dt.timedelta(days=i)).isoformat(): f"{DAY_NAMES[i]} {i + 1}. marts" for i in range(7)}


def page_url(web: Web) -> str:
    return f"/web/me/periods/{web.world.period}"


def day_url(web: Web, day: str) -> str:
    return f"{page_url(web)}/days/{day}"


def wishes_of(web: Web, who: str) -> list[dict[str, Any]]:
    """The person's stored wishes, as the planner reads them."""
    url = f"/periods/{web.world.period}/wishes?staff_id={web.world.staff[who]}"
    return ok(web.world.get("planner", url))


def picks_of(web: Web, who: str) -> list[dict[str, Any]]:
    url = f"/periods/{web.world.period}/self-picks?staff_id={web.world.staff[who]}"
    return ok(web.world.get("planner", url))


def card_html(html: str, day: str) -> str:
    """One day's card (its HTML)."""
    match = re.search(rf'<article id="day-{day}".*?</article>', html, flags=re.S)
    assert match, f"no card for {day}"
    return match.group(0)


def day_card(html: str, day: str) -> str:
    """The visible text of one day's card."""
    return text_of(card_html(html, day))


def button_value(html: str, button_id: str) -> str:
    match = re.search(rf'id="{button_id}"[^>]*?value="([^"]*)"', html, flags=re.S) or re.search(
        rf'value="([^"]*)"[^>]*?id="{button_id}"', html, flags=re.S
    )
    assert match, f"no button {button_id}"
    return match.group(1)


def set_deadline(web: Web, when: dt.datetime) -> None:
    with Session(web.world.engine) as session:
        period = session.get(Period, web.world.period)
        assert period is not None
        period.deadline = when
        session.add(period)
        session.commit()


# ---- home and calendar ------------------------------------------------------------------------------


def test_home_shows_the_open_period_prominently_with_its_deadline(web: Web) -> None:
    response = web.get("mette", "/web/me")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Mine perioder" in text
    assert "Ønsker til uge 9" in text
    assert re.search(r"Frist (man|tirs|ons|tors|fre|lør|søn)dag \d+\. \w+ kl\. \d\d\.\d\d\b", text), text
    assert "Se og ret mine ønsker" in text and "Send mine ønsker" not in text
    assert f'href="{page_url(web)}"' in response.text
    # the planner's start page is elsewhere
    assert web.get("planner", "/web/me").headers["location"] == "/web/periods"


def test_the_danish_calendar_shows_the_seven_days_with_danish_weekday_names(web: Web) -> None:
    response = web.get("mette", page_url(web))
    assert response.status_code == 200
    assert len(re.findall(r'<article id="day-', response.text)) == 7
    text = text_of(response.text)
    for name in ("mandag 1. marts", "tirsdag 2. marts", "lørdag 6. marts", "søndag 7. marts"):
        assert name in text
    assert "Uge 9" in text and "2 af 2 vetodage tilbage" in text
    assert "Dagvagt" in text and "07.00–15.00" in text and "Behov 1" in text


def test_english_shows_english_weekday_names(web: Web) -> None:
    web.get("mette", "/web/language/en?back=/web/me")
    text = text_of(web.get("mette", page_url(web)).text)
    assert "Monday, March 1" in text and "Sunday, March 7" in text
    assert "Want" in text and "2 of 2 veto days left" in text
    assert re.search(r"Deadline \w+day, \w+ \d+ at \d\d:\d\d\b", text), text
    assert "mandag" not in text


# ---- wishes -----------------------------------------------------------------------------------------


def test_want_then_avoid_then_none_stores_exactly_that_wish(web: Web) -> None:
    html = web.get("mette", page_url(web)).text
    want = button_value(html, f"b-{TUESDAY}-want-dag")
    assert want == "want:dag:"
    response = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": want})
    assert response.status_code == 200
    assert "du ønsker Dagvagt" in text_of(response.text)  # spoken status line
    assert 'id="veto-count" class="veto-count" hx-swap-oob="true"' in response.text
    (wish,) = wishes_of(web, "mette")
    assert (wish["date"], wish["kind"], wish["shift"], wish["route"]) == (TUESDAY, "want", "dag", None)
    assert re.search(rf'id="b-{TUESDAY}-want-dag"[^>]*aria-pressed="true"', response.text, flags=re.S)

    # a second tap on "Avoid" turns the same wish around
    avoid = button_value(response.text, f"b-{TUESDAY}-avoid-dag")
    assert avoid == f"avoid:dag:{wish['id']}.1"
    response = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": avoid})
    assert response.status_code == 200
    (wish,) = wishes_of(web, "mette")
    assert (wish["kind"], wish["version"]) == ("avoid", 2)

    # tapping the pressed "Avoid" again removes the wish
    clear = button_value(response.text, f"b-{TUESDAY}-avoid-dag")
    assert clear == f"clear:dag:{wish['id']}.2"
    response = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": clear})
    assert response.status_code == 200 and "intet ønske om Dagvagt" in text_of(response.text)
    assert wishes_of(web, "mette") == []


def test_a_stale_tap_is_refused_and_the_day_shows_what_is_stored(web: Web) -> None:
    web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": "want:dag:"})
    (wish,) = wishes_of(web, "mette")
    fresh = f"avoid:dag:{wish['id']}.1"
    assert web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": fresh}).status_code == 200
    stale = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": f"clear:dag:{wish['id']}.1"})
    assert stale.status_code == 409
    assert "ændret i et andet vindue" in text_of(stale.text)
    assert [w["kind"] for w in wishes_of(web, "mette")] == ["avoid"]
    # a page that still shows no wish (another window, a double tap) makes no second wish
    again = web.post("mette", day_url(web, TUESDAY), {"do": "want:dag:"})
    assert again.status_code == 409 and "ændret i et andet vindue" in day_card(again.text, TUESDAY)
    assert [w["kind"] for w in wishes_of(web, "mette")] == ["avoid"]
    for _ in range(2):
        assert web.post("mette", day_url(web, WEDNESDAY), {"do": "veto::"}).status_code == 303
    assert [w["date"] for w in wishes_of(web, "mette") if w["kind"] == "veto"] == [WEDNESDAY]


def test_the_veto_counter_goes_down_and_a_veto_beyond_the_limit_is_refused(web: Web) -> None:
    first = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": "veto::"})
    assert first.status_code == 200
    assert "1 af 2 vetodage tilbage" in text_of(first.text)
    assert "Vetodag: du har fri" in day_card(first.text, TUESDAY)
    # without JavaScript: the form posts and the calendar comes back at that day
    second = web.post("mette", day_url(web, WEDNESDAY), {"do": "veto::"})
    assert second.status_code == 303 and second.headers["location"].endswith(f"#day-{WEDNESDAY}")
    assert "0 af 2 vetodage tilbage" in text_of(web.get("mette", page_url(web)).text)

    refused = web.post("mette", day_url(web, THURSDAY), {"do": "veto::"})
    assert refused.status_code == 409
    assert "Du har brugt alle 2 vetodage" in day_card(refused.text, THURSDAY)
    assert "Kunne ikke gemme" in text_of(refused.text)
    htmx = web.htmx("mette", "POST", day_url(web, THURSDAY), data={"do": "veto::"})
    assert htmx.status_code == 409 and "Du har brugt alle 2 vetodage" in text_of(htmx.text)
    assert sorted(w["date"] for w in wishes_of(web, "mette") if w["kind"] == "veto") == [TUESDAY, WEDNESDAY]

    # taking a veto back gives it back
    (veto,) = [w for w in wishes_of(web, "mette") if w["date"] == TUESDAY]
    back = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": f"unveto::{veto['id']}.1"})
    assert "1 af 2 vetodage tilbage" in text_of(back.text)
    assert [w["date"] for w in wishes_of(web, "mette")] == [WEDNESDAY]


# ---- open slots -------------------------------------------------------------------------------------


def test_claiming_an_open_slot_stores_a_self_pick_and_others_see_it_taken_without_a_name(web: Web) -> None:
    html = web.get("mette", page_url(web)).text
    assert "Tag Uldum 1" in day_card(html, WEDNESDAY)
    claim = "claim:dag:uldum-1"
    assert f'value="{claim}"' in card_html(html, WEDNESDAY)
    response = web.htmx("mette", "POST", day_url(web, WEDNESDAY), data={"do": claim})
    assert response.status_code == 200
    (pick,) = picks_of(web, "mette")
    assert (pick["date"], pick["shift"], pick["route"]) == (WEDNESDAY, "dag", "uldum-1")
    mine = day_card(response.text, WEDNESDAY)
    assert "Du har taget denne vagt (Uldum 1)" in mine and "Giv fri" in mine

    alis = web.get("ali", page_url(web)).text
    card = day_card(alis, WEDNESDAY)
    assert "optaget" in card and "Mette" not in card and "mette" not in card
    assert 'value="claim:dag:uldum-1"' not in card_html(alis, WEDNESDAY)
    # a stale page: Ali taps the route Mette has just taken
    late = web.htmx("ali", "POST", day_url(web, WEDNESDAY), data={"do": "claim:dag:uldum-1"})
    assert late.status_code == 409 and "En anden har lige taget den plads" in text_of(late.text)
    assert picks_of(web, "ali") == []

    # the evening shift that day is still open for Ali
    evening = web.htmx("ali", "POST", day_url(web, WEDNESDAY), data={"do": "claim:aften:"})
    assert evening.status_code == 200
    assert [(p["shift"], p["route"]) for p in picks_of(web, "ali")] == [("aften", None)]

    # Mette releases her claim; the route is free again
    release = button_value(response.text, f"b-{WEDNESDAY}-release")
    assert web.htmx("mette", "POST", day_url(web, WEDNESDAY), data={"do": release}).status_code == 200
    assert picks_of(web, "mette") == []
    assert "Tag Uldum 1" in day_card(web.get("sara", page_url(web)).text, WEDNESDAY)


# ---- read-only --------------------------------------------------------------------------------------


def test_after_the_deadline_the_calendar_is_read_only_and_a_change_is_refused(web: Web) -> None:
    web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": "want:dag:"})
    set_deadline(web, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    html = web.get("mette", page_url(web)).text
    text = text_of(html)
    assert "Ønsker kan ikke længere ændres: fristen var" in text
    assert 'name="do"' not in html  # no buttons at all
    assert "Mine ønsker: ønsker" in day_card(html, TUESDAY)  # what she sent is still shown
    refused = web.post("mette", day_url(web, WEDNESDAY), {"do": "veto::"})
    assert refused.status_code == 409 and "fristen var" in text_of(refused.text)
    assert "Traceback" not in refused.text
    assert [w["kind"] for w in wishes_of(web, "mette")] == ["want"]


def test_a_closed_period_is_read_only(web: Web) -> None:
    ok(web.world.post("planner", f"/periods/{web.world.period}/close"))
    html = web.get("mette", page_url(web)).text
    assert "perioden er lukket for ønsker" in text_of(html) and 'name="do"' not in html
    refused = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": "claim:aften:"})
    assert refused.status_code == 409 and "lukket for ønsker" in text_of(refused.text)
    assert picks_of(web, "mette") == []
    assert "Se mine ønsker" in text_of(web.get("mette", "/web/me").text)


# ---- another person's things ------------------------------------------------------------------------


def test_mette_cannot_change_alis_wishes_or_picks(web: Web) -> None:
    world = web.world
    body = {"staff_id": world.staff["ali"], "date": TUESDAY, "kind": "want", "shift": "dag"}
    alis_wish = ok(world.post("ali", f"/periods/{world.period}/wishes", json=body), 201)
    body = {"staff_id": world.staff["ali"], "date": THURSDAY, "kind": "veto"}
    alis_veto = ok(world.post("ali", f"/periods/{world.period}/wishes", json=body), 201)
    body = {"staff_id": world.staff["ali"], "date": WEDNESDAY, "shift": "aften"}
    alis_pick = ok(world.post("ali", f"/periods/{world.period}/self-picks", json=body), 201)
    for action, day in (
        (f"clear:dag:{alis_wish['id']}.1", TUESDAY),
        (f"avoid:dag:{alis_wish['id']}.1", TUESDAY),
        (f"unveto::{alis_veto['id']}.1", THURSDAY),
        (f"release::{alis_pick['id']}", WEDNESDAY),
    ):
        response = web.post("mette", day_url(web, day), {"do": action})
        assert response.status_code in (403, 404), (action, response.status_code)
    assert [(w["kind"], w["version"]) for w in wishes_of(web, "ali")] == [("want", 1), ("veto", 1)]
    assert [p["id"] for p in picks_of(web, "ali")] == [alis_pick["id"]]
    # and her own page never shows Ali's wishes
    assert wishes_of(web, "mette") == []
    assert 'aria-pressed="true"' not in web.get("mette", page_url(web)).text
    # the planner has no staff pages
    assert web.get("planner", page_url(web)).status_code == 403


def test_unknown_period_or_day_is_a_404_page(web: Web) -> None:
    assert web.get("mette", "/web/me/periods/999").status_code == 404
    assert web.post("mette", day_url(web, "2027-04-01"), {"do": "veto::"}).status_code == 404
    assert wishes_of(web, "mette") == []


# ---- favourite routes -------------------------------------------------------------------------------


def test_favourite_routes_are_ranked_and_stored_in_order(web: Web) -> None:
    world = web.world
    for code, name in (("uldum-2", "Uldum 2"), ("hedensted-1", "Hedensted 1")):
        route = {"code": code, "name": name, "district": "Uldum", "shifts": ["dag"]}
        ok(world.post("planner", f"/teams/{world.team}/routes", json=route), 201)
    stored = f"/staff/{world.staff['mette']}"
    page = web.get("mette", "/web/me/routes")
    assert page.status_code == 200 and "Ingen yndlingsruter endnu" in text_of(page.text)

    assert web.post("mette", "/web/me/routes", {"action": "add:uldum-2"}).status_code == 303
    form = {"routes": ["uldum-2"], "action": "add:hedensted-1"}
    response = web.htmx("mette", "POST", "/web/me/routes", data=form)
    assert response.status_code == 200 and "Gemt: 1. Uldum 2, 2. Hedensted 1" in text_of(response.text)
    assert ok(world.get("planner", stored))["favourite_routes"] == ["uldum-2", "hedensted-1"]

    form = {"routes": ["uldum-2", "hedensted-1"], "action": "up:hedensted-1"}
    web.htmx("mette", "POST", "/web/me/routes", data=form)
    assert ok(world.get("planner", stored))["favourite_routes"] == ["hedensted-1", "uldum-2"]
    ranking = text_of(web.get("mette", "/web/me/routes").text)
    assert ranking.index("Hedensted 1") < ranking.index("Uldum 2") < ranking.index("Andre ruter")

    form = {"routes": ["hedensted-1", "uldum-2"], "action": "remove:uldum-2"}
    web.post("mette", "/web/me/routes", form)
    assert ok(world.get("planner", stored))["favourite_routes"] == ["hedensted-1"]


def test_an_unknown_route_code_is_refused_with_a_message_and_nothing_stored(web: Web) -> None:
    response = web.post("mette", "/web/me/routes", {"routes": ["uldum-1", "nope"]})
    assert response.status_code == 422
    assert "Ruten nope findes ikke i dit team" in text_of(response.text)
    assert 'aria-describedby="fav-error"' in response.text
    twice = web.post("mette", "/web/me/routes", {"routes": ["uldum-1", "uldum-1"]})
    assert twice.status_code == 422 and "står to gange" in text_of(twice.text)
    assert ok(web.world.get("planner", f"/staff/{web.world.staff['mette']}"))["favourite_routes"] == []


# ---- my rota ----------------------------------------------------------------------------------------


def test_before_publishing_the_rota_page_says_so(web: Web) -> None:
    response = web.get("mette", f"{page_url(web)}/rota")
    assert response.status_code == 200
    assert "Vagtplanen for perioden er ikke offentliggjort endnu" in text_of(response.text)
    assert web.get("mette", f"{page_url(web)}/calendar.ics").status_code == 404


def test_published_rota_lists_her_shifts_the_calendar_file_and_why_a_wish_was_not_granted(web: Web) -> None:
    world = web.world
    # Mette and Ali both want the one route slot on Tuesday: only one of them can have it.
    for who in ("mette", "ali"):
        body = {
            "staff_id": world.staff[who],
            "date": TUESDAY,
            "kind": "want",
            "shift": "dag",
            "route": "uldum-1",
        }
        ok(world.post(who, f"/periods/{world.period}/wishes", json=body), 201)
    rota = solve_period(world, publish=True)
    checked(world, rota["id"])
    on_route = {a["staff"] for a in rota["assignments"] if a["date"] == TUESDAY and a["route"] == "uldum-1"}
    assert len(on_route) == 1
    winner = on_route.pop()
    loser = "ali" if winner == "mette" else "mette"

    for who in ("mette", "ali"):
        response = web.get(who, f"{page_url(web)}/rota")
        assert response.status_code == 200
        text = text_of(response.text)
        mine = [a for a in rota["assignments"] if a["staff"] == who]
        assert f"({len(mine)} vagter)" in text
        shown = re.findall(
            r'<span class="date">([^<]+)</span>\s*<span class="shift-name[^"]*">([^<]+)<', response.text
        )
        names = {"dag": "Dagvagt", "aften": "Aftenvagt"}
        expected = [(a["date"], names[a["shift"]]) for a in sorted(mine, key=lambda a: a["date"])]
        assert [(DAYS[d], s) for d, s in expected] == shown
        sentence = "tirsdag 2. marts: du ønskede Dagvagt (Uldum 1), men det kunne ikke lade sig gøre"
        fulfilment = next(f for f in rota["fulfilment"] if f["staff"] == who)
        assert f"{fulfilment['granted']} af dine {fulfilment['made']} ønsker" in text
        if who == loser:
            assert sentence in text
            assert "wanted" not in text and "not given" not in text  # no English line under the Danish
        else:
            assert sentence not in text and "Alle dine ønsker blev opfyldt" in text

    response = web.get("mette", f"{page_url(web)}/calendar.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    hers = sorted(a["date"] for a in rota["assignments"] if a["staff"] == "mette")
    assert sorted(e.decoded("DTSTART").date().isoformat() for e in events) == hers
    assert all("-mette-" in str(e["UID"]) for e in events)
    # the home page links the published rota
    assert f"{page_url(web)}/rota" in web.get("mette", "/web/me").text


# ---- days off, the person's rules and refusals in words (issue 10: 1, 2, 3, 14, 15) ------------------


def change_staff(web: Web, who: str, **changes: Any) -> None:
    url = f"/staff/{web.world.staff[who]}"
    body = {k: v for k, v in ok(web.world.get("planner", url)).items() if k not in ("id", "team_id")}
    ok(web.world.put("planner", url, json={**body, **changes}))


SATURDAY = (START + dt.timedelta(days=5)).isoformat()
SUNDAY = (START + dt.timedelta(days=6)).isoformat()


def test_absences_and_fixed_days_off_show_with_their_reason_and_offer_nothing_to_take(web: Web) -> None:
    change_staff(
        web,
        "mette",
        absences=[
            {"start": WEDNESDAY, "end": WEDNESDAY, "reason": "Kursus: sårpleje"},
            {"start": SATURDAY, "end": SUNDAY, "reason": "Ferie (påske)"},
        ],
        weekdays_off=[3],  # Thursday
    )
    html = web.get("mette", page_url(web)).text
    wednesday = card_html(html, WEDNESDAY)
    assert "Fravær" in day_card(html, WEDNESDAY)
    assert "Kursus: sårpleje. Du har ingen vagter denne dag." in day_card(html, WEDNESDAY)
    assert 'name="do"' not in wednesday  # no claim, want, avoid or veto buttons
    assert "Ferie (påske), 6. marts – 7. marts. Du har ingen vagter denne dag." in day_card(html, SUNDAY)
    assert "Hver torsdag er en fast fridag for dig." in day_card(html, THURSDAY)
    assert 'name="do"' not in card_html(html, THURSDAY)
    assert 'value="claim:dag:uldum-1"' in card_html(html, TUESDAY)  # a working day is as before

    # a page from before the absence was entered: the taps are refused with the reason
    refused = web.htmx("mette", "POST", day_url(web, WEDNESDAY), data={"do": "claim:dag:uldum-1"})
    assert refused.status_code == 409
    assert "Fravær ons. 3. mar. (Kursus: sårpleje): ingen vagt den dag." in text_of(refused.text)
    want = web.post("mette", day_url(web, SATURDAY), {"do": "want:dag:"})
    assert want.status_code == 409
    assert "Fravær lør. 6. mar. – søn. 7. mar. (Ferie (påske)): ingen vagter i den tid." in day_card(
        want.text, SATURDAY
    )
    weekday = web.htmx("mette", "POST", day_url(web, THURSDAY), data={"do": "claim:aften:"})
    assert "Hver torsdag er en fast fridag: ingen vagt den dag." in text_of(weekday.text)
    assert picks_of(web, "mette") == [] and wishes_of(web, "mette") == []

    web.get("mette", "/web/language/en?back=/web/me")
    english = web.get("mette", page_url(web)).text
    assert "Kursus: sårpleje. You have no shifts on this day." in day_card(english, WEDNESDAY)
    assert "Absence" in day_card(english, WEDNESDAY)


def test_a_veto_made_before_an_absence_can_still_be_taken_back(web: Web) -> None:
    assert web.post("mette", day_url(web, WEDNESDAY), {"do": "veto::"}).status_code == 303
    change_staff(web, "mette", absences=[{"start": WEDNESDAY, "end": WEDNESDAY, "reason": "Ferie"}])
    html = web.get("mette", page_url(web)).text
    (veto,) = wishes_of(web, "mette")
    assert button_value(html, f"b-{WEDNESDAY}-veto") == f"unveto::{veto['id']}.1"
    web.post("mette", day_url(web, WEDNESDAY), {"do": f"unveto::{veto['id']}.1"})
    assert wishes_of(web, "mette") == []
    assert f'id="b-{WEDNESDAY}-veto"' not in web.get("mette", page_url(web)).text


def test_a_claim_that_breaks_the_daily_rest_is_refused_in_danish(web: Web) -> None:
    assert web.htmx("mette", "POST", day_url(web, WEDNESDAY), data={"do": "claim:dag:"}).status_code == 200
    late = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": "claim:aften:"})
    assert late.status_code == 409
    card = day_card(late.text, TUESDAY)
    rest = "Kun 8 timer hvile mellem Aftenvagt tirs. 2. mar. og Dagvagt ons. 3. mar.: der skal være mindst"
    assert f"{rest} 11 timer." in card
    assert "du har taget" not in text_of(late.text)
    assert [(p["date"], p["shift"]) for p in picks_of(web, "mette")] == [(WEDNESDAY, "dag")]
    web.get("mette", "/web/language/en?back=/web/me")
    english = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": "claim:aften:"})
    assert "Only 8 hours rest between Aftenvagt Tue, Mar 2 and Dagvagt Wed, Mar 3" in text_of(english.text)


def test_a_veto_on_a_claimed_day_is_refused_and_the_card_stays_true(web: Web) -> None:
    web.htmx("mette", "POST", day_url(web, WEDNESDAY), data={"do": "claim:dag:uldum-1"})
    refused = web.htmx("mette", "POST", day_url(web, WEDNESDAY), data={"do": "veto::"})
    assert refused.status_code == 409
    card = day_card(refused.text, WEDNESDAY)
    assert "Du har taget Dagvagt (Uldum 1) den dag: giv vagten fri, før dagen kan blive en vetodag." in card
    assert "Vetodag: du har fri" not in card and "Du har taget denne vagt (Uldum 1)" in card
    assert wishes_of(web, "mette") == []


def test_the_veto_limit_warning_leaves_every_card_once_a_veto_day_is_free(web: Web) -> None:
    for day in (TUESDAY, WEDNESDAY):
        web.htmx("mette", "POST", day_url(web, day), data={"do": "veto::"})
    refused = web.htmx("mette", "POST", day_url(web, THURSDAY), data={"do": "veto::"})
    assert refused.status_code == 409
    warning = re.search(
        r'<div class="veto-note"><p class="day-error"[^>]*>.*?</p></div>',
        card_html(refused.text, THURSDAY),
        re.S,
    )
    assert warning and "Du har brugt alle 2 vetodage" in warning.group(0)
    clear_all = '<div class="veto-note" hx-swap-oob="innerHTML:.veto-note"></div>'
    assert clear_all not in refused.text  # the warning is true: no veto day left
    # a change that leaves no veto day free keeps the warnings (they are still true) …
    want = web.htmx("mette", "POST", day_url(web, FRIDAY), data={"do": "want:dag:"})
    assert want.status_code == 200 and clear_all not in want.text
    # … taking a veto back empties every card's warning, not just the card tapped
    (veto,) = [w for w in wishes_of(web, "mette") if w["date"] == TUESDAY]
    back = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": f"unveto::{veto['id']}.1"})
    assert back.status_code == 200 and clear_all in back.text
    # a full page never shows a warning of a tap it did not answer
    assert "Du har brugt alle" not in web.get("mette", page_url(web)).text


def test_routes_without_the_skills_are_not_offered_to_rank_or_to_take(web: Web) -> None:
    world = web.world
    route = {"code": "sygepleje", "name": "Sygepleje", "shifts": ["dag"], "skills": ["sygeplejerske"]}
    ok(world.post("planner", f"/teams/{world.team}/routes", json=route), 201)
    page = web.get("mette", "/web/me/routes")
    assert "Uldum 1" in text_of(page.text) and "Sygepleje" not in text_of(page.text)
    assert 'value="add:sygepleje"' not in page.text
    refused = web.post("mette", "/web/me/routes", {"routes": ["uldum-1"], "action": "add:sygepleje"})
    assert refused.status_code == 409
    assert "Ruten Sygepleje kræver kompetencen sygeplejerske." in text_of(refused.text)
    assert ok(world.get("planner", f"/staff/{world.staff['mette']}"))["favourite_routes"] == []

    calendar = web.get("mette", page_url(web)).text
    card = card_html(calendar, TUESDAY)
    assert 'value="claim:dag:sygepleje"' not in card and 'value="claim:dag:uldum-1"' in card
    assert "kræver kompetencer, du ikke har" in day_card(calendar, TUESDAY)
    tapped = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": "claim:dag:sygepleje"})
    assert tapped.status_code == 409 and "Ruten Sygepleje kræver kompetencen sygeplejerske." in text_of(
        tapped.text
    )
    assert picks_of(web, "mette") == []


# ---- the demo team, as the issue found it (`pusleplan init-demo`, examples/uldum.json) -----------------


@pytest.fixture
def demo(engine: Engine) -> Iterator[tuple[TestClient, int]]:
    """The example team as `init-demo` loads it (period open), every account with the test password."""
    problem = Problem.model_validate_json((EXAMPLES / "uldum.json").read_text())
    with Session(engine, expire_on_commit=False) as session:
        made = load_demo(session, problem, name="Uldum", planner_password=PASSWORD, staff_password=PASSWORD)
        session.commit()
    assert made.period.id is not None
    with TestClient(create_app(engine, InlineQueue(engine)), follow_redirects=False) as client:
        yield client, made.period.id


def _signed_in(client: TestClient, who: str) -> str:
    client.cookies.clear()
    assert client.post("/web/sign-in", data={"username": who, "password": PASSWORD}).status_code == 303
    return csrf_token(client.cookies[SESSION_COOKIE])


def test_the_demo_team_shows_karens_course_and_mettes_easter_and_refuses_claims_on_them(
    demo: tuple[TestClient, int],
) -> None:
    client, period = demo
    url = f"/web/me/periods/{period}"
    csrf = _signed_in(client, "karen.m")
    html = client.get(url).text
    course = "2027-03-10"
    assert "Kursus: sårpleje. Du har ingen vagter denne dag." in day_card(html, course)
    assert "Tag Uldum 1" not in day_card(html, course) and "Tag Uldum 1" in day_card(html, "2027-03-11")
    taken = client.post(f"{url}/days/{course}", data={"csrf": csrf, "do": "claim:dag:uldum-1"})
    assert taken.status_code == 409
    assert "Fravær ons. 10. mar. (Kursus: sårpleje): ingen vagt den dag." in day_card(taken.text, course)

    csrf = _signed_in(client, "mette.k")
    html = client.get(url).text
    for n in range(20, 29):
        card = day_card(html, f"2027-03-{n}")
        assert "Ferie (påske), 20. marts – 28. marts. Du har ingen vagter denne dag." in card
    # Dagvagt on 10 March, then Aftenvagt 9 March (15–23): 8 h of rest
    assert client.post(f"{url}/days/2027-03-10", data={"csrf": csrf, "do": "claim:dag:"}).status_code == 303
    late = client.post(f"{url}/days/2027-03-09", data={"csrf": csrf, "do": "claim:aften:"})
    assert late.status_code == 409
    assert "Kun 8 timer hvile mellem Aftenvagt tirs. 9. mar. og Dagvagt ons. 10. mar." in day_card(
        late.text, "2027-03-09"
    )


def _asked(html: str) -> str:
    match = re.search(r'<p id="asked"[^>]*>(.*?)</p>', html, flags=re.S)
    assert match, "no summary of what was asked for"
    return text_of(match.group(1))


def test_the_calendar_sums_up_what_she_asked_for_and_jumps_to_a_week(web: Web) -> None:
    html = web.get("mette", page_url(web)).text
    assert _asked(html).startswith("Indtil nu: 0 ønskede vagter, 0 at undgå, 0 vetodage, 0 selvvalgte vagter")
    weeks = re.findall(r'<nav aria-label="Uger" class="week-links">(.*?)</nav>', html, flags=re.S)
    assert weeks and re.findall(r'href="#(week-\d+-\d+)"', weeks[0]) == re.findall(
        r'<h2 id="(week-\d+-\d+)"', html
    )
    want = button_value(html, f"b-{TUESDAY}-want-dag")
    response = web.htmx("mette", "POST", day_url(web, TUESDAY), data={"do": want})
    # the summary comes along with the day's card, so the top of the page stays true
    assert '<p id="asked" class="asked" hx-swap-oob="true">' in response.text
    assert _asked(response.text).startswith("Indtil nu: 1 ønskede vagter, 0 at undgå, 0 vetodage")
    assert _asked(web.get("mette", page_url(web)).text).startswith("Indtil nu: 1 ønskede vagter")


def test_her_published_rota_by_week_shows_days_off_colleagues_and_hours_against_the_contract(
    web: Web,
) -> None:
    world = web.world
    contract = {"weekly_hours": 30}
    body = {"code": "mette", "name": "Mette", "skills": ["sosu-assistent"], "contract": contract}
    ok(world.put("planner", f"/staff/{world.staff['mette']}", json=body))
    rota = solve_period(world, publish=True)
    checked(world, rota["id"])
    html = web.get("mette", f"{page_url(web)}/rota").text
    text = text_of(html)
    mine = {a["date"]: a for a in rota["assignments"] if a["staff"] == "mette"}
    # every day of the period is there: a shift, or "Fri"
    assert len(re.findall(r'<span class="date">', html)) == 7
    assert len(re.findall(r'<span class="off">Fri</span>', html)) == 7 - len(mine)
    # on each of her shifts, the colleagues on the same shift by name (never by code)
    names = {"mette": "Mette", "ali": "Ali", "sara": "Sara"}
    for day, a in mine.items():
        others = sorted(
            names[b["staff"]]
            for b in rota["assignments"]
            if b["date"] == day and b["shift"] == a["shift"] and b["staff"] != "mette"
        )
        if others:
            assert f"Sammen med: {', '.join(others)}" in text
    hours = 8 * len(mine)
    assert re.search(rf"Uge \d+ {hours} timer \(kontrakt 30\)", text), text
