"""The subscription feed's versioning (`planner.calendar.feed_calendar`): a UID per (person, date, shift)
across versions, SEQUENCE and LAST-MODIFIED raised only where a shift changed, a removed shift cancelled
and a restored one active again, and one period's version cancelling nothing of another period."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from planner.calendar import Version, feed_calendar
from solver.problem import Problem
from solver.solution import Assignment


def _problem(start: str) -> Problem:
    return Problem.model_validate(
        {
            "horizon": {"start": start, "days": 7, "time_zone": "Europe/Copenhagen"},
            "shift_types": [{"code": "dag", "name": "Dagvagt", "start": "07:00", "minutes": 480}],
            "routes": [
                {"id": "u1", "name": "Uldum 1", "shifts": ["dag"]},
                {"id": "u2", "name": "Uldum 2", "shifts": ["dag"]},
            ],
            "staff": [{"id": "mette", "name": "Mette"}, {"id": "ali", "name": "Ali"}],
        }
    )


def _at(hour: int) -> dt.datetime:
    return dt.datetime(2027, 2, 1, hour, tzinfo=dt.UTC)


def _cells(*cells: tuple[str, str, str | None]) -> list[Assignment]:
    return [Assignment(staff=s, date=d, shift="dag", route=r) for s, d, r in cells]


def _events(body: bytes) -> dict[str, dict[str, object]]:
    return {
        str(e["uid"]): {
            "seq": int(e["sequence"]),
            "status": str(e.get("status", "")),
            "summary": str(e["summary"]),
            "modified": e.decoded("last-modified"),
        }
        for e in Calendar.from_ical(body).walk("VEVENT")
    }


def test_sequence_and_cancellations_follow_the_versions() -> None:
    march, april = _problem("2027-03-01"), _problem("2027-04-05")
    v1 = Version(_at(8), march, _cells(("mette", "2027-03-01", "u1"), ("mette", "2027-03-02", "u1")))
    v2 = Version(_at(9), march, _cells(("mette", "2027-03-01", "u2"), ("ali", "2027-03-02", "u1")))
    v3 = Version(_at(10), march, _cells(("mette", "2027-03-01", "u2"), ("mette", "2027-03-02", "u1")))
    other = [Version(_at(7), april, _cells(("mette", "2027-04-05", "u1")))]

    two = _events(feed_calendar([[v1, v2], other], staff="mette", name="Vagtplan Mette", domain="x"))
    assert two["mette-2027-03-01-dag@x"] == {
        "seq": 1,
        "status": "",
        "summary": "Dagvagt — Uldum 2",
        "modified": _at(9),
    }
    assert (
        two["mette-2027-03-02-dag@x"]["status"] == "CANCELLED" and two["mette-2027-03-02-dag@x"]["seq"] == 1
    )
    assert two["mette-2027-04-05-dag@x"] == {
        "seq": 0,
        "status": "",
        "summary": "Dagvagt — Uldum 1",
        "modified": _at(7),
    }
    assert not any(uid.startswith("ali-") for uid in two)

    three = _events(feed_calendar([[v1, v2, v3]], staff="mette", name="Vagtplan Mette", domain="x"))
    assert three["mette-2027-03-02-dag@x"] == {
        "seq": 2,
        "status": "",
        "summary": "Dagvagt — Uldum 1",
        "modified": _at(10),
    }
    assert three["mette-2027-03-01-dag@x"]["seq"] == 1  # unchanged since v2

    team = _events(feed_calendar([[v1, v2]], staff=None, name="Vagtplan Uldum", domain="x"))
    assert team["ali-2027-03-02-dag@x"]["summary"] == "Ali: Dagvagt — Uldum 1"
