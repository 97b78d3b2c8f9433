"""Hours for payroll: per person and ISO week (and for the whole period), split into time bands.

Every worked minute falls in exactly one band, chosen in this order: a **public holiday** (a date of
`horizon.public_holidays`), **Sunday**, **Saturday**, else by the clock on a weekday: **night**, **evening**
or **day**, at the team's `Bands` (Danish defaults `DANISH`: day 06:00–17:00, evening 17:00–23:00, night
23:00–06:00; set per team in its rules). A shift is split where it crosses a band's edge or midnight, and a
minute belongs to the ISO week (or, `by="month"`, the calendar month) of its own local date (a Sunday
night's hours after midnight are Monday's; the night of 31 March into 1 April counts in both months).
The minutes follow real clock time: with `horizon.time_zone`, a night across the October clock change
has 9 hours, the March one 7 (`solver.clock.Clock`); the bands' edges are local clock times. A shift
without a clock time counts its minutes as day (weekday) or its weekend/holiday band.

Shared by the API and the pages (`services.payroll_export`). Pure: a problem and its rota in, rows out.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import StringIO
from typing import Literal
from zoneinfo import ZoneInfo

from planner.export import BOM, inert
from solver.clock import Clock
from solver.problem import Problem
from solver.solution import Assignment

KINDS = ("day", "evening", "night", "saturday", "sunday", "holiday")
COLUMNS = ("staff_id", "staff_name", "week", *(f"{k}_hours" for k in KINDS), "total_hours")
By = Literal["week", "month"]


@dataclass(frozen=True)
class Bands:
    """Where a weekday's clock bands begin, in minutes after midnight (local clock): day hours from
    `day_start`, evening hours from `evening_start`, night hours from `night_start` until the next day's
    `day_start`. The order day < evening < night is checked where a team sets them (`RulesBase`)."""

    day_start: int = 6 * 60
    evening_start: int = 17 * 60
    night_start: int = 23 * 60

    @classmethod
    def of(cls, day: dt.time, evening: dt.time, night: dt.time) -> Bands:
        return cls(*(t.hour * 60 + t.minute for t in (day, evening, night)))

    def band(self, minute: int) -> str:
        """The weekday band of a clock minute (0–1439)."""
        if minute < self.day_start or minute >= self.night_start:
            return "night"
        return "evening" if minute >= self.evening_start else "day"

    @property
    def edges(self) -> list[int]:
        """The clock minutes where a weekday's band may change (midnight too: the date changes)."""
        return sorted({0, self.day_start, self.evening_start, self.night_start})


DANISH = Bands()


@dataclass
class Hours:
    """Minutes per band of one person in one week (or the period: `week` "all")."""

    staff: str
    name: str
    week: str
    minutes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self) -> int:
        return sum(self.minutes.values())


def _band(day: dt.date, minute: int, holidays: set[dt.date], bands: Bands) -> str:
    if day in holidays:
        return "holiday"
    if day.weekday() == 6:
        return "sunday"
    if day.weekday() == 5:
        return "saturday"
    return bands.band(minute)


def _segments(
    start: dt.datetime, minutes: int, zone: ZoneInfo | None, edges: list[int]
) -> Iterable[tuple[dt.date, int, int]]:
    """(local date, local clock minute at the segment's start, real minutes) of the time from `start`
    (local, aware when `zone`) for `minutes` real minutes, cut at every band edge and midnight."""
    utc = dt.UTC
    begin = start.astimezone(utc) if zone else start.replace(tzinfo=utc)
    finish = begin + dt.timedelta(minutes=minutes)
    at = begin
    while at < finish:
        local = at.astimezone(zone) if zone else at
        clock = local.hour * 60 + local.minute
        later = [e for e in edges if e > clock]
        if later:
            wall = dt.datetime.combine(local.date(), dt.time()) + dt.timedelta(minutes=later[0])
        else:
            wall = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time())
        edge = wall.replace(tzinfo=zone).astimezone(utc) if zone else wall.replace(tzinfo=utc)
        if edge <= at:  # a wall time the clock change skipped: move on by the minute
            edge = at + dt.timedelta(minutes=1)
        end = min(edge, finish)
        yield local.date(), clock, int((end - at).total_seconds()) // 60
        at = end


def _span(day: dt.date, by: By) -> str:
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def hours(
    problem: Problem, assignments: Iterable[Assignment], *, bands: Bands = DANISH, by: By = "week"
) -> list[Hours]:
    """Per person (in the problem's order) and ISO week ("2027-W09"; `by="month"`: calendar month,
    "2027-03"), then a period row ("all") per person."""
    zone = ZoneInfo(problem.horizon.time_zone) if problem.horizon.time_zone else None
    holidays = set(problem.horizon.public_holidays)
    shifts = {s.code: s for s in problem.shift_types}
    names = {p.id: p.name for p in problem.staff}
    clock = Clock.of(problem)
    weeks: dict[tuple[str, str], Hours] = {}
    totals: dict[str, Hours] = {}
    for a in assignments:
        shift = shifts[a.shift]
        length = clock.minutes(a.shift, problem.horizon.index(a.date))
        start_minute = shift.start_minute
        if start_minute is None:
            pieces: Iterable[tuple[dt.date, int, int]] = [(a.date, 12 * 60, length)]
        else:
            wall = dt.datetime.combine(a.date, dt.time()) + dt.timedelta(minutes=start_minute)
            pieces = _segments(wall.replace(tzinfo=zone) if zone else wall, length, zone, bands.edges)
        for day, minute, count in pieces:
            key = (a.staff, _span(day, by))
            row = weeks.setdefault(key, Hours(a.staff, names.get(a.staff, ""), key[1]))
            total = totals.setdefault(a.staff, Hours(a.staff, names.get(a.staff, ""), "all"))
            band = _band(day, minute, holidays, bands)
            row.minutes[band] += count
            total.minutes[band] += count
    order = {p.id: i for i, p in enumerate(problem.staff)}
    by_person: dict[str, list[Hours]] = defaultdict(list)
    for (staff, _), row in sorted(weeks.items()):
        by_person[staff].append(row)
    out: list[Hours] = []
    for staff in sorted(by_person, key=lambda s: order.get(s, len(order))):
        out += by_person[staff] + [totals[staff]]
    return out


def _hours_text(minutes: int, excel: bool) -> str:
    text = f"{minutes / 60:.2f}"
    return text.replace(".", ",") if excel else text


def payroll_csv(
    problem: Problem,
    assignments: Iterable[Assignment],
    *,
    excel: bool = False,
    bands: Bands = DANISH,
    by: By = "week",
) -> str:
    """The hours as CSV: one row per person and week (`by="month"`: calendar month, the column then
    called `month`), then the person's period row (`all`); hours with two decimals (`excel`: `;`,
    decimal comma, CRLF and a BOM for Danish Excel)."""
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    writer.writerow(tuple("month" if c == "week" and by == "month" else c for c in COLUMNS))
    for row in hours(problem, assignments, bands=bands, by=by):
        amounts = [_hours_text(row.minutes[k], excel) for k in KINDS] + [_hours_text(row.total, excel)]
        writer.writerow([inert(row.staff), inert(row.name), row.week, *amounts])
    return (BOM if excel else "") + buffer.getvalue()
