"""Issue 13's "Done when", walked in a real browser (Chromium via Playwright; staff on phones, the planner
on a laptop, Danish) with a real SMTP server on 127.0.0.1 and the subscribed calendars fetched as a
phone's calendar does (no sign-in, the secret URL only):

publish → Mette offers her Saturday → Jonas sees it (Anne, whose Friday evening shift leaves her 8 hours'
rest before it, does not) → Jonas takes it → the planner approves → both are told by e-mail and in the
app → both calendars show the change → Karen reports sick for Thursday → the planner re-plans from
Thursday, sees who changes and publishes → exactly those people are told. Every rota the period stores
passes the checker. Skipped without a `chromium` command, except under `PUSLEPLAN_REQUIRE_BROWSER=1`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from babel.dates import format_date
from icalendar import Calendar
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
from service.smtp import Received, SmtpServer
from sqlmodel import Session, col, select

from planner import mapping, outbox
from planner.models import Notification, Rota, User
from planner.services.versions import apply_cells, live_problem, with_locks_moved
from solver import check
from solver.families import Family
from web.browser import DESKTOP, PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

TEAM = (("mette", "Mette"), ("jonas", "Jonas"), ("anne", "Anne"), ("karen", "Karen"))
MAIL = {code: f"{code}@hjemmeplejen.example.dk" for code, _ in TEAM} | {"planner": "planlaegger@example.dk"}
THURSDAY, FRIDAY, SATURDAY = (START + dt.timedelta(days=n) for n in (3, 4, 5))


def said(day: dt.date) -> str:
    """A date as the Danish texts write it ("6. marts 2027")."""
    return format_date(day, "long", locale="da")


@pytest.fixture
def world(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine, people=TEAM)


def publish_with_locks(w: World) -> dict[str, Any]:
    """The rota the walk needs, solved (and re-solved with these cells fixed) by the solver, published:
    Mette on Saturday's day shift, Anne on Friday's evening shift and off Saturday, Jonas off Thursday
    to Saturday, Karen on Thursday's day shift."""
    day_shift = {"action": "change", "shift": "dag", "route": "uldum-1"}
    cells = [
        ("mette", SATURDAY, day_shift),
        ("karen", THURSDAY, day_shift),
        ("anne", FRIDAY, {"action": "change", "shift": "aften"}),
        ("anne", SATURDAY, {"action": "clear"}),
        *(("jonas", d, {"action": "clear"}) for d in (THURSDAY, FRIDAY, SATURDAY)),
    ]
    return published_with_cells(w, cells)


def current(w: World) -> dict[str, Any]:
    return ok(w.get("planner", f"/periods/{w.period}/rota"))


def cells(rota: dict[str, Any], who: str) -> set[tuple[dt.date, str]]:
    return {(dt.date.fromisoformat(a["date"]), a["shift"]) for a in rota["assignments"] if a["staff"] == who}


@dataclass(frozen=True)
class Event:
    day: dt.date
    shift: str
    summary: str
    sequence: int
    cancelled: bool


def feed(url: str) -> dict[str, Event]:
    """The subscribed calendar as a phone fetches it (no cookie, no sign-in), by UID."""
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    out = {}
    for e in Calendar.from_ical(response.content).walk("VEVENT"):
        uid = str(e["uid"])
        start = e.decoded("dtstart")
        assert str(start.tzinfo) == "Europe/Copenhagen"
        out[uid] = Event(
            start.date(),
            uid.split("@")[0].rsplit("-", 1)[1],
            str(e["summary"]),
            int(e.decoded("sequence")),
            str(e.get("status", "")) == "CANCELLED",
        )
    return out


def shown(events: dict[str, Event]) -> set[tuple[dt.date, str]]:
    """What the phone's calendar shows: the events that are not cancelled."""
    return {(e.day, e.shift) for e in events.values() if not e.cancelled}


def uid(who: str, day: dt.date, shift: str) -> str:
    return f"{who}-{day.isoformat()}-{shift}@127.0.0.1"


def make_calendar_link(page: Any, base: str) -> str:
    """The person makes their calendar link on "Min kalender på telefonen" and copies it."""
    page.goto(f"{base}/web/me/calendar")
    page.get_by_role("button", name="Lav mit kalenderlink").click()
    page.get_by_text("Kopiér linket nu").wait_for()
    url: str = page.locator("#feed-url").input_value()
    assert re.fullmatch(rf"{re.escape(base)}/calendar/[\w-]+\.ics", url), url
    return url


def set_email(page: Any, base: str, address: str) -> None:
    """The person writes their e-mail address on "Min konto" and saves."""
    page.goto(f"{base}/web/me/account")
    page.get_by_label("E-mailadresse").fill(address)
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(re.compile(r"/web/me/account\?saved=1$"))


def user_ids(w: World) -> dict[int, str]:
    with Session(w.engine) as session:
        return {u.id: u.username for u in session.exec(select(User)) if u.id is not None}


def notifications_since(w: World, after: int) -> list[tuple[str, str]]:
    """(user name, kind) of every in-app notification stored after id `after`."""
    names = user_ids(w)
    with Session(w.engine) as session:
        rows = session.exec(select(Notification).where(col(Notification.id) > after)).all()
    return sorted((names[n.user_id], n.kind) for n in rows)


def last_notification(w: World) -> int:
    with Session(w.engine) as session:
        ids = session.exec(select(Notification.id)).all()
    return max((i for i in ids if i is not None), default=0)


def unread_badge(page: Any) -> int:
    """The number on "Notifikationer" in the menu (0 without a badge)."""
    badge = page.locator("#menu-notifications .badge")
    return int(badge.inner_text().split()[0]) if badge.count() else 0


def rest_is_why(w: World, rota: dict[str, Any], taker: str, giver: str, day: dt.date) -> None:
    """The checker, on the published rota with `taker` on `giver`'s shift of `day`: it breaks only the
    taker's rest (daily rest after their evening shift the day before; perhaps the weekly rest too)."""
    with Session(w.engine) as session:
        stored = session.get(Rota, rota["id"])
        assert stored is not None
        problem = live_problem(session, stored)
        before = mapping.rota_assignments(stored)
    theirs = next(a for a in before if a.staff == giver and a.date == day)
    changes = {(giver, day): None, (taker, day): (theirs.shift, theirs.route)}
    # (a recorded change moves the planner's locks on its cells along, as the service does)
    broken = check.violations(with_locks_moved(problem, changes), apply_cells(before, changes))
    assert broken, "taking it would break nothing: the walk needs a colleague it would break a rule for"
    assert {(v.staff, v.rule) for v in broken} <= {(taker, Family.SUCCESSION), (taker, Family.WEEKLY_REST)}
    daily = [v for v in broken if v.rule == Family.SUCCESSION]
    assert daily and daily[0].date == day - dt.timedelta(days=1) and "rest" in daily[0].message, broken


def test_issue_13_walk_with_email_calendars_and_every_version_checked(
    world: World, smtp_server: SmtpServer, browser: Any
) -> None:
    w = world
    with live_server(w.engine, outbox_worker=False) as base:  # the test runs the outbox rounds itself
        phones: dict[str, Any] = {}
        for code, _ in TEAM:  # everyone signs in on their phone and gives an e-mail address
            phones[code] = browser.new_context(**PHONE).new_page()
            sign_in(phones[code], base, code, PASSWORD)
            set_email(phones[code], base, MAIL[code])
        planner = browser.new_context(**DESKTOP).new_page()
        sign_in(planner, base, "planner", PASSWORD)
        set_email(planner, base, MAIL["planner"])
        mette, jonas, anne, karen = (phones[c] for c, _ in TEAM)

        # ---- publish; Mette and Jonas subscribe to their calendars -----------------------------------
        published = publish_with_locks(w)
        assert (SATURDAY, "dag") in cells(published, "mette") and (SATURDAY, "aften") in cells(
            published, "karen"
        )
        assert not any(d == SATURDAY for d, _ in cells(published, "jonas") | cells(published, "anne"))
        links = {who: make_calendar_link(phones[who], base) for who in ("mette", "jonas")}
        before = {who: feed(url) for who, url in links.items()}
        for who in links:
            assert shown(before[who]) == cells(published, who)
            assert all(e.sequence == 0 for e in before[who].values())
        saturday = before["mette"][uid("mette", SATURDAY, "dag")]
        assert saturday.summary == "Dagvagt — Uldum 1" and not saturday.cancelled

        # ---- Mette offers her Saturday on her phone --------------------------------------------------
        mark = last_notification(w)
        mette.goto(f"{base}/web/me")
        mette.get_by_role("button", name="Byt eller giv en vagt væk").click()
        mette.get_by_label("Min vagt").select_option(f"{w.period}:{SATURDAY.isoformat()}")
        mette.get_by_label("Besked (valgfri)").fill("Jeg skal til bryllup")
        mette.get_by_label("Besked (valgfri)").press("Enter")
        mette.get_by_text("Din vagt er tilbudt").wait_for()
        # Jonas is told of it; Anne (her rest) and Karen (Saturday's evening shift) are not
        assert notifications_since(w, mark) == [("jonas", "shift_offer")]

        # ---- Anne does not see it, and the checker says why: her rest --------------------------------
        anne.goto(f"{base}/web/me/exchange")
        assert "Fra Mette" not in anne.locator("section[aria-labelledby=available-h]").inner_text()
        rest_is_why(w, published, "anne", "mette", SATURDAY)

        # ---- Jonas sees it, with his hours, and takes it ---------------------------------------------
        jonas.goto(f"{base}/web/me/exchange")
        offer = jonas.locator("section[aria-labelledby=available-h] article", has_text="Fra Mette")
        assert "Dine timer i perioden" in offer.inner_text()
        offer.get_by_role("button", name="Tag vagten").click()
        jonas.get_by_text("Den er din, når planlæggeren godkender").wait_for()

        # ---- the planner approves on the laptop ------------------------------------------------------
        planner.goto(f"{base}/web/periods/{w.period}/changes")
        planner.get_by_role("button", name="Godkend").click()
        planner.get_by_text("Ingen vagtbytter venter på din godkendelse.").wait_for()
        swapped = current(w)
        assert swapped["from_rota"] == published["id"]
        assert (SATURDAY, "dag") in cells(swapped, "jonas")
        assert (SATURDAY, "dag") not in cells(swapped, "mette")

        # ---- both are told: by e-mail (the outbox round the service runs every 30 s) … ---------------
        outbox.run_once(w.engine)
        subject = f"Godkendt: Dagvagt den {said(SATURDAY)} går fra Mette til Jonas"
        for who in ("mette", "jonas"):
            approved = [m for m in smtp_server.to(MAIL[who]) if m.subject == subject]
            assert len(approved) == 1, [m.subject for m in smtp_server.to(MAIL[who])]
            body = approved[0].body
            assert f"Dagvagt den {said(SATURDAY)} går fra Mette til Jonas. Vagtplanen er ændret." in body
            assert "http://pusleplan.test/web/me/changes" in body
        assert sorted(r for m in smtp_server.received if m.subject == subject for r in m.recipients) == [
            MAIL["jonas"],
            MAIL["mette"],
        ]

        # … and in the app: the number in the menu, the notice unread at the top of the list
        for who in ("mette", "jonas"):
            page = phones[who]
            page.goto(f"{base}/web/me/notifications")
            unread = ok(w.get(who, "/me/notifications"))["unread"]
            assert unread >= 1 and unread_badge(page) == unread
            first = page.locator("article.notification").first
            assert subject in first.inner_text() and "unread" in (first.get_attribute("class") or "")

        # ---- both calendars show the change ------------------------------------------------------------
        after = {who: feed(url) for who, url in links.items()}
        gone = after["mette"][uid("mette", SATURDAY, "dag")]
        assert gone.cancelled and gone.sequence > saturday.sequence
        taken = after["jonas"][uid("jonas", SATURDAY, "dag")]
        assert not taken.cancelled and taken.summary == "Dagvagt — Uldum 1"
        for who in links:
            assert shown(after[who]) == cells(swapped, who)
            for key, event in before[who].items():  # nothing else moved: the same events, unchanged
                if key != uid("mette", SATURDAY, "dag"):
                    assert after[who][key] == event

        # ---- Karen reports sick for Thursday from her phone ------------------------------------------
        karen.goto(f"{base}/web/me/sick")
        karen.get_by_label("Syg fra").fill(THURSDAY.isoformat())
        karen.get_by_role("button", name="Meld syg").click()
        karen.get_by_text("God bedring").wait_for()
        holed = current(w)
        assert holed["from_rota"] == swapped["id"]
        assert cells(holed, "karen") == {c for c in cells(swapped, "karen") if c[0] != THURSDAY}
        assert (THURSDAY, "dag") in cells(swapped, "karen")

        # ---- the planner re-plans from Thursday, sees who changes, publishes -------------------------
        planner.goto(f"{base}/web/periods/{w.period}/changes")
        planner.get_by_label("Planlæg om fra", exact=True).fill(THURSDAY.isoformat())
        planner.get_by_label("Tidsgrænse (sekunder)").fill("2")
        planner.get_by_role("button", name="Planlæg om", exact=True).click()
        planner.get_by_role("button", name="Se hvem der ændres").click(timeout=90_000)
        planner.wait_for_url(re.compile(r"/web/rotas/\d+/replan$"))
        draft = int(planner.url.rsplit("/", 2)[1])
        diff = ok(w.get("planner", f"/rotas/{draft}/replan-diff"))
        changed = {person["staff"] for person in diff["people"]}
        assert changed, "the re-plan filled Karen's Thursday without changing anyone's shifts?"
        assert diff["unfilled"]["draft"] < diff["unfilled"]["current"]
        page_text = planner.locator("main").inner_text()
        assert "Omplanlægning: hvem ændres" in page_text
        for person in diff["people"]:
            assert person["name"] in page_text
            assert all(cell["date"] >= THURSDAY.isoformat() for cell in person["cells"])

        outbox.run_once(w.engine)  # what was due before (the sickness' notices) is sent first
        (sick,) = [m for m in smtp_server.to(MAIL["planner"]) if m.subject.startswith("Karen er syg")]
        assert sick.subject == f"Karen er syg fra {said(THURSDAY)}"
        mark, mails_before = last_notification(w), len(smtp_server.received)
        planner.get_by_role("button", name="Offentliggør som den nye vagtplan").click()
        planner.wait_for_url(re.compile(rf"/web/rotas/{draft}$"))
        final = current(w)
        assert final["id"] == draft and final["from_rota"] == holed["id"]

        # ---- exactly those people are told: in the app and by e-mail ---------------------------------
        assert notifications_since(w, mark) == sorted((who, "shifts_changed") for who in changed)
        outbox.run_once(w.engine)
        new: list[Received] = smtp_server.received[mails_before:]
        assert sorted(r for m in new for r in m.recipients) == sorted(MAIL[who] for who in changed)
        for person in diff["people"]:
            (message,) = [m for m in new if m.recipients == [MAIL[person["staff"]]]]
            assert message.subject == "Dine vagter i uge 9 er ændret"
            first = min(dt.date.fromisoformat(c["date"]) for c in person["cells"])
            assert f"Dine vagter i uge 9 er ændret fra {said(first)}." in message.body
            page = phones[person["staff"]]
            page.goto(f"{base}/web/me/notifications")
            first_shown = page.locator("article.notification").first
            assert "Dine vagter i uge 9 er ændret" in first_shown.inner_text()
            assert "unread" in (first_shown.get_attribute("class") or "")
            assert unread_badge(page) == ok(w.get(person["staff"], "/me/notifications"))["unread"]

        # the calendars follow the re-plan too
        for who, url in links.items():
            assert shown(feed(url)) == cells(final, who)

    # ---- every rota the period stores passes the checker, with the objective stored -------------------
    with Session(w.engine) as session:
        rotas = session.exec(select(Rota).where(Rota.period_id == w.period).order_by(col(Rota.id))).all()
    states = [r.state for r in rotas]
    assert states.count("published") == 1 and states.count("superseded") == 3  # publish, swap, sickness
    for rota in rotas:
        assert rota.id is not None
        checked(w, rota.id)
