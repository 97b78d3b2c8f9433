"""Calendars that stay current (issue 13): a secret subscription URL per account serves the team's
current published rota; the feed is parsed before and after a re-publish that moves a shift: stable
UIDs per (person, date, shift), SEQUENCE and LAST-MODIFIED raised where a shift changed, a shift no
longer worked is a cancelled event; renewing revokes the old URL; nobody else's calendar is reachable."""

from __future__ import annotations

from typing import Any

from icalendar import Calendar
from sqlmodel import Session, select

from planner.models import CalendarFeed
from service.helpers import World, ok, solve_period


def _events(world: World, url: str) -> dict[str, Any]:
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = world.client.get("/" + path)  # no sign-in: the URL is the key
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _published_cells(world: World, rota: dict[str, Any], who: str) -> set[tuple[str, str]]:
    return {(a["date"], a["shift"]) for a in rota["assignments"] if a["staff"] == who}


def test_the_feed_follows_a_republished_rota(world: World) -> None:
    draft = solve_period(world, publish=True)
    feed = ok(world.post("mette", "/me/calendar-feed"), 201)
    assert feed["webcal"].startswith("webcal://") and feed["webcal"].endswith(".ics")
    assert feed["url"].split("://", 1)[1] == feed["webcal"].split("://", 1)[1]
    with Session(world.engine) as session:  # only the hash is stored
        row = session.exec(select(CalendarFeed)).one()
    assert row.token_hash not in feed["url"] and feed["url"].split("/")[-1][:-4] != row.token_hash

    before = _events(world, feed["webcal"])
    mine = _published_cells(world, draft, "mette")
    assert {
        (str(e.decoded("dtstart").date()), uid.split("-")[-1].split("@")[0]) for uid, e in before.items()
    } == {(d, s) for d, s in mine}
    assert all(e["sequence"] == 0 and "status" not in e for e in before.values())
    assert all(str(e.decoded("dtstart").tzinfo) == "Europe/Copenhagen" for e in before.values())

    # The planner moves one of Mette's shifts to a day off, re-solves from the draft and re-publishes.
    day, shift = sorted(mine)[0]
    off = next(
        a["date"]
        for a in ok(world.get("planner", f"/rotas/{draft['id']}"))["coverage"]
        if a["date"] not in {d for d, _ in mine}
    )
    ok(
        world.put(
            "planner", f"/rotas/{draft['id']}/cells/{world.staff['mette']}/{day}", json={"action": "clear"}
        )
    )
    ok(
        world.put(
            "planner",
            f"/rotas/{draft['id']}/cells/{world.staff['mette']}/{off}",
            json={"action": "change", "shift": shift},
        )
    )
    job = ok(
        world.post(
            "planner",
            f"/periods/{world.period}/solve",
            json={"time_limit": 2, "workers": 1, "from_rota": draft["id"]},
        ),
        202,
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    ok(world.post("planner", f"/rotas/{job['rota_id']}/publish"))
    second = ok(world.get("planner", f"/rotas/{job['rota_id']}"))

    after = _events(world, feed["webcal"])
    now = _published_cells(world, second, "mette")
    active = {uid: e for uid, e in after.items() if e.get("status") != "CANCELLED"}
    cancelled = {uid: e for uid, e in after.items() if e.get("status") == "CANCELLED"}
    assert {
        (str(e.decoded("dtstart").date()), uid.split("-")[-1].split("@")[0]) for uid, e in active.items()
    } == now
    moved_away = f"mette-{day}-{shift}@testserver"
    assert moved_away in cancelled and cancelled[moved_away]["sequence"] == 1
    assert f"mette-{off}-{shift}@testserver" in active
    for uid, e in active.items():  # an unchanged shift keeps its UID and sequence
        if uid in before and before[uid].to_ical() == e.to_ical():
            assert e["sequence"] == 0
    assert cancelled[moved_away].decoded("last-modified") >= before[moved_away].decoded("last-modified")

    # Renewing gives a new URL and revokes the old one; revoking ends the new one.
    renewed = ok(world.post("mette", "/me/calendar-feed"), 201)
    assert renewed["url"] != feed["url"]
    assert world.client.get("/" + feed["url"].split("/", 3)[3]).status_code == 404
    assert world.client.get("/" + renewed["url"].split("/", 3)[3]).status_code == 200
    ok(world.delete("mette", "/me/calendar-feed"), 204)
    assert world.client.get("/" + renewed["url"].split("/", 3)[3]).status_code == 404
    assert world.get("mette", "/me/calendar-feed").status_code == 404
    assert world.client.get("/calendar/not-a-token.ics").status_code == 404


def test_the_planners_team_feed_names_everyone_and_staff_get_only_their_own(world: World) -> None:
    rota = solve_period(world, publish=True)
    team = ok(world.post("planner", "/me/calendar-feed"), 201)
    events = _events(world, team["url"])
    assert len(events) == len(rota["assignments"])
    assert {str(e["summary"]).split(":")[0] for e in events.values()} <= {"Mette", "Ali", "Sara"}
    ali = _events(world, ok(world.post("ali", "/me/calendar-feed"), 201)["url"])
    assert all(uid.startswith("ali-") for uid in ali)
    assert ok(world.get("ali", "/me/calendar-feed"))["url"] is None  # never shown again
    # a disabled account's calendar answers nothing, and again once enabled
    path = "/" + team["url"].split("/", 3)[3]
    ali_url = ok(world.post("ali", "/me/calendar-feed"), 201)["url"]
    ali_path = "/" + ali_url.split("/", 3)[3]
    user = next(u for u in ok(world.get("planner", f"/teams/{world.team}/users")) if u["username"] == "ali")
    ok(world.post("planner", f"/users/{user['id']}/disable"))
    assert world.client.get(ali_path).status_code == 404
    assert world.client.get(path).status_code == 200  # the planner's own is untouched
    ok(world.post("planner", f"/users/{user['id']}/enable"))
    assert world.client.get(ali_path).status_code == 200
