"""Read helpers for the staff pages, and the one write they need beyond `planner.services`.

`set_favourite_routes` stores a person's ranked favourite routes (the staff page "Mine yndlingsruter"),
with the same role check, validation, audit entry and single commit as every service. Everything else
turns rows the caller already read through `planner.services` (which did the role checks) into plain
per-day data for the wish calendar and for "my rota": no queries, no FastAPI, no business decisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from planner import person_rules
from planner.models import Period, Rota, Route, SelfPick, ShiftType, Staff, Wish, utcnow
from planner.person_rules import DayOff
from solver.clock import Clock
from solver.problem import Problem
from solver.rules.wishes import WISH_FAMILIES
from solver.solution import Assignment

SlotState = Literal["free", "mine", "taken"]


def wishes_open(period: Period, now: dt.datetime | None = None) -> bool:
    """Whether staff may still change their wishes: the period is open and its deadline not passed (the
    same test as the services', so the page shows buttons exactly when a tap can succeed)."""
    if period.state != "open":
        return False
    return period.deadline is None or (now or utcnow()) < period.deadline


def period_order(periods: Iterable[Period]) -> list[Period]:
    """What staff see on their home page: open periods first, then the newest; drafts are not shown."""
    shown = [p for p in periods if p.state != "draft"]
    return sorted(shown, key=lambda p: (p.state != "open", -p.start.toordinal(), -(p.id or 0)))


# ---- favourite routes -------------------------------------------------------------------------------


def moved(routes: Sequence[str], action: str) -> list[str]:
    """The ranked list after one button of the ranking form: `up:code`, `down:code`, `remove:code` or
    `add:code` (appended last). An action on a code that is not in the list leaves it unchanged."""
    out = list(routes)
    verb, _, code = action.partition(":")
    if verb == "add" and code and code not in out:
        return [*out, code]
    if code not in out:
        return out
    i = out.index(code)
    if verb == "remove":
        del out[i]
    elif verb == "up" and i > 0:
        out[i - 1], out[i] = out[i], out[i - 1]
    elif verb == "down" and i < len(out) - 1:
        out[i + 1], out[i] = out[i], out[i + 1]
    return out


# ---- the wish calendar ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteSlot:
    code: str
    name: str
    district: str
    state: SlotState
    qualified: bool = True  # the person has the route's skills (else it is not offered to them)


@dataclass(slots=True)
class ShiftCell:
    """One shift type on one day: the person's want/avoid wish, the need and what is still open."""

    code: str
    name: str
    start: dt.time | None
    end: dt.time | None
    css: str  # shift-N by the team's shift-type order
    need: int
    claimed: int
    open: int
    wish: Wish | None  # the person's want/avoid for this shift (no route)
    mine: SelfPick | None  # the person's claim of this shift (with or without a route)
    routes: list[RouteSlot] = field(default_factory=list)

    @property
    def claimable(self) -> bool:
        """A claim without a route: only while the day still needs people on this shift."""
        return self.mine is None and self.open > 0


@dataclass(slots=True)
class DayView:
    date: dt.date
    veto: Wish | None
    pick: SelfPick | None  # the person's claim that day (at most one)
    shifts: list[ShiftCell]
    other_wishes: list[Wish]  # wishes the toggles do not show (a route, or the whole day)
    off: DayOff | None = None  # off whatever the rota (absence, fixed day off): nothing to claim or want

    @property
    def wishes(self) -> list[Wish]:
        """Every want/avoid wish of the day (what an off day still shows of what was sent)."""
        return [c.wish for c in self.shifts if c.wish is not None] + self.other_wishes


@dataclass(slots=True)
class WeekView:
    year: int
    number: int
    days: list[DayView]


def _end(shift: ShiftType) -> dt.time | None:
    if shift.start is None:
        return None
    start = dt.datetime.combine(dt.date(2000, 1, 1), shift.start)
    return (start + dt.timedelta(minutes=shift.minutes)).time()


def calendar_days(
    period: Period,
    shifts: Sequence[ShiftType],
    wishes: Iterable[Wish],
    picks: Iterable[SelfPick],
    slots: Iterable[Mapping[str, Any]],
    *,
    only: dt.date | None = None,
    off: Mapping[dt.date, DayOff] | None = None,
    serves: Collection[str] | None = None,
) -> list[DayView]:
    """One `DayView` per day of the period (or just `only`), from one person's wishes and self-picks,
    the period's open slots (`services.open_slots`), their days off (`days_off`) and the routes they
    have the skills for (`serves`, None: every route)."""
    off = off or {}
    order = {s.code: i for i, s in enumerate(shifts)}
    by_slot = {(s["date"], s["shift"]): s for s in slots}
    vetoes: dict[dt.date, Wish] = {}
    toggles: dict[tuple[dt.date, str], Wish] = {}
    others: dict[dt.date, list[Wish]] = {}
    for w in wishes:
        if w.kind == "veto":
            vetoes.setdefault(w.date, w)
        elif w.shift is not None and w.route is None and (w.date, w.shift) not in toggles:
            toggles[(w.date, w.shift)] = w
        else:
            others.setdefault(w.date, []).append(w)
    my_picks = {p.date: p for p in picks}
    days = [period.start + dt.timedelta(days=i) for i in range(period.days)]
    out = []
    for day in days:
        if only is not None and day != only:
            continue
        pick = my_picks.get(day)
        cells = []
        for s in shifts:
            slot = by_slot.get((day, s.code), {"need": 0, "claimed": 0, "open": 0, "routes": []})
            mine = pick if pick is not None and pick.shift == s.code else None
            routes = [
                RouteSlot(
                    r["route"],
                    r.get("name") or r["route"],
                    r.get("district") or "",
                    "free"
                    if r["free"]
                    else ("mine" if mine is not None and mine.route == r["route"] else "taken"),
                    serves is None or r["route"] in serves,
                )
                for r in slot["routes"]
            ]
            cells.append(
                ShiftCell(
                    code=s.code,
                    name=s.name or s.code,
                    start=s.start,
                    end=_end(s),
                    css=f"shift-{order[s.code] % 8}",
                    need=slot["need"],
                    claimed=slot["claimed"],
                    open=slot["open"],
                    wish=toggles.get((day, s.code)),
                    mine=mine,
                    routes=routes,
                )
            )
        out.append(DayView(day, vetoes.get(day), pick, cells, others.get(day, []), off.get(day)))
    return out


def days_off(person: Staff, period: Period) -> dict[dt.date, DayOff]:
    """The person's days off in the period whatever the rota (absences with their reason, fixed days
    off, fixed weekdays off): the calendar shows them and offers nothing to claim or want there."""
    return person_rules.days_off(person, period.start, period.last_day)


def routes_served(person: Staff, routes: Sequence[Route], shifts: Sequence[ShiftType]) -> list[Route]:
    """The team's routes the person has the skills for: what they may claim and rank."""
    return [r for r in routes if not person_rules.missing_skills(person, r, shifts)]


def weeks(days: Sequence[DayView]) -> list[WeekView]:
    """Days grouped by ISO week (Danish weeks start on Monday)."""
    out: list[WeekView] = []
    for day in days:
        year, number, _ = day.date.isocalendar()
        if not out or (out[-1].year, out[-1].number) != (year, number):
            out.append(WeekView(year, number, []))
        out[-1].days.append(day)
    return out


def week_span(period: Period) -> tuple[int, int]:
    """The period's first and last ISO week numbers ("uge 9–16")."""
    return period.start.isocalendar()[1], period.last_day.isocalendar()[1]


def vetoes_used(wishes: Iterable[Wish]) -> int:
    return sum(1 for w in wishes if w.kind == "veto")


# ---- my rota ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Explanation:
    """A wish (or self-pick) of the person that the published rota did not grant."""

    date: dt.date | None
    shift: str | None
    route: str | None
    kind: str  # want, avoid, pick (a self-picked slot not kept), or "" when unknown
    cost: int
    text: str  # the solver's explanation


def my_explanations(rota: Rota, staff_code: str) -> list[Explanation]:
    """The rota's wish and self-pick penalties that concern `staff_code`, by date. A penalty names its
    person by staff code (`solver.solution.Penalty.staff`); the kind comes from the rota's problem."""
    kinds = {
        (w["date"], w.get("shift"), w.get("route")): w["kind"]
        for w in rota.problem.get("wishes", [])
        if w.get("staff") == staff_code
    }
    out = []
    for p in rota.penalties:
        if p.get("family") not in WISH_FAMILIES or p.get("staff") != staff_code:
            continue
        key = (p.get("date"), p.get("shift"), p.get("route"))
        kind = "pick" if p["family"] == "self_pick" else kinds.get(key, "")
        day = dt.date.fromisoformat(p["date"]) if p.get("date") else None
        out.append(Explanation(day, p.get("shift"), p.get("route"), kind, p.get("cost", 0), p["explanation"]))
    return sorted(out, key=lambda e: (e.date or dt.date.min, e.shift or ""))


def my_fulfilment(rota: Rota, staff_code: str) -> dict[str, Any] | None:
    """The person's fulfilment record of the rota (made, granted, minutes, target), if any."""
    return next((f for f in rota.fulfilment if f.get("staff") == staff_code), None)


# ---- the published rota by week ---------------------------------------------------------------------


@dataclass(slots=True)
class RotaDay:
    """One day of a person's published rota: their shift and route (None: off), who else works that
    shift that day (names only), and the real minutes of their shift."""

    date: dt.date
    shift: str | None
    route: str | None
    colleagues: list[str]
    minutes: int


@dataclass(slots=True)
class RotaWeek:
    year: int
    number: int
    days: list[RotaDay]
    minutes: int
    target_minutes: int | None  # the contract's weekly hours, when it has them


def my_rota_weeks(problem: Problem, assignments: Iterable[Assignment], staff: str) -> list[RotaWeek]:
    """The person's published rota, week by week (ISO weeks, every day of the period in them), with
    their colleagues on each of their shifts and their hours per week against the contract's."""
    clock = Clock.of(problem)
    names = {p.id: p.name or p.id for p in problem.staff}
    person = next((p for p in problem.staff if p.id == staff), None)
    weekly = person.contract.weekly_hours if person is not None else None
    on: dict[tuple[dt.date, str], list[str]] = {}
    mine: dict[dt.date, Assignment] = {}
    for a in assignments:
        if a.staff == staff:
            mine[a.date] = a
        else:
            on.setdefault((a.date, a.shift), []).append(names.get(a.staff, a.staff))
    weeks: dict[tuple[int, int], RotaWeek] = {}
    for day in problem.horizon.dates():
        year, number, _ = day.isocalendar()
        week = weeks.setdefault(
            (year, number),
            RotaWeek(year, number, [], 0, None if weekly is None else round(float(weekly) * 60)),
        )
        worked = mine.get(day)
        if worked is None:
            week.days.append(RotaDay(day, None, None, [], 0))
            continue
        minutes = clock.minutes(worked.shift, problem.horizon.index(day))
        others = sorted(on.get((day, worked.shift), []))
        week.days.append(RotaDay(day, worked.shift, worked.route, others, minutes))
        week.minutes += minutes
    return list(weeks.values())
