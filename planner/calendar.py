"""One person's shifts as an iCalendar file (RFC 5545), for their phone's calendar.

Times are local time in the problem's `horizon.time_zone` (Danish time, Europe/Copenhagen, when it has
none) with its VTIMEZONE included, so a night across a clock change ends at its real instant; each
event's UID is stable for (rota, person, date), so a re-imported calendar updates events instead of
duplicating them.
Text in, text out (the icalendar library): no database, no FastAPI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from solver.problem import Problem
from solver.solution import Assignment

ZONE = ZoneInfo("Europe/Copenhagen")
PRODID = "-//pusleplan//rota//DA"


def person_calendar(
    problem: Problem,
    assignments: Iterable[Assignment],
    *,
    staff: str,
    rota_id: int,
    domain: str = "pusleplan",
) -> bytes:
    """The shifts of `staff` as a VCALENDAR with one VEVENT per shift; shifts without a clock time
    become all-day events."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Vagtplan {problem.name}".strip())
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    shifts = {s.code: s for s in problem.shift_types}
    routes = {r.id: r for r in problem.routes}
    zone = ZoneInfo(problem.horizon.time_zone) if problem.horizon.time_zone else ZONE
    for a in sorted(assignments, key=lambda a: a.date):
        if a.staff != staff:
            continue
        shift = shifts.get(a.shift)
        event = Event()
        event.add("uid", f"{rota_id}-{staff}-{a.date.isoformat()}@{domain}")
        event.add("dtstamp", stamp)
        label = shift.name or shift.code if shift else a.shift
        route = routes.get(a.route) if a.route else None
        event.add("summary", f"{label} — {route.name or route.id}" if route else label)
        if route is not None and route.district:
            event.add("location", route.district)
        if shift is not None and shift.start is not None:
            start = dt.datetime.combine(a.date, shift.start, tzinfo=zone)
            event.add("dtstart", start)
            # Aware arithmetic is wall-clock time: the end is the clock time `minutes` later, as in
            # solver/clock.py (07:00 after a 23:00 night, which is 9 h later on the last Sunday of October).
            event.add("dtend", start + dt.timedelta(minutes=shift.minutes))
        else:
            event.add("dtstart", a.date)
            event.add("dtend", a.date + dt.timedelta(days=1))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
