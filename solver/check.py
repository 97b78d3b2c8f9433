"""Independent checker: recomputes hard-rule violations, penalties and the objective of a rota.

This is the second implementation of `docs/rules.md`, written from the document alone and read literally.
It works on a `Problem` and a list of `Assignment`s and must not import ortools, `solver.model` or
`solver.rules`: tests require `objective()` here to equal the CP-SAT model's objective, so a change to
the rules must be made in the document, the model and here. The functions `hard_<family>` and
`soft_<family>` are the built-in families' checkers; `violations()` and `penalties()` run those of the
registry (`solver/families.py`), so a family registered later is checked too. Penalties carry the same
message ids and params as the model's.

Malformed assignments (unknown staff, shift or route, a date outside the horizon, several assignments of
one person on one day) are reported as violations, never raised. For everything else a person's day is
read as the set of shifts worked and, per shift, the set of routes served: `x(p,i,s)` and `on(p,i,s,r)`
of the document, so an exact duplicate assignment counts once. Days before the horizon are read from
`problem.history` (a shift, a known day off, or not known), as the document's "Before the horizon" says.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from solver import families
from solver.clock import Clock
from solver.families import Family, Msg, Params
from solver.problem import Cover, Problem, Route, SelfPick, ShiftType, Staff, Wish, WishKind
from solver.solution import Assignment, Fulfilment, Penalty, SlotCoverage

__all__ = ["Roster", "Violation", "coverage", "fulfilment", "objective", "penalties", "violations"]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The `rule` of a broken route rule (family `routes`): the planner's refusals read this name, which it
# keeps until the planner reads the registry.
ROUTE_RULE = "route"

# A person's day: shift code -> ids of the routes served in that shift.
Day = dict[str, frozenset[str]]
_NO_ROUTES: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Violation:
    """A broken hard rule, with a message that names the person, date(s) and values."""

    rule: str
    message: str
    staff: str | None = None
    date: dt.date | None = None


# ---- the rota in a form the rules can read ----------------------------------------------------------


@dataclass
class Roster:
    """The problem's lookups and the usable assignments, indexed per person and per day: what a family's
    checker function (`solver.families.FamilySpec.check`) reads."""

    problem: Problem
    dates: list[dt.date]
    shifts: dict[str, ShiftType]
    people: dict[str, Staff]
    routes: dict[str, Route]
    skills: dict[str, frozenset[str]]
    work: dict[str, dict[int, Day]]
    crowded: dict[tuple[str, int], list[Assignment]]
    malformed: list[Violation]
    clock: Clock
    past: dict[str, dict[int, str | None]] = field(default_factory=dict)
    flags: dict[str, list[bool]] = field(default_factory=dict)
    serving: list[tuple[str, int, str, str]] = field(default_factory=list)

    @property
    def horizon(self) -> int:
        return len(self.dates)

    def day(self, p: str, i: int) -> Day:
        return self.work[p].get(i, {})

    def works(self, p: str, i: int) -> bool:
        return i in self.work[p]

    def x(self, p: str, i: int, s: str) -> bool:
        return s in self.day(p, i)

    def on(self, p: str, i: int, s: str, r: str) -> bool:
        return r in self.day(p, i).get(s, ())

    def on_route(self, p: str, i: int, r: str) -> bool:
        return any(r in routes for routes in self.day(p, i).values())

    def worked(self, p: str) -> list[bool]:
        """`work(p,i)` for every day of the horizon."""
        return self.flags[p]

    def minutes(self, p: str) -> int:
        """Σ len(s,i) over the person's shifts: real minutes (solver/clock.py)."""
        return sum(self.clock.minutes(s, i) for i, day in self.work[p].items() for s in day)

    def served(self) -> list[tuple[str, int, str, str]]:
        """Every (person, day, shift, route) with `on(p,i,s,r) = 1`, by person and day."""
        return self.serving

    def name(self, p: str) -> str:
        return self.people[p].label

    def date(self, i: int) -> dt.date:
        """The date of day `i`, also before the horizon (i < 0)."""
        return self.problem.horizon.start + dt.timedelta(days=i)

    def shifts_on(self, p: str, i: int) -> list[str]:
        """The shifts `p` worked on day `i`: from the rota inside the horizon, from the history before it."""
        if i >= 0:
            return list(self.day(p, i))
        s = self.past[p].get(i)
        return [] if s is None else [s]

    def state(self, p: str, i: int) -> bool | None:
        """Whether `p` worked on day `i` < H; None before the horizon when the history has no entry."""
        if i >= 0:
            return self.works(p, i)
        return None if i not in self.past[p] else self.past[p][i] is not None

    def first_known(self, p: str) -> int:
        """The first day index the rules read for `p`: day 0, or the earliest day of their history."""
        return min([0, *self.past[p]])


def _roster(problem: Problem, assignments: Iterable[Assignment]) -> Roster:
    """Index the assignments per person and day, setting malformed ones aside as violations."""
    h = problem.horizon
    roster = Roster(
        problem=problem,
        dates=h.dates(),
        shifts={s.code: s for s in problem.shift_types},
        people={p.id: p for p in problem.staff},
        routes={r.id: r for r in problem.routes},
        skills={p.id: frozenset(p.skills) for p in problem.staff},
        work={p.id: {} for p in problem.staff},
        crowded={},
        malformed=[],
        clock=Clock.of(problem),
    )
    first: dict[str, dict[int, Assignment]] = {p.id: {} for p in problem.staff}
    for a in assignments:
        placed = _place(roster, a)
        if placed is None:
            continue
        i, route = placed
        if i in first[a.staff]:
            roster.crowded.setdefault((a.staff, i), [first[a.staff][i]]).append(a)
        else:
            first[a.staff][i] = a
        day = roster.work[a.staff].setdefault(i, {})
        routes = day.get(a.shift, _NO_ROUTES)
        day[a.shift] = routes if route is None else routes | {route}
    roster.past = {p.id: {} for p in problem.staff}
    for past in problem.history:
        if past.staff in roster.past:
            roster.past[past.staff][h.index(past.date)] = past.shift
    for p, days in roster.work.items():
        roster.work[p] = dict(sorted(days.items()))
        roster.flags[p] = [i in days for i in range(h.days)]
        roster.serving.extend(
            (p, i, s, route)
            for i, day in roster.work[p].items()
            for s, routes in day.items()
            for route in sorted(routes)
        )
    return roster


def _place(roster: Roster, a: Assignment) -> tuple[int, str | None] | None:
    """The day index and route of `a`, or None when it cannot be placed; problems go to `roster.malformed`.

    An unknown route is reported and dropped; the shift itself still counts.
    """
    h = roster.problem.horizon
    i = (a.date - h.start).days
    known = a.staff in roster.people and 0 <= i < h.days and a.shift in roster.shifts
    if known and (a.route is None or a.route in roster.routes):
        return i, a.route
    who = roster.name(a.staff) if a.staff in roster.people else f"unknown staff id {a.staff!r}"
    if a.staff not in roster.people:
        problem = f"assignment on {a.date}: {who}"
    elif not 0 <= i < h.days:
        problem = f"{who}: assignment on {a.date} is outside the horizon {h.start} … {roster.dates[-1]}"
    elif a.shift not in roster.shifts:
        problem = f"{who}: unknown shift {a.shift!r} on {a.date}"
    else:
        roster.malformed.append(
            Violation("unknown_reference", f"{who}: unknown route {a.route!r} on {a.date}", a.staff, a.date)
        )
        return i, None
    roster.malformed.append(Violation("unknown_reference", problem, a.staff, a.date))
    return None


# ---- small helpers ----------------------------------------------------------------------------------


def _hm(minutes: int) -> str:
    """Minutes as '8 h', '10 h 59 min' or '30 min'."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{sign}{hours} h {rest} min"
    return f"{sign}{hours} h" if hours else f"{sign}{rest} min"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _span(r: Roster, first: int, last: int) -> str:
    """'2025-03-04' or '2025-03-04 … 2025-03-06' (days before the horizon too)."""
    return f"{r.date(first)}" if first == last else f"{r.date(first)} … {r.date(last)}"


def _exact(value: float) -> Fraction:
    """The decimal the user wrote (37.1, not the binary float nearest to it), so floor/round are exact."""
    return Fraction(str(value))


def _gap(r: Roster, s: str, i: int, t: str, j: int) -> int | None:
    """Real minutes from the end of `s` worked on day `i` to the start of `t` on day `j`; None when a
    start is unknown."""
    end, start = r.clock.end(s, i), r.clock.start(t, j)
    return None if end is None or start is None else start - end


def _runs(flags: list[bool], value: bool) -> Iterator[tuple[int, int]]:
    """Every maximal run of `value` in `flags`, as (first, last) index."""
    first: int | None = None
    for i, flag in enumerate([*flags, not value]):
        if flag == value and first is None:
            first = i
        elif flag != value and first is not None:
            yield first, i - 1
            first = None


def _route_label(route: Route) -> str:
    return f"route {route.id}" + (f" ({route.name})" if route.name else "")


def _max_minutes(problem: Problem, person: Staff) -> int | None:
    """The most minutes allowed: the lower of the contract maximum and the average-weekly-hours cap."""
    bounds = [] if person.contract.max_minutes is None else [person.contract.max_minutes]
    hours = problem.rules.max_average_weekly_hours
    if hours is not None:
        bounds.append(math.floor(_exact(hours) * 60 * problem.horizon.days / 7))
    return min(bounds, default=None)


def _targets(problem: Problem) -> dict[str, int | None]:
    """Per person, the contract target in minutes: weekly hours over the weekdays that are neither holiday
    nor absence; None without `weekly_hours`. `round` is Python's (half to even), applied to the exact value.
    """
    holidays = set(problem.horizon.public_holidays)
    weekdays = {day for day in problem.horizon.dates() if day.weekday() < 5 and day not in holidays}
    out: dict[str, int | None] = {}
    for person in problem.staff:
        hours = person.contract.weekly_hours
        days = weekdays
        for absence in person.absences:
            days = {day for day in days if not absence.start <= day <= absence.end}
        out[person.id] = None if hours is None else round(_exact(hours) * 60 * len(days) / 5)
    return out


# ---- hard rules -------------------------------------------------------------------------------------


def hard_one_shift_a_day(r: Roster) -> list[Violation]:
    """A person has at most one assignment, hence at most one shift, a day."""
    out = []
    for (p, i), found in sorted(r.crowded.items()):
        what = ", ".join(a.shift + (f" on route {a.route}" if a.route else "") for a in found)
        out.append(
            Violation(
                Family.ONE_SHIFT_A_DAY,
                f"{r.name(p)}: {len(found)} assignments on {r.dates[i]} ({what}), at most 1",
                p,
                r.dates[i],
            )
        )
    return out


def hard_skills(r: Roster) -> list[Violation]:
    """A shift type that lists skills is worked only by people with at least one of them."""
    out = []
    for p, days in r.work.items():
        for i, day in days.items():
            for s in day:
                needed = r.shifts[s].skills
                if needed and r.skills[p].isdisjoint(needed):
                    out.append(
                        Violation(
                            Family.SKILLS,
                            f"{r.name(p)}: works {s} on {r.dates[i]} without any of its "
                            f"skills ({', '.join(needed)})",
                            p,
                            r.dates[i],
                        )
                    )
    return out


def hard_routes(r: Roster) -> list[Violation]:
    """Routes are served on their weekdays and shifts, by skilled people, one a day, one person a slot."""
    out = []
    per_day: dict[tuple[str, int], list[str]] = defaultdict(list)
    slots: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for p, i, s, rid in r.served():
        out.extend(_route_fit(r, p, i, s, r.routes[rid]))
        per_day[p, i].append(rid)
        slots[rid, i, s].append(p)
    for (p, i), served in per_day.items():
        if len(served) > 1:
            message = (
                f"{r.name(p)}: serves {len(served)} routes on {r.dates[i]} ({', '.join(served)}), at most 1"
            )
            out.append(Violation(ROUTE_RULE, message, p, r.dates[i]))
    for (rid, i, s), people in sorted(slots.items()):
        if len(people) > 1:
            names = ", ".join(r.name(p) for p in people)
            label = _route_label(r.routes[rid])
            message = f"{label}, {s} {r.dates[i]}: served by {len(people)} people ({names}), at most 1"
            out.append(Violation(ROUTE_RULE, message, None, r.dates[i]))
    return out


def _route_fit(r: Roster, p: str, i: int, s: str, route: Route) -> list[Violation]:
    """Whether one person may serve `route` in shift `s` on day `i` (weekday, shift, skills)."""
    day = r.dates[i]
    on_weekday, in_shift = day.weekday() in route.weekdays, s in route.shifts
    unskilled = bool(route.skills) and r.skills[p].isdisjoint(route.skills)
    if on_weekday and in_shift and not unskilled:
        return []
    out = []
    who, label = r.name(p), _route_label(route)
    if not on_weekday:
        out.append(
            Violation(
                ROUTE_RULE,
                f"{who}: {label} does not run on {day} ({WEEKDAY_NAMES[day.weekday()]})",
                p,
                day,
            )
        )
    if not in_shift:
        out.append(Violation(ROUTE_RULE, f"{who}: {label} does not run in shift {s} ({day})", p, day))
    if unskilled:
        out.append(
            Violation(
                ROUTE_RULE,
                f"{who}: serves {label} on {day} without any of its skills ({', '.join(route.skills)})",
                p,
                day,
            )
        )
    return out


def hard_days_off(r: Roster) -> list[Violation]:
    """No shift on a fixed day off, a weekday off, inside an absence, or on a veto."""
    vetoes: dict[str, list[dt.date]] = defaultdict(list)
    for wish in r.problem.wishes:
        if wish.kind is WishKind.veto:
            vetoes[wish.staff].append(wish.date)
    out = []
    for p, days in r.work.items():
        off = _off_days(r, r.people[p], vetoes.get(p, []))
        for i in sorted(days.keys() & off.keys()):
            message = f"{r.name(p)}: works {', '.join(sorted(days[i]))} on {r.dates[i]}, {'; '.join(off[i])}"
            out.append(Violation(Family.DAYS_OFF, message, p, r.dates[i]))
    return out


def _off_days(r: Roster, person: Staff, vetoes: list[dt.date]) -> dict[int, list[str]]:
    """The person's hard days off, by day index, with the reasons."""
    h = r.problem.horizon
    off: dict[int, list[str]] = defaultdict(list)
    for day in person.days_off:
        off[h.index(day)].append("a fixed day off")
    if person.weekdays_off:
        for i, day in enumerate(r.dates):
            if day.weekday() in person.weekdays_off:
                off[i].append(f"a weekday off ({WEEKDAY_NAMES[day.weekday()]})")
    for a in person.absences:
        reason = f"absent {a.start} … {a.end}" + (f" ({a.reason})" if a.reason else "")
        for i in range(max(0, h.index(a.start)), min(h.days, h.index(a.end) + 1)):
            off[i].append(reason)
    for day in vetoes:
        off[h.index(day)].append("a veto day")
    return off


def hard_locks(r: Roster) -> list[Violation]:
    """A lock fixes a person's day: off, or that shift (and that route, when given)."""
    out = []
    for lock in r.problem.locks:
        p, date = lock.staff, lock.date
        i = r.problem.horizon.index(date)
        if lock.shift is None:
            broken, wanted = r.works(p, i), "off"
        elif lock.route is None:
            broken, wanted = not r.x(p, i, lock.shift), f"to {lock.shift}"
        else:
            broken = not r.on(p, i, lock.shift, lock.route)
            wanted = f"to {lock.shift} on route {lock.route}"
        if broken:
            out.append(
                Violation(
                    Family.LOCK, f"{r.name(p)}: locked {wanted} on {date}, {_describe(r, p, i)}", p, date
                )
            )
    return out


def _describe(r: Roster, p: str, i: int) -> str:
    """'is off' or 'works day on route R1' for a person's day."""
    day = r.day(p, i)
    if not day:
        return "is off"
    return "works " + ", ".join(
        s + "".join(f" on route {route}" for route in sorted(routes)) for s, routes in sorted(day.items())
    )


def hard_successions(r: Roster) -> list[Violation]:
    """No forbidden succession, and enough rest (in real time) between shifts one or two days apart."""
    out = []
    for p, days in r.work.items():
        for i, day in days.items():
            for later in (1, 2):
                for t in days.get(i + later, ()):
                    for s in day:
                        reasons = _succession_reasons(r, s, i, t, later)
                        if reasons:
                            out.append(
                                Violation(
                                    Family.SUCCESSION,
                                    f"{r.name(p)}: {r.dates[i]} {s} then {r.dates[i + later]} {t} {reasons}",
                                    p,
                                    r.dates[i],
                                )
                            )
        for i, last in r.past[p].items():
            for later in (1, 2):
                if last is None or not 0 <= i + later < r.horizon:
                    continue
                for t in days.get(i + later, ()):
                    reasons = _succession_reasons(r, last, i, t, later)
                    if reasons:
                        message = (
                            f"{r.name(p)}: {r.date(i)} {last} (before the horizon) then "
                            f"{r.dates[i + later]} {t} {reasons}"
                        )
                        out.append(Violation(Family.SUCCESSION, message, p, r.date(i)))
    return out


def _succession_reasons(r: Roster, s: str, i: int, t: str, later: int) -> str:
    """Why shift `t`, `later` (1 or 2) days after shift `s` worked on day `i`, is forbidden; '' if not."""
    rules = r.problem.rules
    reasons = []
    if later == 1 and t in r.shifts[s].forbidden_next:
        reasons.append(f"is forbidden by {s}.forbidden_next")
    if later == 1 and (s, t) in rules.forbidden_successions:
        reasons.append("is forbidden by rules.forbidden_successions")
    rest = _gap(r, s, i, t, i + later)
    need = rules.min_rest_minutes
    if need is not None and rest is not None and rest < need:
        left = f"leaves {_hm(rest)} rest" if rest >= 0 else f"overlaps it by {_hm(-rest)}"
        reasons.append(f"{left}, {_hm(need)} required")
    return "; ".join(reasons)


def hard_max_shifts(r: Roster) -> list[Violation]:
    """At most `contract.max_shifts[s]` shifts of type `s` over the horizon."""
    out = []
    for p, days in r.work.items():
        limits = r.people[p].contract.max_shifts
        for s, limit in limits.items():
            count = sum(1 for day in days.values() if s in day)
            if count > limit:
                out.append(
                    Violation(Family.MAX_SHIFTS, f"{r.name(p)}: {count} {s} shifts, at most {limit}", p)
                )
    return out


def hard_minutes(r: Roster) -> list[Violation]:
    """Worked minutes lie between the contract minimum and the contract maximum or weekly-hours cap."""
    out = []
    for p in r.work:
        person = r.people[p]
        worked = r.minutes(p)
        low, high = person.contract.min_minutes, _max_minutes(r.problem, person)
        if low is not None and worked < low:
            out.append(
                Violation(
                    Family.MINUTES, f"{r.name(p)}: works {_hm(worked)}, at least {_hm(low)} required", p
                )
            )
        if high is not None and worked > high:
            out.append(
                Violation(Family.MINUTES, f"{r.name(p)}: works {_hm(worked)}, at most {_hm(high)} allowed", p)
            )
    return out


def hard_max_consecutive_work(r: Roster) -> list[Violation]:
    """No run of more than `contract.max_consecutive_work` worked days that ends inside the horizon; the
    days before it are read from the history."""
    out = []
    for p in r.work:
        k = r.people[p].contract.max_consecutive_work
        if k is None:
            continue
        lo = r.first_known(p)
        flags = [bool(r.state(p, i)) for i in range(lo, r.horizon)]
        for a, b in _runs(flags, True):
            a, b = a + lo, b + lo
            if b >= 0 and b - a + 1 > k:
                out.append(
                    Violation(
                        Family.MAX_CONSECUTIVE_WORK,
                        f"{r.name(p)}: works {_plural(b - a + 1, 'day')} in a row, "
                        f"{r.date(a)} … {r.dates[b]}, at most {k}",
                        p,
                        r.date(a),
                    )
                )
    return out


def _short_runs(
    r: Roster, rule: str, value: bool, what: str, k_of: Callable[[Staff], int | None]
) -> list[Violation]:
    """Runs of `value` days shorter than k between two known days of the other kind, the later one inside
    the horizon: a run touching day H-1, or a day before the horizon without history, is exempt."""
    out = []
    for p in r.work:
        k = k_of(r.people[p])
        if k is None:
            continue
        lo = r.first_known(p) - 1  # a day without history: the edge of what is known
        states = [r.state(p, i) for i in range(lo, r.horizon)]
        for a, b in _runs([state is value for state in states], True):
            a, b = a + lo, b + lo
            bounded = r.state(p, a - 1) is (not value) if a > lo else False
            if -1 <= b < r.horizon - 1 and bounded and b - a + 1 < k:
                out.append(
                    Violation(
                        rule,
                        f"{r.name(p)}: {what} {_plural(b - a + 1, 'day')} in a row, {_span(r, a, b)}, "
                        f"at least {k} required",
                        p,
                        r.date(a),
                    )
                )
    return out


def hard_min_consecutive_work(r: Roster) -> list[Violation]:
    """A run of worked days between two days off is at least `contract.min_consecutive_work` long."""
    return _short_runs(
        r, Family.MIN_CONSECUTIVE_WORK, True, "works", lambda s: s.contract.min_consecutive_work
    )


def hard_min_consecutive_off(r: Roster) -> list[Violation]:
    """A run of days off between two worked days is at least `contract.min_consecutive_off` long."""
    return _short_runs(r, Family.MIN_CONSECUTIVE_OFF, False, "off", lambda s: s.contract.min_consecutive_off)


def hard_weekends(r: Roster) -> list[Violation]:
    """At most `max_weekends` worked weekends, and one off in any `weekend_off_every` consecutive ones."""
    weekends: dict[tuple[int, int], list[int]] = {}
    for i, day in enumerate(r.dates):
        if day.weekday() >= 5:
            iso = day.isocalendar()
            weekends.setdefault((iso.year, iso.week), []).append(i)
    out = []
    for p in r.work:
        c = r.people[p].contract
        inside = [any(r.works(p, i) for i in days) for days in weekends.values()]
        firsts = [r.dates[days[0]] for days in weekends.values()]
        if c.max_weekends is not None and sum(inside) > c.max_weekends:
            out.append(
                Violation(
                    Family.WEEKENDS,
                    f"{r.name(p)}: works {_plural(sum(inside), 'weekend')}, at most {c.max_weekends}",
                    p,
                )
            )
        n = c.weekend_off_every
        if n is None:
            continue
        # Weekends before the horizon (from the history) continue the row; a row is broken only when it
        # holds a weekend worked inside the horizon.
        past, past_firsts, cut = _past_weekends(r, p, firsts)
        worked = past + [w or (k == 0 and cut) for k, w in enumerate(inside)]
        inside = [False] * len(past) + inside
        firsts = past_firsts + firsts
        for a, b in _runs(worked, True):
            if b - a + 1 >= n and any(inside[a : b + 1]):
                out.append(
                    Violation(
                        Family.WEEKENDS,
                        f"{r.name(p)}: works {_plural(b - a + 1, 'weekend')} in a row from "
                        f"{firsts[a]}, one off in every {n} required",
                        p,
                        firsts[a],
                    )
                )
    return out


def _past_weekends(r: Roster, p: str, firsts: list[dt.date]) -> tuple[list[bool], list[dt.date], bool]:
    """The weekends before the horizon's first one, back to the person's history (oldest first): worked
    or not, and their Saturdays; and whether the first weekend, when the horizon starts on its Sunday,
    has a shift on that Saturday in the history."""
    if not firsts:
        return [], [], False

    def worked(day: dt.date) -> bool:
        i = (day - r.problem.horizon.start).days
        return i < 0 and r.past[p].get(i) is not None

    saturday = firsts[0] - dt.timedelta(days=firsts[0].weekday() - 5)
    earliest = r.date(r.first_known(p))
    past, saturdays = [], []
    week = saturday - dt.timedelta(days=7)
    while week + dt.timedelta(days=1) >= earliest:
        past.append(worked(week) or worked(week + dt.timedelta(days=1)))
        saturdays.append(week)
        week -= dt.timedelta(days=7)
    return past[::-1], saturdays[::-1], worked(saturday)


def hard_weekly_rest(r: Roster) -> list[Violation]:
    """Every 7 consecutive days of the horizon hold a rest day (a day off with enough rest around it)."""
    need = r.problem.rules.weekly_rest_minutes
    if need is None:
        return []
    out = []
    for p in r.work:
        lo = min(-7, r.first_known(p))
        rest = [_is_rest_day(r, p, i, need) for i in range(lo, r.horizon)]
        for a, b in _runs(rest, False):
            a, b = a + lo, b + lo
            # A row that ends on day -1 is the horizon's matter only when day -1 is off and day 0's shift
            # takes its rest away.
            if (b >= 0 or (b == -1 and r.state(p, -1) is not True)) and b - a + 1 >= 7:
                out.append(
                    Violation(
                        Family.WEEKLY_REST,
                        f"{r.name(p)}: no rest day of {_hm(need)} in "
                        f"{r.date(a)} … {r.date(b)} ({b - a + 1} days), one in every 7 required",
                        p,
                        r.date(a),
                    )
                )
    return out


def _is_rest_day(r: Roster, p: str, i: int, need: int) -> bool:
    """Day `i` is off, and not squeezed between two shifts whose gap is shorter than `need`; days before
    the horizon are read from the history (a day without an entry as off).

    With several shifts on a neighbouring day (itself a violation) every pair must leave the rest.
    """
    before, shifts, after = r.shifts_on(p, i - 1), r.shifts_on(p, i), r.shifts_on(p, i + 1)
    if shifts:
        return False
    if i == r.horizon - 1 or not before or not after:
        return True
    for s in before:
        for t in after:
            gap = _gap(r, s, i - 1, t, i + 1)
            if gap is not None and gap < need:
                return False
    return True


# ---- soft rules -------------------------------------------------------------------------------------


def _applicable_covers(problem: Problem) -> Iterator[tuple[int, Cover]]:
    """Per day and covered (shift, skill), the rule that applies: date, else weekday, else every day."""
    rules: dict[tuple[str, str | None, dt.date | int | None], Cover] = {}
    for c in problem.cover:
        level = c.date if c.date is not None else c.weekday
        rules[c.shift, c.skill, level] = c
    keys = list(dict.fromkeys((c.shift, c.skill) for c in problem.cover))
    for i, day in enumerate(problem.horizon.dates()):
        for shift, skill in keys:
            for level in (day, day.weekday(), None):
                rule = rules.get((shift, skill, level))
                if rule is not None:
                    yield i, rule
                    break


def _assigned(r: Roster, staffed: dict[tuple[int, str], list[str]], i: int, rule: Cover) -> int:
    """n: the people working the rule's shift on day `i`, having its skill when given."""
    return sum(1 for p in staffed.get((i, rule.shift), ()) if rule.skill is None or rule.skill in r.skills[p])


def soft_cover(r: Roster) -> list[Penalty]:
    """Each shift needs its cover: weight_under per person short, weight_over per person too many."""
    out = []
    staffed = _staffed(r)
    for i, rule in _applicable_covers(r.problem):
        n = _assigned(r, staffed, i, rule)
        cost = rule.weight_under * max(0, rule.need - n) + rule.weight_over * max(0, n - rule.need)
        if cost > 0:
            message = Msg.COVER_UNDER if n < rule.need else Msg.COVER_OVER
            params: Params = {
                "date": r.dates[i].isoformat(),
                "shift": rule.shift,
                "skill": rule.skill or "",
                "n": abs(rule.need - n),
                "need": rule.need,
            }
            out.append(
                Penalty(
                    family=Family.COVER,
                    cost=cost,
                    date=r.dates[i],
                    shift=rule.shift,
                    message=message,
                    params=params,
                )
            )
    return out


def _staffed(r: Roster) -> dict[tuple[int, str], list[str]]:
    """The people working each (day, shift)."""
    out: dict[tuple[int, str], list[str]] = defaultdict(list)
    for p, days in r.work.items():
        for i, day in days.items():
            for s in day:
                out[i, s].append(p)
    return out


def _route_slots(r: Roster) -> Iterator[tuple[Route, int, str]]:
    """Every route slot: (route, day on one of its weekdays, one of its shifts)."""
    for route in r.problem.routes:
        for i, day in enumerate(r.dates):
            if day.weekday() in route.weekdays:
                for s in route.shifts:
                    yield route, i, s


def _occupants(r: Roster) -> dict[tuple[str, int, str], set[str]]:
    """The people serving each (route, day, shift)."""
    out: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    for p, i, s, rid in r.served():
        out[rid, i, s].add(p)
    return out


def soft_route(r: Roster) -> list[Penalty]:
    """A route slot with nobody on it costs the route's `weight_unfilled`."""
    occupants = _occupants(r)
    return [
        Penalty(
            family=Family.ROUTE,
            cost=route.weight_unfilled,
            date=r.dates[i],
            shift=s,
            route=route.id,
            message=Msg.ROUTE_UNFILLED,
            params={
                "date": r.dates[i].isoformat(),
                "shift": s,
                "route": route.id,
                "route_name": route.name or route.id,
            },
        )
        for route, i, s in _route_slots(r)
        if route.weight_unfilled > 0 and not occupants.get((route.id, i, s))
    ]


def _cell(r: Roster, staff: str, date: dt.date, shift: str | None, route: str | None) -> Params:
    """The params of a message about one person's day: who, staff, date, shift and route ("" if none)."""
    return {
        "who": r.name(staff),
        "staff": staff,
        "date": date.isoformat(),
        "shift": shift or "",
        "route": route or "",
    }


def _wish_granted(r: Roster, wish: Wish) -> bool:
    """Whether a want/avoid wish is granted: its condition holds in the rota."""
    p, i, s, route = wish.staff, r.problem.horizon.index(wish.date), wish.shift, wish.route
    if s is not None and route is not None:
        hit = r.on(p, i, s, route)
    elif s is not None:
        hit = r.x(p, i, s)
    elif route is not None:
        hit = r.on_route(p, i, route)
    else:
        hit = r.works(p, i)
    return hit if wish.kind is WishKind.want else not hit


def _soft_wishes(problem: Problem) -> list[Wish]:
    return [w for w in problem.wishes if w.kind is not WishKind.veto]


def _wish_cost(r: Roster, wish: Wish) -> int:
    """The wish's weight when not granted, with the person's fairness credit (docs/rules.md)."""
    return 0 if _wish_granted(r, wish) else _credited(r.people[wish.staff], wish.weight)


def _credited(person: Staff, weight: int) -> int:
    """weight + floor((weight · fairness_credit + 50) / 100), written from the document."""
    return weight + math.floor((weight * person.fairness_credit + 50) / 100)


def _pick_cost(r: Roster, pick: SelfPick) -> int:
    i = r.problem.horizon.index(pick.date)
    kept = r.x(pick.staff, i, pick.shift) and (
        pick.route is None or r.on(pick.staff, i, pick.shift, pick.route)
    )
    return 0 if kept else _credited(r.people[pick.staff], pick.weight)


def soft_wish(r: Roster) -> list[Penalty]:
    """A `want` or `avoid` wish that is not granted costs its weight."""
    out = []
    for w in _soft_wishes(r.problem):
        cost = _wish_cost(r, w)
        if cost > 0:
            out.append(
                Penalty(
                    family=Family.WISH,
                    cost=cost,
                    staff=w.staff,
                    date=w.date,
                    shift=w.shift,
                    route=w.route,
                    message=Msg.WISH_WANT if w.kind is WishKind.want else Msg.WISH_AVOID,
                    params=_cell(r, w.staff, w.date, w.shift, w.route),
                )
            )
    return out


def soft_self_pick(r: Roster) -> list[Penalty]:
    """A self-picked shift (and route) that the rota does not keep costs its weight."""
    out = []
    for pick in r.problem.self_picks:
        cost = _pick_cost(r, pick)
        if cost > 0:
            out.append(
                Penalty(
                    family=Family.SELF_PICK,
                    cost=cost,
                    staff=pick.staff,
                    date=pick.date,
                    shift=pick.shift,
                    route=pick.route,
                    message=Msg.SELF_PICK_CHANGED,
                    params=_cell(r, pick.staff, pick.date, pick.shift, pick.route),
                )
            )
    return out


def soft_keep(r: Roster) -> list[Penalty]:
    """A draft cell (shift, and route when given) that the rota does not keep costs its weight."""
    out = []
    for cell in r.problem.keep:
        i = r.problem.horizon.index(cell.date)
        if cell.route is None:
            kept = r.x(cell.staff, i, cell.shift)
        else:
            kept = r.on(cell.staff, i, cell.shift, cell.route)
        if not kept and cell.weight > 0:
            out.append(
                Penalty(
                    family=Family.KEEP,
                    cost=cell.weight,
                    staff=cell.staff,
                    date=cell.date,
                    shift=cell.shift,
                    route=cell.route,
                    message=Msg.KEEP_CHANGED,
                    params=_cell(r, cell.staff, cell.date, cell.shift, cell.route),
                )
            )
    return out


def soft_contract(r: Roster) -> list[Penalty]:
    """Worked minutes outside the contract target ± tolerance cost `contract_hour` per started hour."""
    out = []
    targets = _targets(r.problem)
    for p in r.work:
        person = r.people[p]
        target = targets[p]
        if target is None:
            continue
        worked, tolerance = r.minutes(p), person.contract.target_tolerance_minutes
        dev = max(0, abs(worked - target) - tolerance)
        hours = -(-dev // 60)
        cost = r.problem.weights.contract_hour * hours
        if cost > 0:
            out.append(
                Penalty(
                    family=Family.CONTRACT,
                    cost=cost,
                    staff=p,
                    message=Msg.CONTRACT_OFF_TARGET,
                    params={"who": r.name(p), "staff": p, "hours": hours, "target": target / 60},
                )
            )
    return out


def soft_continuity(r: Roster) -> list[Penalty]:
    """Each route costs `continuity` per different person serving it beyond the first."""
    people: dict[str, set[str]] = defaultdict(set)
    for p, _, _, rid in r.served():
        people[rid].add(p)
    out = []
    weight = r.problem.weights.continuity
    for route in r.problem.routes:
        k = len(people.get(route.id, ()))
        cost = weight * max(0, k - 1)
        if cost > 0:
            out.append(
                Penalty(
                    family=Family.CONTINUITY,
                    cost=cost,
                    route=route.id,
                    message=Msg.CONTINUITY_CARERS,
                    params={"route": route.id, "route_name": route.name or route.id, "carers": k},
                )
            )
    return out


def soft_favourite(r: Roster) -> list[Penalty]:
    """A route slot served by someone with favourites, outside all of them, costs `route_not_favourite`."""
    weight = r.problem.weights.route_not_favourite
    out: list[Penalty] = []
    if weight == 0:
        return out
    for p, i, s, rid in r.served():
        person, route = r.people[p], r.routes[rid]
        if not (person.favourite_routes or person.favourite_districts):
            continue
        if rid not in person.favourite_routes and route.district not in person.favourite_districts:
            out.append(
                Penalty(
                    family=Family.FAVOURITE,
                    cost=weight,
                    staff=p,
                    date=r.dates[i],
                    shift=s,
                    route=rid,
                    message=Msg.FAVOURITE_OUTSIDE,
                    params={**_cell(r, p, r.dates[i], s, rid), "route_name": route.name or route.id},
                )
            )
    return out


def _unmet(r: Roster) -> dict[str, int]:
    """unmet(p): the sum of p's wish and self-pick costs."""
    unmet = {p.id: 0 for p in r.problem.staff}
    for w in _soft_wishes(r.problem):
        unmet[w.staff] += _wish_cost(r, w)
    for pick in r.problem.self_picks:
        unmet[pick.staff] += _pick_cost(r, pick)
    return unmet


def soft_fairness(r: Roster) -> list[Penalty]:
    """The largest unmet wish weight of anyone costs `fairness` per unit."""
    unmet = _unmet(r)
    worst = max(unmet.values(), default=0)
    cost = r.problem.weights.fairness * worst
    if cost <= 0:
        return []
    who = next(p for p, value in unmet.items() if value == worst)
    return [
        Penalty(
            family=Family.FAIRNESS,
            cost=cost,
            staff=who,
            message=Msg.FAIRNESS_WORST,
            params={"unmet": worst},
        )
    ]


# ---- public API -------------------------------------------------------------------------------------


def violations(problem: Problem, assignments: Iterable[Assignment]) -> list[Violation]:
    """Every broken hard rule of docs/rules.md, malformed assignments first; empty for a feasible rota."""
    r = _roster(problem, assignments)
    out = list(r.malformed)
    for family in families.hard_families():
        if family.check is not None:
            out.extend(family.check(r))
    return out


def penalties(problem: Problem, assignments: Iterable[Assignment]) -> list[Penalty]:
    """One record per soft cost that fired (cost > 0), family by family in registration order."""
    r = _roster(problem, assignments)
    return [penalty for family in families.soft_families() if family.check for penalty in family.check(r)]


def objective(problem: Problem, assignments: Iterable[Assignment]) -> int:
    """The objective of docs/rules.md: the sum of all penalty costs."""
    return sum(p.cost for p in penalties(problem, assignments))


def fulfilment(problem: Problem, assignments: Iterable[Assignment]) -> list[Fulfilment]:
    """Per person: want/avoid wishes and self-picks made and granted (cost 0), by count and weight."""
    r = _roster(problem, assignments)
    targets = _targets(problem)
    made: dict[str, list[tuple[int, int]]] = {p.id: [] for p in problem.staff}  # (weight, cost)
    for w in _soft_wishes(problem):
        made[w.staff].append((w.weight, _wish_cost(r, w)))
    for pick in problem.self_picks:
        made[pick.staff].append((pick.weight, _pick_cost(r, pick)))
    return [
        Fulfilment(
            staff=p.id,
            made=len(made[p.id]),
            granted=sum(1 for _, cost in made[p.id] if cost == 0),
            weight_made=sum(weight for weight, _ in made[p.id]),
            weight_granted=sum(weight for weight, cost in made[p.id] if cost == 0),
            minutes=r.minutes(p.id),
            target_minutes=targets[p.id],
        )
        for p in problem.staff
    ]


def coverage(problem: Problem, assignments: Iterable[Assignment]) -> list[SlotCoverage]:
    """Need and assigned for every (date, shift, skill) with an applicable cover rule and every route slot."""
    r = _roster(problem, assignments)
    staffed, occupants = _staffed(r), _occupants(r)
    out = [
        SlotCoverage(
            date=r.dates[i],
            shift=rule.shift,
            skill=rule.skill,
            need=rule.need,
            assigned=_assigned(r, staffed, i, rule),
        )
        for i, rule in _applicable_covers(problem)
    ]
    out.extend(
        SlotCoverage(
            date=r.dates[i],
            shift=s,
            route=route.id,
            need=1,
            assigned=len(occupants.get((route.id, i, s), ())),
        )
        for route, i, s in _route_slots(r)
    )
    out.sort(key=lambda c: c.date)
    return out
