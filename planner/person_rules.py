"""One person's hard rules at the moment a change is made: a claim (self-pick), a wish, a veto, a planner's
lock or a favourite route is refused (`RuleRefusal`, naming the rule and its values) when it cannot hold.

A claim or a lock is checked by the independent checker (`solver/check.py`) on a one-person problem
narrowed from the one the solver gets (`mapping.build_problem`, so the same rules, shift lengths and
any history of the previous period): the person's fixed cells (their claims and the planner's locks for a
claim, only the locks for a lock) with the proposed change. Only rules that more work can only break are
asked of such a partial rota: one shift a day, skills, routes, days off / absences / vetoes, locks, daily
rest and successions, weekly rest, the longest run of work, the most shifts of a type, the most minutes
(contract or 48 h average), weekends. Minimum hours and minimum runs are left out: a partial rota cannot
meet them yet, and the solver fills the rest. A change is refused only for a break it adds (or makes
worse): claims stored under older rules do not block an unrelated one.

Reads through the caller's session (the caller checked the role); never writes or commits. No FastAPI.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from sqlmodel import Session, select

from planner import mapping
from planner.errors import RuleRefusal
from planner.models import Lock, Period, Route, SelfPick, ShiftType, Staff
from planner.people import person_label
from solver import check
from solver.clock import Clock
from solver.problem import Absence, Contract, Problem
from solver.problem import Lock as ProblemLock
from solver.problem import Staff as ProblemStaff
from solver.solution import Assignment

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The contract bounds that only a whole rota can meet (a partial one is short of them by nature).
_MINIMA = {"min_minutes": None, "min_consecutive_work": None, "min_consecutive_off": None}
# Which of several new breaks to name: the day's own reasons first, then the checker's order.
_FIRST = ("days_off", "lock", "one_shift_a_day")

OffCode = Literal["absence", "day_off", "weekday_off"]


# ---- days off ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayOff:
    """Why a person is off a day whatever the rota: an absence (with its span and reason), a fixed day
    off or a fixed weekday off."""

    code: OffCode
    date: dt.date
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str = ""
    weekday: int | None = None

    @property
    def params(self) -> dict[str, Any]:
        if self.code == "absence":
            return {"date": self.date, "start": self.start, "end": self.end, "reason": self.reason}
        if self.code == "weekday_off":
            return {"date": self.date, "weekday": self.weekday}
        return {"date": self.date}

    def refusal(self, what: str) -> RuleRefusal:
        """`what` ("a claim", "a wish to work") refused on this day, in English for the API."""
        if self.code == "absence":
            because = f"absent {self.start} … {self.end}" + (f" ({self.reason})" if self.reason else "")
        elif self.code == "weekday_off":
            because = f"a fixed weekday off ({WEEKDAYS[self.weekday or 0]})"
        else:
            because = "a fixed day off"
        return RuleRefusal(self.code, f"{what} on {self.date} is refused: {because}", **self.params)


def _absences(person: Staff | ProblemStaff) -> Iterable[tuple[dt.date, dt.date, str]]:
    """(start, end, reason) of each absence, from a stored person (JSON) or the solver's record."""
    for a in person.absences:
        if isinstance(a, Absence):
            yield a.start, a.end, a.reason
        else:
            start, end = (dt.date.fromisoformat(str(a[k])) for k in ("start", "end"))
            yield start, end, str(a.get("reason") or "")


def day_off(person: Staff | ProblemStaff, day: dt.date) -> DayOff | None:
    """The person's reason to be off `day` whatever the rota: an absence first, then a fixed day off,
    then a fixed weekday off; None on a day they may work."""
    for start, end, reason in _absences(person):
        if start <= day <= end:
            return DayOff("absence", day, start, end, reason)
    if day in {d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in person.days_off}:
        return DayOff("day_off", day)
    if day.weekday() in person.weekdays_off:
        return DayOff("weekday_off", day, weekday=day.weekday())
    return None


def days_off(person: Staff, first: dt.date, last: dt.date) -> dict[dt.date, DayOff]:
    """`day_off` for every day from `first` to `last` that has one."""
    out = {}
    for i in range((last - first).days + 1):
        day = first + dt.timedelta(days=i)
        off = day_off(person, day)
        if off is not None:
            out[day] = off
    return out


# ---- routes a person can serve ----------------------------------------------------------------------


def missing_skills(person: Staff, route: Route, shifts: Sequence[ShiftType]) -> list[str]:
    """The skills the person lacks to serve the route: the route's own (any one of them), else those of
    its shifts (any one of one of them); empty when they can serve it."""
    skills = set(person.skills)
    if route.skills and skills.isdisjoint(route.skills):
        return list(route.skills)
    needed = {s.code: s.skills for s in shifts}
    if any(not needed.get(code) or not skills.isdisjoint(needed[code]) for code in route.shifts):
        return []
    return sorted({skill for code in route.shifts for skill in needed.get(code, [])})


def check_favourites(
    person: Staff, routes: Sequence[str], team_routes: Sequence[Route], shifts: Sequence[ShiftType]
) -> None:
    """Refuse a favourite route the person may not serve (`route`, why `skills`)."""
    by_code = {r.code: r for r in team_routes}
    for code in routes:
        route = by_code.get(code)
        lacking = missing_skills(person, route, shifts) if route is not None else []
        if route is not None and lacking:
            raise RuleRefusal(
                "route",
                f"route {code!r} needs one of {', '.join(lacking)}: it cannot be a favourite of "
                f"staff {person.code!r}",
                route=code,
                route_name=route.name or code,
                why="skills",
                skills=lacking,
            )


# ---- wishes and vetoes ------------------------------------------------------------------------------


def check_want(person: Staff, day: dt.date) -> None:
    """A wish to work a day the person is off whatever the rota is refused with that reason."""
    off = day_off(person, day)
    if off is not None:
        raise off.refusal("a wish to work")


def check_veto(session: Session, period: Period, staff_id: int, day: dt.date) -> None:
    """A veto on a day the person has claimed a shift (`claimed`) or the planner locked them to one
    (`lock`) is refused: the day could not be both."""
    names = _names(session, period.team_id)
    pick = session.exec(
        select(SelfPick).where(
            SelfPick.period_id == period.id, SelfPick.staff_id == staff_id, SelfPick.date == day
        )
    ).first()
    if pick is not None:
        raise RuleRefusal(
            "claimed",
            f"{day} cannot be a veto day: {person_label(session, staff_id)} has claimed {pick.shift} "
            "that day; release it first",
            date=day,
            **_cell(names, pick.shift, pick.route),
        )
    lock = _lock(session, period, staff_id, day)
    if lock is not None and lock.shift is not None:
        raise _lock_refusal(names, lock, f"{day} cannot be a veto day")


# ---- claims and locks -------------------------------------------------------------------------------


def check_claim(
    session: Session, period: Period, person: Staff, day: dt.date, shift: str, route: str | None
) -> None:
    """Refuse a claim that cannot hold with the person's claims and locks and their hard rules, or a
    route slot the planner locked for someone else (`taken`)."""
    assert person.id is not None
    _serialise(session, person.id)
    names = _names(session, period.team_id)
    if route is not None:
        other = session.exec(
            select(Lock).where(
                Lock.period_id == period.id,
                Lock.date == day,
                Lock.shift == shift,
                Lock.route == route,
                Lock.staff_id != person.id,
            )
        ).first()
        if other is not None:
            raise RuleRefusal(
                "taken",
                f"route {route!r} on {day} ({shift}) is already taken (locked by the planner)",
                date=day,
                **_cell(names, shift, route),
                by="lock",
            )
    lock = _lock(session, period, person.id, day)
    if lock is not None and not _fits(lock, shift, route):
        raise _lock_refusal(names, lock, f"a claim of {shift} on {day} is refused")
    _check_cells(
        session,
        period,
        person,
        Assignment(staff=person.code, date=day, shift=shift, route=route),
        claims=True,
    )


def check_lock(
    session: Session, period: Period, person: Staff, day: dt.date, shift: str | None, route: str | None
) -> None:
    """Refuse a planner's lock (a shift, or a day off with `shift` None) that cannot hold with the
    person's other locks and their hard rules, or a route slot locked for someone else
    (`route_locked`). The person's claims and the draft are not fixed for the planner."""
    assert person.id is not None
    if shift is None:
        return  # a day off breaks no rule that more work could
    _serialise(session, person.id)
    names = _names(session, period.team_id)
    if route is not None:
        other = session.exec(
            select(Lock).where(
                Lock.period_id == period.id,
                Lock.date == day,
                Lock.shift == shift,
                Lock.route == route,
                Lock.staff_id != person.id,
            )
        ).first()
        if other is not None:
            holder = person_label(session, other.staff_id)
            raise RuleRefusal(
                "route_locked",
                f"route {route!r} on {day} ({shift}) is locked to {holder}",
                date=day,
                **_cell(names, shift, route),
                name=holder,
            )
    _check_cells(
        session,
        period,
        person,
        Assignment(staff=person.code, date=day, shift=shift, route=route),
        claims=False,
    )


def _fits(lock: Lock, shift: str, route: str | None) -> bool:
    """Whether a claim is what the lock already fixes (a lock without a route takes any)."""
    return lock.shift == shift and (lock.route is None or lock.route == route)


def _lock(session: Session, period: Period, staff_id: int, day: dt.date) -> Lock | None:
    return session.exec(
        select(Lock).where(Lock.period_id == period.id, Lock.staff_id == staff_id, Lock.date == day)
    ).first()


def _lock_refusal(names: _Names, lock: Lock, what: str) -> RuleRefusal:
    fixed = (
        "off"
        if lock.shift is None
        else f"to {lock.shift}" + (f" on route {lock.route}" if lock.route else "")
    )
    return RuleRefusal(
        "lock",
        f"{what}: the planner has locked {lock.date} {fixed}",
        date=lock.date,
        **_cell(names, lock.shift, lock.route),
    )


def _serialise(session: Session, staff_id: int) -> None:
    """Lock the person's row until commit: two changes of one person (two claims from two windows) are
    checked one after the other, each seeing the other (PostgreSQL; SQLite's write transactions are
    serial already, `BEGIN IMMEDIATE` in `planner.db`)."""
    session.exec(select(Staff.id).where(Staff.id == staff_id).with_for_update()).one()


@dataclass(frozen=True, slots=True)
class _Names:
    shifts: Mapping[str, str]
    routes: Mapping[str, str]


def _names(session: Session, team_id: int) -> _Names:
    _, shifts, routes, _ = mapping.team_rows(session, team_id)
    return _Names({s.code: s.name or s.code for s in shifts}, {r.code: r.name or r.code for r in routes})


def _cell(names: _Names, shift: str | None, route: str | None) -> dict[str, Any]:
    return {
        "shift": shift,
        "shift_name": names.shifts.get(shift, shift) if shift else None,
        "route": route,
        "route_name": names.routes.get(route, route) if route else None,
    }


def cell_params(
    session: Session, team_id: int, day: dt.date, shift: str | None, route: str | None
) -> dict[str, Any]:
    """A refusal's values for one cell: the date, the shift and route codes and their names."""
    return {"date": day, **_cell(_names(session, team_id), shift, route)}


# ---- the one-person check ---------------------------------------------------------------------------


def _check_cells(session: Session, period: Period, person: Staff, new: Assignment, *, claims: bool) -> None:
    """Check the person's fixed cells with `new` (a claim, or a lock replacing theirs that day); raise
    the first rule it breaks that was not broken without it."""
    problem = mapping.build_problem(session, period)
    code = person.code
    locks = {lk.date: lk for lk in problem.locks if lk.staff == code}
    picks = {p.date: p for p in problem.self_picks if p.staff == code} if claims else {}
    before = _fixed(code, locks, picks)
    if claims:
        # A claim on a day the planner locked to the same shift: the claim's route is what is checked.
        after_locks = locks
        after = sorted([*(a for a in before if a.date != new.date), new], key=lambda a: a.date)
    else:
        after_locks = {
            **locks,
            new.date: ProblemLock(staff=code, date=new.date, shift=new.shift, route=new.route),
        }
        after = _fixed(code, after_locks, picks)
    old = set(check.violations(_one_person(problem, code, locks.values()), before))
    alone = _one_person(problem, code, after_locks.values())
    added = [v for v in check.violations(alone, after) if v not in old]
    if not added:
        return
    added.sort(key=lambda v: _FIRST.index(v.rule) if v.rule in _FIRST else len(_FIRST))
    raise _refusal(added[0], alone, after, new)


def _fixed(code: str, locks: Mapping[dt.date, ProblemLock], picks: Mapping[dt.date, Any]) -> list[Assignment]:
    """The person's fixed work: each lock with a shift, and each claim on a day without a lock."""
    out = [
        Assignment(staff=code, date=d, shift=lk.shift, route=lk.route) for d, lk in locks.items() if lk.shift
    ]
    out += [
        Assignment(staff=code, date=d, shift=p.shift, route=p.route)
        for d, p in picks.items()
        if d not in locks
    ]
    return sorted(out, key=lambda a: a.date)


def _one_person(problem: Problem, code: str, locks: Iterable[ProblemLock]) -> Problem:
    """The problem narrowed to one person: their record (without the contract minima), their vetoes
    and `locks`, and whatever else of the problem is kept per person (a history of the previous
    period); no cover, wishes to weigh, self-picks or draft cells (soft rules only)."""
    person = problem.person(code)
    contract = Contract.model_validate({**person.contract.model_dump(), **_MINIMA})
    staff = person.model_copy(update={"contract": contract})
    update: dict[str, Any] = {
        "staff": [staff],
        "cover": [],
        "wishes": [w for w in problem.wishes if w.staff == code and w.kind == "veto"],
        "self_picks": [],
        "keep": [],
        "locks": list(locks),
    }
    for name in type(problem).model_fields:
        value = getattr(problem, name)
        if name in update or not isinstance(value, list | dict) or not value:
            continue
        if isinstance(value, dict):
            update[name] = {k: v for k, v in value.items() if k == code}
        elif isinstance(value, list) and all(hasattr(item, "staff") for item in value):
            update[name] = [item for item in value if item.staff == code]
    return problem.model_copy(update=update)


# ---- a broken rule as a refusal ---------------------------------------------------------------------


def _refusal(v: check.Violation, problem: Problem, cells: list[Assignment], new: Assignment) -> RuleRefusal:
    """The checker's violation as a `RuleRefusal`: its rule as the code (`succession` split into
    `daily_rest` and `succession`, `days_off` into its reasons, `weekends` into `weekends` and
    `weekend_off_every`), its values recomputed from the one-person problem; the checker's sentence is
    the English message."""
    person: ProblemStaff = problem.staff[0]
    contract = person.contract
    # The history (the last shifts of the previous period) is where a rest or a run may begin.
    by_day = {
        h.date: Assignment(staff=person.id, date=h.date, shift=h.shift)
        for h in problem.history
        if h.staff == person.id and h.shift is not None
    }
    by_day.update({a.date: a for a in cells})
    shifts = {s.code: s for s in problem.shift_types}
    routes = {r.id: r for r in problem.routes}

    def cell(a: Assignment) -> dict[str, Any]:
        route = routes.get(a.route) if a.route else None
        return {
            "shift": a.shift,
            "shift_name": shifts[a.shift].name or a.shift,
            "route": a.route,
            "route_name": (route.name or route.id) if route else None,
        }

    def refuse(code: str, **params: Any) -> RuleRefusal:
        return RuleRefusal(code, v.message, **params)

    day = v.date or new.date
    if v.rule == "days_off":
        off = day_off(person, day)
        if off is not None:
            return RuleRefusal(off.code, v.message, **off.params)
        return refuse("veto", date=day)
    if v.rule in ("succession",) and day in by_day:
        return _succession(v, problem, by_day, day, cell)
    if v.rule == "max_shifts":
        for s, limit in contract.max_shifts.items():
            count = sum(1 for a in cells if a.shift == s)
            if count > limit:
                return refuse("max_shifts", shift=s, shift_name=shifts[s].name or s, count=count, limit=limit)
    if v.rule == "minutes":
        clock = Clock.of(problem)
        worked = sum(clock.minutes(a.shift, problem.horizon.index(a.date)) for a in cells)
        return refuse("minutes", minutes=worked, limit=_max_minutes(problem, person))
    if v.rule == "max_consecutive_work" and v.date is not None:
        end = v.date
        while end + dt.timedelta(days=1) in by_day:
            end += dt.timedelta(days=1)
        days = (end - v.date).days + 1
        return refuse(
            "max_consecutive_work", start=v.date, end=end, days=days, limit=contract.max_consecutive_work
        )
    if v.rule == "weekly_rest":
        return refuse("weekly_rest", date=v.date, need=problem.rules.weekly_rest_minutes)
    if v.rule == "weekends":
        if v.date is None and contract.max_weekends is not None:
            weekends = {a.date.isocalendar()[:2] for a in cells if a.date.weekday() >= 5}
            return refuse("weekends", count=len(weekends), limit=contract.max_weekends)
        return refuse("weekend_off_every", date=v.date, every=contract.weekend_off_every)
    if v.rule in ("skills", "route", "one_shift_a_day") and day in by_day:
        a = by_day[day]
        if v.rule == "skills":
            return refuse("skills", date=day, **cell(a), skills=list(shifts[a.shift].skills))
        if v.rule == "route" and a.route in routes:
            route = routes[a.route]
            why = (
                "weekday"
                if day.weekday() not in route.weekdays
                else "shift"
                if a.shift not in route.shifts
                else "skills"
            )
            return refuse("route", date=day, **cell(a), why=why, skills=list(route.skills))
        if v.rule == "one_shift_a_day":
            first = next(x for x in cells if x.date == day)
            return refuse("one_shift_a_day", date=day, **cell(first))
    if v.rule == "lock":
        lock = next((lk for lk in problem.locks if lk.date == day), None)
        if lock is not None and lock.shift is not None:
            return refuse(
                "lock",
                date=day,
                **cell(Assignment(staff=person.id, date=day, shift=lock.shift, route=lock.route)),
            )
        return refuse("lock", date=day, shift=None, shift_name=None, route=None, route_name=None)
    return refuse(v.rule, date=v.date)


def _succession(
    v: check.Violation, problem: Problem, by_day: Mapping[dt.date, Assignment], day: dt.date, cell: Any
) -> RuleRefusal:
    """`daily_rest` (too little rest between two shifts) or `succession` (a forbidden pair) from day `day`."""
    clock = Clock.of(problem)
    first = by_day[day]
    i = problem.horizon.index(day)
    need = problem.rules.min_rest_minutes
    forbidden = set(map(tuple, problem.rules.forbidden_successions))
    for later in (1, 2):
        nxt = by_day.get(day + dt.timedelta(days=later))
        if nxt is None:
            continue
        pair = {"date": day, **_pick(cell(first), "shift", "shift_name")}
        pair.update(next_date=nxt.date, next_shift=nxt.shift, next_shift_name=cell(nxt)["shift_name"])
        end, start = clock.end(first.shift, i), clock.start(nxt.shift, i + later)
        if need is not None and end is not None and start is not None and start - end < need:
            return RuleRefusal("daily_rest", v.message, **pair, rest=start - end, need=need)
        if later == 1 and (
            nxt.shift in problem.shift(first.shift).forbidden_next or (first.shift, nxt.shift) in forbidden
        ):
            return RuleRefusal("succession", v.message, **pair)
    return RuleRefusal("succession", v.message, date=day)


def _pick(values: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: values[k] for k in keys}


def _max_minutes(problem: Problem, person: ProblemStaff) -> int | None:
    """The most minutes allowed (docs/rules.md): the contract maximum or the weekly-hours cap, the lower."""
    bounds = [] if person.contract.max_minutes is None else [person.contract.max_minutes]
    hours = problem.rules.max_average_weekly_hours
    if hours is not None:
        bounds.append(math.floor(Fraction(str(hours)) * 60 * problem.horizon.days / 7))
    return min(bounds, default=None)
