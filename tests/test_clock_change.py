"""Nights across the clock change: with `horizon.time_zone` every rule counts the real length of a shift
and real gaps between shifts (solver/clock.py); without it, clock times are nominal as before.

In Europe/Copenhagen the night 24→25 October 2026, 23:00–07:00, lasts 9 h and the night 28→29 March
2026 lasts 7 h."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import solve_checked, tiny
from icalendar import Calendar
from pydantic import ValidationError

from planner.calendar import person_calendar
from solver import check
from solver.clock import Clock
from solver.problem import Problem
from solver.solution import Assignment

CPH = "Europe/Copenhagen"
AUTUMN = dt.date(2026, 10, 19)  # Monday; the clocks go back in the night of Saturday 24 October
SPRING = dt.date(2026, 3, 23)  # Monday; the clocks go forward in the night of Saturday 28 March
SHIFTS = [
    {"code": "dag", "start": "07:00", "minutes": 480},
    {"code": "sen", "start": "09:00", "minutes": 480},
    {"code": "ti", "start": "10:00", "minutes": 480},
    {"code": "aften", "start": "15:00", "minutes": 480},
    {"code": "nat", "start": "23:00", "minutes": 480},
]


def week(start: dt.date, zone: str | None, **overrides: Any) -> Problem:
    data: dict[str, Any] = {
        "horizon": {"start": start.isoformat(), "days": 7, "time_zone": zone},
        "shift_types": SHIFTS,
        "staff": [{"id": "mette", "name": "Mette"}],
    }
    return tiny(**(data | overrides))


def lock(on: dt.date, shift: str | None) -> dict[str, Any]:
    return {"staff": "mette", "date": on.isoformat(), "shift": shift}


def test_the_clock_gives_real_lengths_only_with_a_time_zone() -> None:
    autumn, spring = Clock.of(week(AUTUMN, CPH)), Clock.of(week(SPRING, CPH))
    assert [autumn.minutes("nat", d) for d in range(7)] == [480] * 5 + [540, 480]
    assert [spring.minutes("nat", d) for d in range(7)] == [480] * 5 + [420, 480]
    assert autumn.minutes("dag", 6) == spring.minutes("aften", 5) == 480
    assert Clock.of(week(AUTUMN, None)).minutes("nat", 5) == 480
    # Instants are real minutes since the horizon's first midnight: Sunday 07:00 in October is 1 h later.
    assert autumn.end("nat", 5) == 6 * 1440 + 7 * 60 + 60
    assert spring.end("nat", 5) == 6 * 1440 + 7 * 60 - 60
    assert autumn.start("dag", -1) == -1440 + 7 * 60


@pytest.mark.parametrize(("start", "minutes"), [(AUTUMN, 540), (SPRING, 420)])
def test_a_night_over_the_change_counts_its_real_minutes(start: dt.date, minutes: int) -> None:
    saturday = start + dt.timedelta(days=5)
    staff = [{"id": "mette", "name": "Mette", "contract": {"weekly_hours": minutes / 60}}]
    weights = {"contract_hour": 5, "continuity": 0, "fairness": 0, "route_not_favourite": 0}
    locks = [lock(start + dt.timedelta(days=i), "nat" if i == 5 else None) for i in range(7)]
    problem = week(start, CPH, staff=staff, weights=weights, locks=locks)
    solution = solve_checked(problem)
    # Target 5 weekdays × weekly hours / 5 = the night's real length: no contract cost, exact minutes.
    assert solution.objective == 0
    [mine] = solution.fulfilment
    assert (mine.minutes, mine.target_minutes) == (minutes, minutes)
    # The same rota counted in nominal time misses the target by one hour.
    nominal = week(start, None, staff=staff, weights=weights, locks=locks)
    assert check.objective(nominal, solution.assignments) == 5
    assert check.fulfilment(nominal, solution.assignments)[0].minutes == 480
    assert saturday in {a.date for a in solution.assignments}


def test_minute_bounds_read_the_real_length() -> None:
    staff = [{"id": "mette", "contract": {"max_minutes": 500}}]
    autumn_night = week(AUTUMN, CPH, staff=staff, locks=[lock(AUTUMN + dt.timedelta(days=5), "nat")])
    assert solve_checked(autumn_night).status == "INFEASIBLE"
    ordinary_night = week(AUTUMN, CPH, staff=staff, locks=[lock(AUTUMN + dt.timedelta(days=4), "nat")])
    assert solve_checked(ordinary_night).has_rota
    staff = [{"id": "mette", "contract": {"min_minutes": 450}}]
    spring = [lock(SPRING + dt.timedelta(days=i), "nat" if i == 5 else None) for i in range(7)]
    assert solve_checked(week(SPRING, CPH, staff=staff, locks=spring)).status == "INFEASIBLE"
    assert solve_checked(week(SPRING, None, staff=staff, locks=spring)).has_rota


def _rules(**rules: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "min_rest_minutes": None,
        "weekly_rest_minutes": None,
        "max_average_weekly_hours": None,
        "max_vetoes": None,
    }
    return base | rules


def test_the_daily_rest_is_real_time() -> None:
    """Evening to 23:00 on Saturday, then Sunday: 09:00 leaves 11 h in October (10 h nominal), 10:00
    leaves 10 h in March (11 h nominal)."""
    rules = _rules(min_rest_minutes=660)
    sat, sun = AUTUMN + dt.timedelta(days=5), AUTUMN + dt.timedelta(days=6)
    locks = [lock(sat, "aften"), lock(sun, "sen")]
    assert solve_checked(week(AUTUMN, CPH, rules=rules, locks=locks)).has_rota
    assert solve_checked(week(AUTUMN, None, rules=rules, locks=locks)).status == "INFEASIBLE"

    sat, sun = SPRING + dt.timedelta(days=5), SPRING + dt.timedelta(days=6)
    locks = [lock(sat, "aften"), lock(sun, "ti")]
    assert solve_checked(week(SPRING, None, rules=rules, locks=locks)).has_rota
    assert solve_checked(week(SPRING, CPH, rules=rules, locks=locks)).status == "INFEASIBLE"
    rota = [
        Assignment(staff="mette", date=sat, shift="aften"),
        Assignment(staff="mette", date=sun, shift="ti"),
    ]
    [found] = check.violations(week(SPRING, CPH, rules=rules), rota)
    assert found.message == "Mette: 2026-03-28 aften then 2026-03-29 ti leaves 10 h rest, 11 h required"


def test_the_weekly_rest_is_real_time() -> None:
    """Evenings Tuesday–Saturday, Sunday off, Monday 09:00: 34 h nominal, 35 h in real time in October."""
    rules = _rules(weekly_rest_minutes=35 * 60)
    start = AUTUMN + dt.timedelta(days=1)  # Tuesday 20 October … Monday 26 October
    days = [start + dt.timedelta(days=i) for i in range(7)]
    locks = [lock(d, "aften") for d in days[:5]] + [lock(days[5], None), lock(days[6], "sen")]
    assert solve_checked(week(start, CPH, rules=rules, locks=locks)).has_rota
    assert solve_checked(week(start, None, rules=rules, locks=locks)).status == "INFEASIBLE"
    rota = [Assignment(staff="mette", date=lk["date"], shift=lk["shift"]) for lk in locks if lk["shift"]]
    assert [v.rule for v in check.violations(week(start, None, rules=rules), rota)] == ["weekly_rest"]
    assert check.violations(week(start, CPH, rules=rules), rota) == []


def test_the_calendar_holds_the_real_instants() -> None:
    problem = week(AUTUMN, CPH)
    night = Assignment(staff="mette", date=AUTUMN + dt.timedelta(days=5), shift="nat")
    ics = person_calendar(problem, [night], staff="mette", rota_id=1)
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert (start.hour, end.hour) == (23, 7) and str(start.tzinfo) == CPH
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=9)


def test_an_unknown_time_zone_is_refused_with_its_field() -> None:
    with pytest.raises(ValidationError) as info:
        week(AUTUMN, "Europe/Kopenhagen")
    assert "horizon.time_zone" in str(info.value)
    assert "unknown IANA time zone 'Europe/Kopenhagen'" in str(info.value)
