"""One person's shifts as an iCalendar file (RFC 5545), for their phone's calendar.

Times are local time in the problem's `horizon.time_zone` (Danish time, Europe/Copenhagen, when it has
none) with its VTIMEZONE included, so a night across a clock change ends at its real instant; each
event's UID is stable for (rota, person, date), so a re-imported calendar updates events instead of
duplicating them.
Text in, text out (the icalendar library): no database, no FastAPI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    zone = _zone(problem)
    for a in sorted(assignments, key=lambda a: a.date):
        if a.staff != staff:
            continue
        event = _event(problem, a, zone)
        event.add("uid", f"{rota_id}-{staff}-{a.date.isoformat()}@{domain}")
        event.add("dtstamp", stamp)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _zone(problem: Problem) -> ZoneInfo:
    return ZoneInfo(problem.horizon.time_zone) if problem.horizon.time_zone else ZONE


def _event(problem: Problem, a: Assignment, zone: ZoneInfo, who: str = "") -> Event:
    """One shift as a VEVENT without UID and stamp: summary (`who: ` first when given), place, times."""
    shift = next((s for s in problem.shift_types if s.code == a.shift), None)
    route = next((r for r in problem.routes if r.id == a.route), None) if a.route else None
    event = Event()
    label = shift.name or shift.code if shift else a.shift
    text = f"{label} — {route.name or route.id}" if route else label
    event.add("summary", f"{who}: {text}" if who else text)
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
    return event


# ---- the subscription feed (issue 13): a calendar that follows the published rota ------------------


@dataclass(frozen=True)
class Version:
    """One published version of a period's rota (the current one, or one it superseded)."""

    published_at: dt.datetime
    problem: Problem
    assignments: list[Assignment]


@dataclass
class _Tracked:
    day: dt.date
    content: bytes
    event: Event
    sequence: int
    modified: dt.datetime
    cancelled: bool = False


def feed_calendar(
    periods: Iterable[Sequence[Version]], *, staff: str | None, name: str, domain: str
) -> bytes:
    """The shifts of `staff` (everyone's, each summary named, when None) in the current published rota
    of each period, for a phone's calendar subscription.

    Each period's versions come oldest first, its current rota last. An event's UID is stable for
    (person, date, shift), whatever version it is in; its SEQUENCE starts at 0 and goes up by one, and
    its LAST-MODIFIED becomes that version's publication, in each version where the event changed (another
    route, other times) — so a phone updates it rather than keeping a stale copy. A shift a later version
    no longer has stays in the feed as a cancelled event (STATUS:CANCELLED, one SEQUENCE more), which
    removes it from the phone's calendar; it comes back with a higher SEQUENCE if a later version
    restores it."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", ZONE.key)
    # How often a client should look again (Apple and Google honour these; RFC 7986's REFRESH-INTERVAL).
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    tracked: dict[str, _Tracked] = {}
    for versions in periods:
        for version in versions:
            zone = _zone(version.problem)
            names = {p.id: p.name or p.id for p in version.problem.staff}
            present: set[str] = set()
            for a in version.assignments:
                if staff is not None and a.staff != staff:
                    continue
                uid = f"{a.staff}-{a.date.isoformat()}-{a.shift}@{domain}"
                present.add(uid)
                event = _event(
                    version.problem, a, zone, "" if staff is not None else names.get(a.staff, a.staff)
                )
                content = event.to_ical()
                seen = tracked.get(uid)
                if seen is None:
                    tracked[uid] = _Tracked(a.date, content, event, 0, version.published_at)
                elif seen.cancelled or seen.content != content:
                    tracked[uid] = _Tracked(a.date, content, event, seen.sequence + 1, version.published_at)
            horizon = version.problem.horizon
            for uid, seen in tracked.items():
                # a version of one period cancels nothing of another
                if (
                    uid not in present
                    and not seen.cancelled
                    and horizon.start <= seen.day <= horizon.last_day
                ):
                    seen.cancelled, seen.sequence, seen.modified = (
                        True,
                        seen.sequence + 1,
                        version.published_at,
                    )
    for uid in sorted(tracked, key=lambda u: (tracked[u].event.decoded("dtstart").isoformat(), u)):
        seen = tracked[uid]
        event = seen.event
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("sequence", seen.sequence)
        event.add("last-modified", seen.modified.astimezone(dt.UTC).replace(microsecond=0))
        if seen.cancelled:
            event.add("status", "CANCELLED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
