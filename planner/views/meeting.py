"""Read helpers for the rota meeting's page: the meeting's rota (the draft with its accepted moves) as one
week of a staff × days grid, each cell with the person's shift and route and the marks of that day — their
wishes (want / avoid), vetoes, absences and fixed days off, self-picks and the planner's locks — and the
week's holes (cover short, routes with nobody) and clashes (broken hard rules, wishes not granted).

Computed from a `Problem` and a rota the caller read through `planner.services` (which did the role
checks): no queries, no FastAPI, no business decisions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from planner import whatif
from solver import check
from solver.problem import Problem
from solver.solution import Assignment, Penalty

MarkKind = Literal["want", "avoid", "veto", "absent", "pick", "lock"]
# The symbols of the marks (the page's legend words them): not colour alone, and the same in every language.
SYMBOLS: dict[MarkKind, str] = {
    "want": "+",
    "avoid": "−",
    "veto": "✕",
    "absent": "⌂",
    "pick": "★",
    "lock": "🔒",
}
HOLE_MESSAGES = ("cover.under", "route.unfilled")
CLASH_MESSAGES = ("wish.want", "wish.avoid", "self_pick.changed")


@dataclass(frozen=True, slots=True)
class Mark:
    """One thing about a person's day: `kind`, and the shift (and route) it is about, if any."""

    kind: MarkKind
    shift: str = ""
    route: str = ""

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.kind]


@dataclass(slots=True)
class MeetingCell:
    staff: str
    date: dt.date
    shift: str | None
    route: str | None
    marks: list[Mark] = field(default_factory=list)


@dataclass(slots=True)
class MeetingRow:
    staff: str
    name: str
    cells: list[MeetingCell]


@dataclass(slots=True)
class Week:
    """One week of the meeting's grid (`index` 0 is the period's first; a week is Monday–Sunday, cut by the
    period's ends), its holes and clashes (penalty records, worded by the page) and the broken rules."""

    index: int
    count: int
    days: list[dt.date]
    rows: list[MeetingRow]
    holes: list[Penalty]
    clashes: list[Penalty]
    broken: list[whatif.Broken]


def weeks(problem: Problem) -> list[list[dt.date]]:
    """The period's days by ISO week (Monday to Sunday), the first and last week cut by the period."""
    out: dict[tuple[int, int], list[dt.date]] = {}
    for day in problem.horizon.dates():
        out.setdefault(day.isocalendar()[:2], []).append(day)
    return list(out.values())


def marks(
    problem: Problem, locked: Iterable[tuple[str, dt.date]] = ()
) -> dict[tuple[str, dt.date], list[Mark]]:
    """Every person's marks per day: absences and fixed days off, vetoes, wishes, self-picks, locks (the
    problem's and `locked`, the meeting's)."""
    out: dict[tuple[str, dt.date], list[Mark]] = defaultdict(list)
    days = problem.horizon.dates()
    for person in problem.staff:
        fixed = set(person.days_off)
        for day in days:
            absent = any(a.start <= day <= a.end for a in person.absences)
            if absent or day in fixed or day.weekday() in person.weekdays_off:
                out[person.id, day].append(Mark("absent"))
    for wish in problem.wishes:
        kind: MarkKind = "veto" if wish.kind == "veto" else ("want" if wish.kind == "want" else "avoid")
        out[wish.staff, wish.date].append(Mark(kind, wish.shift or "", wish.route or ""))
    for pick in problem.self_picks:
        out[pick.staff, pick.date].append(Mark("pick", pick.shift, pick.route or ""))
    for key in {(lk.staff, lk.date) for lk in problem.locks} | set(locked):
        out[key].append(Mark("lock"))
    return out


def week(
    problem: Problem,
    assignments: list[Assignment],
    index: int,
    names: dict[str, str],
    locked: Iterable[tuple[str, dt.date]] = (),
) -> Week:
    """Week `index` (clamped to the period) of the meeting's rota."""
    all_weeks = weeks(problem)
    index = max(0, min(index, len(all_weeks) - 1))
    days = all_weeks[index]
    cells = {(a.staff, a.date): a for a in assignments}
    marked = marks(problem, locked)
    rows = []
    for person in problem.staff:
        row = []
        for day in days:
            a = cells.get((person.id, day))
            row.append(
                MeetingCell(
                    person.id,
                    day,
                    a.shift if a else None,
                    a.route if a else None,
                    marked.get((person.id, day), []),
                )
            )
        rows.append(MeetingRow(person.id, names.get(person.id, person.name or person.id), row))
    inside = set(days)
    penalties = [p for p in check.penalties(problem, assignments) if p.date in inside]
    return Week(
        index=index,
        count=len(all_weeks),
        days=days,
        rows=rows,
        holes=[p for p in penalties if p.message in HOLE_MESSAGES],
        clashes=[p for p in penalties if p.message in CLASH_MESSAGES],
        broken=[b for b in whatif.broken(problem, assignments) if b.date is None or b.date in inside],
    )
