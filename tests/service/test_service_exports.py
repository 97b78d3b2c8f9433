"""Exports over HTTP: the rota CSV (team, person, Excel variant) and one person's .ics, parsed back."""

from __future__ import annotations

import csv
import datetime as dt
import io

from icalendar import Calendar

from planner.export import BOM, COLUMNS
from service.helpers import World, ok, solve_period


def test_csv_export_columns_and_variants(world: World) -> None:
    rota = solve_period(world)
    response = world.get("planner", f"/rotas/{rota['id']}/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == len(rota["assignments"])
    assert {r[0] for r in rows[1:]} <= {"mette", "ali", "sara"}
    excel = world.get("planner", f"/rotas/{rota['id']}/export.csv", params={"excel": "true"})
    assert excel.content.decode("utf-8").startswith(BOM + ";".join(COLUMNS) + "\r\n")
    mine = world.get("planner", f"/rotas/{rota['id']}/export.csv", params={"staff_id": world.staff["ali"]})
    people = {r[0] for r in list(csv.reader(io.StringIO(mine.text)))[1:]}
    assert people <= {"ali"}
    # Staff may download the published rota, not a draft.
    assert world.get("ali", f"/rotas/{rota['id']}/export.csv").status_code == 404
    ok(world.post("planner", f"/rotas/{rota['id']}/publish"))
    assert world.get("ali", f"/rotas/{rota['id']}/export.csv").status_code == 200


def test_ics_is_valid_and_holds_the_persons_published_shifts(world: World) -> None:
    rota = solve_period(world, publish=True)
    mette = world.staff["mette"]
    response = world.get("mette", f"/periods/{world.period}/staff/{mette}/calendar.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert b"\r\n" in response.content  # RFC 5545 lines end in CRLF
    cal = Calendar.from_ical(response.content)
    assert cal.name == "VCALENDAR" and cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    shifts = sorted(a["date"] for a in rota["assignments"] if a["staff"] == "mette")
    assert sorted(e.decoded("DTSTART").date().isoformat() for e in events) == shifts
    assert len({str(e["UID"]) for e in events}) == len(events)
    for event in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            assert prop in event, prop
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert isinstance(start, dt.datetime) and start.tzinfo is not None
        assert end - start == dt.timedelta(hours=8)
    assert cal.walk("VTIMEZONE")  # the TZID used by the events is defined in the file
    # The planner may fetch anyone's; without a published rota there is nothing to fetch.
    assert world.get("planner", f"/periods/{world.period}/staff/{mette}/calendar.ics").status_code == 200
    other = ok(
        world.post("planner", f"/teams/{world.team}/periods", json={"start": "2027-04-05", "days": 7}), 201
    )
    assert world.get("mette", f"/periods/{other['id']}/staff/{mette}/calendar.ics").status_code == 404


def test_payroll_hours_reconcile_with_the_rotas_shifts_and_are_the_planners(world: World) -> None:
    """`/rotas/{id}/payroll.csv`: per person a row per ISO week and one for the period, the bands adding
    up to the real minutes of the person's shifts (here: 8-hour shifts, no clock change)."""
    rota = solve_period(world, publish=True)
    response = world.get("planner", f"/rotas/{rota['id']}/payroll.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    shifts = {}
    for a in rota["assignments"]:
        shifts[a["staff"]] = shifts.get(a["staff"], 0) + 8
    period_rows = {r["staff_id"]: r for r in rows if r["week"] == "all"}
    assert {s: float(r["total_hours"]) for s, r in period_rows.items()} == shifts
    for row in rows:
        bands = ("day", "evening", "night", "saturday", "sunday", "holiday")
        assert abs(sum(float(row[f"{b}_hours"]) for b in bands) - float(row["total_hours"])) < 0.011
    excel = world.get("planner", f"/rotas/{rota['id']}/payroll.csv?excel=true")
    assert excel.text.startswith(BOM + "staff_id;staff_name;week;")
    assert world.get("mette", f"/rotas/{rota['id']}/payroll.csv").status_code == 403
