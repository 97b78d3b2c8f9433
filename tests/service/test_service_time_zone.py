"""The service plans in Danish time: a night across the October clock change counts its real 9 hours in
the stored rota's minutes, and the .ics ends it at its real instant; the CSV keeps the clock times."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from service.helpers import World, checked, ok

SATURDAY = "2026-10-24"  # the clocks go back at 03:00 on Sunday 25 October 2026


def test_a_night_over_the_october_change_is_nine_hours(world: World) -> None:
    team, sara = world.team, world.staff["sara"]
    night = {"code": "nat", "name": "Nattevagt", "start": "23:00", "minutes": 480}
    ok(world.post("planner", f"/teams/{team}/shift-types", json=night), 201)
    ok(world.post("planner", f"/teams/{team}/cover", json={"shift": "nat", "date": SATURDAY, "need": 1}), 201)
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    body = {"name": "uge 43", "start": "2026-10-19", "days": 7, "deadline": deadline}
    period = ok(world.post("planner", f"/teams/{team}/periods", json=body), 201)["id"]
    ok(world.post("planner", f"/periods/{period}/open"))
    pick = {"staff_id": sara, "date": SATURDAY, "shift": "nat"}
    ok(world.post("sara", f"/periods/{period}/self-picks", json=pick), 201)
    ok(world.post("planner", f"/periods/{period}/close"))
    job = ok(world.post("planner", f"/periods/{period}/solve", json={"time_limit": 2, "workers": 1}), 202)
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    rota = checked(world, job["rota_id"])
    assert rota.problem["horizon"]["time_zone"] == "Europe/Copenhagen"
    assert {"staff": "sara", "date": SATURDAY, "shift": "nat", "route": None} in rota.assignments
    shifts = sum(1 for a in rota.assignments if a["staff"] == "sara")
    [sara_minutes] = [f["minutes"] for f in rota.fulfilment if f["staff"] == "sara"]
    assert sara_minutes == 480 * shifts + 60

    ok(world.post("planner", f"/rotas/{rota.id}/publish"))
    ics = world.get("sara", f"/periods/{period}/staff/{sara}/calendar.ics")
    [event] = [e for e in Calendar.from_ical(ics.content).walk("VEVENT") if "Nattevagt" in str(e["SUMMARY"])]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.isoformat(), end.isoformat()) == ("2026-10-24T23:00:00+02:00", "2026-10-25T07:00:00+01:00")
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=9)
    csv = world.get("planner", f"/rotas/{rota.id}/export.csv").text
    assert f"sara,Sara,{SATURDAY},nat,23:00,07:00," in csv.splitlines()
