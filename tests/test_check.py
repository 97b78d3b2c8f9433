"""Tests of the independent checker `solver.check` on tiny hand-made problems whose answer is known by hand.

Every hard rule has a roster that breaks it and one that just respects it; every soft family has an
exact-cost test. Dates count from Monday 2025-03-03 (`d(0)`); `Rules.none()` is the default so that each
test switches on only the rule it is about.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver import check
from solver.problem import Problem, Rules
from solver.solution import Assignment, Fulfilment, SlotCoverage

MONDAY = dt.date(2025, 3, 3)

SHIFTS: list[dict[str, Any]] = [
    {"code": "day", "start": "07:00", "minutes": 480},
    {"code": "evening", "start": "15:00", "minutes": 480},
    {"code": "night", "start": "23:00", "minutes": 480},
]
PEOPLE: list[dict[str, Any]] = [
    {"id": "mette", "name": "Mette", "skills": ["nurse"]},
    {"id": "anne", "name": "Anne", "skills": ["helper"]},
    {"id": "bo", "name": "Bo"},
]


def d(i: int) -> dt.date:
    """Day `i` of the horizon (day 0 is Monday 2025-03-03)."""
    return MONDAY + dt.timedelta(days=i)


def make(
    days: int = 7,
    *,
    staff: list[dict[str, Any]] | None = None,
    shifts: list[dict[str, Any]] | None = None,
    rules: Rules | None = None,
    start: dt.date = MONDAY,
    holidays: list[dt.date] | None = None,
    **extra: Any,
) -> Problem:
    """A small problem: Mette, Anne and Bo, the three standard shifts, and no working-time rules."""
    return Problem.model_validate(
        {
            "horizon": {"start": start, "days": days, "public_holidays": holidays or []},
            "shift_types": shifts or SHIFTS,
            "staff": staff or PEOPLE,
            "rules": (rules or Rules.none()).model_dump(),
            **extra,
        }
    )


def person(**fields: Any) -> list[dict[str, Any]]:
    """Mette alone, with the given extra fields."""
    return [{"id": "mette", "name": "Mette", "skills": ["nurse"], **fields}]


def contract(**terms: Any) -> list[dict[str, Any]]:
    """Mette alone, with the given contract terms."""
    return person(contract=terms)


def a(staff: str, day: int, shift: str, route: str | None = None) -> Assignment:
    return Assignment(staff=staff, date=d(day), shift=shift, route=route)


def works(shift: str, *days: int, staff: str = "mette") -> list[Assignment]:
    return [a(staff, i, shift) for i in days]


def rules_of(problem: Problem, roster: list[Assignment]) -> list[str]:
    return [v.rule for v in check.violations(problem, roster)]


def families(problem: Problem, roster: list[Assignment]) -> dict[str, int]:
    """Total cost per penalty family."""
    out: dict[str, int] = {}
    for p in check.penalties(problem, roster):
        out[p.family] = out.get(p.family, 0) + p.cost
    return out


ROUTE_R1: dict[str, Any] = {"id": "R1", "shifts": ["day", "evening"], "weight_unfilled": 0}
NO_SOFT_WEIGHTS: dict[str, int] = {
    "contract_hour": 0,
    "continuity": 0,
    "fairness": 0,
    "route_not_favourite": 0,
}


# ---- malformed assignments --------------------------------------------------------------------------


def test_a_clean_roster_has_no_violations_and_no_cost() -> None:
    problem = make()
    roster = works("day", 0, 1, 2) + works("evening", 0, 3, staff="anne")
    assert check.violations(problem, roster) == []
    assert check.penalties(problem, roster) == []
    assert check.objective(problem, roster) == 0


@pytest.mark.parametrize(
    ("assignment", "needle"),
    [
        (Assignment(staff="zz", date=MONDAY, shift="day"), "'zz'"),
        (Assignment(staff="mette", date=MONDAY, shift="late"), "'late'"),
        (Assignment(staff="mette", date=MONDAY, shift="day", route="R9"), "'R9'"),
        (Assignment(staff="mette", date=d(7), shift="day"), "outside the horizon"),
        (Assignment(staff="mette", date=d(-1), shift="day"), "outside the horizon"),
    ],
)
def test_malformed_assignments_are_unknown_references(assignment: Assignment, needle: str) -> None:
    problem = make(routes=[ROUTE_R1])
    found = check.violations(problem, [assignment])
    assert [v.rule for v in found] == ["unknown_reference"]
    assert needle in found[0].message
    assert found[0].date == assignment.date
    check.penalties(problem, [assignment])
    check.fulfilment(problem, [assignment])
    check.coverage(problem, [assignment])


def test_an_unknown_route_still_counts_the_shift() -> None:
    problem = make(routes=[ROUTE_R1])
    [mette, *_] = check.fulfilment(problem, [a("mette", 0, "day", "R9")])
    assert mette.minutes == 480


def test_two_assignments_on_one_day_break_one_shift_a_day() -> None:
    found = check.violations(make(), [a("mette", 1, "day"), a("mette", 1, "evening")])
    assert [v.rule for v in found] == ["one_shift_a_day"]
    assert found[0].staff == "mette" and found[0].date == d(1)
    assert "Mette: 2 assignments on 2025-03-04 (day, evening)" in found[0].message


def test_an_exact_duplicate_is_reported_and_counted_once() -> None:
    problem = make()
    roster = [a("mette", 0, "day"), a("mette", 0, "day")]
    assert rules_of(problem, roster) == ["one_shift_a_day"]
    assert check.fulfilment(problem, roster)[0].minutes == 480


def test_one_shift_each_day_is_fine() -> None:
    assert rules_of(make(), works("day", 0, 1, 2, 3, 4, 5, 6)) == []


# ---- shift skills -----------------------------------------------------------------------------------


NURSE_NIGHT = [*SHIFTS[:2], {"code": "night", "start": "23:00", "minutes": 480, "skills": ["nurse", "ssa"]}]


def test_a_shift_with_skills_needs_one_of_them() -> None:
    problem = make(shifts=NURSE_NIGHT)
    found = check.violations(problem, works("night", 0, staff="anne") + works("night", 1, staff="bo"))
    assert [(v.rule, v.staff) for v in found] == [("skills", "anne"), ("skills", "bo")]
    assert "Anne: works night on 2025-03-03 without any of its skills (nurse, ssa)" in found[0].message


def test_one_of_the_skills_is_enough() -> None:
    problem = make(shifts=NURSE_NIGHT)
    assert rules_of(problem, works("night", 0) + works("day", 0, staff="anne")) == []


# ---- routes -----------------------------------------------------------------------------------------


NURSE_ROUTE: dict[str, Any] = {
    "id": "R1",
    "shifts": ["day"],
    "weekdays": [0, 1, 2, 3, 4],
    "skills": ["nurse"],
}
FREE_ROUTE: dict[str, Any] = {"id": "R2", "shifts": ["day", "evening"]}


@pytest.mark.parametrize(
    ("roster", "needle"),
    [
        ([a("mette", 5, "day", "R1")], "does not run on 2025-03-08 (Saturday)"),
        ([a("mette", 0, "evening", "R1")], "does not run in shift evening"),
        ([a("anne", 0, "day", "R1")], "without any of its skills (nurse)"),
        (
            [a("mette", 0, "day", "R2"), a("anne", 0, "day", "R2")],
            "served by 2 people (Mette, Anne), at most 1",
        ),
    ],
)
def test_route_rules_are_enforced(roster: list[Assignment], needle: str) -> None:
    found = check.violations(make(routes=[NURSE_ROUTE, FREE_ROUTE]), roster)
    assert [v.rule for v in found] == ["route"]
    assert needle in found[0].message


def test_two_routes_on_one_day_break_the_route_rule_too() -> None:
    problem = make(routes=[NURSE_ROUTE, FREE_ROUTE])
    roster = [a("mette", 0, "day", "R1"), a("mette", 0, "day", "R2")]
    assert sorted(rules_of(problem, roster)) == ["one_shift_a_day", "route"]


def test_routes_served_as_they_run_are_fine() -> None:
    problem = make(routes=[NURSE_ROUTE, FREE_ROUTE])
    roster = [a("mette", 0, "day", "R1"), a("anne", 0, "day", "R2"), a("bo", 5, "evening", "R2")]
    assert rules_of(problem, roster) == []


# ---- days off ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "wishes", "needle"),
    [
        ({"days_off": [d(2)]}, [], "a fixed day off"),
        ({"weekdays_off": [2]}, [], "a weekday off (Wednesday)"),
        ({}, [{"staff": "mette", "date": d(2), "kind": "veto"}], "a veto day"),
    ],
)
def test_no_shift_on_a_day_off(fields: dict[str, Any], wishes: list[dict[str, Any]], needle: str) -> None:
    problem = make(staff=person(**fields), wishes=wishes)
    found = check.violations(problem, works("day", 1, 2, 3))
    assert [(v.rule, v.date) for v in found] == [("days_off", d(2))]
    assert f"Mette: works day on 2025-03-05, {needle}" == found[0].message
    assert rules_of(problem, works("day", 1, 3)) == []


def test_an_absence_includes_both_ends() -> None:
    problem = make(staff=person(absences=[{"start": d(1), "end": d(3), "reason": "ferie"}]))
    found = check.violations(problem, works("day", 0, 1, 3, 4))
    assert [(v.rule, v.date) for v in found] == [("days_off", d(1)), ("days_off", d(3))]
    assert "absent 2025-03-04 … 2025-03-06 (ferie)" in found[0].message
    assert rules_of(problem, works("day", 0, 4)) == []


# ---- locks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lock", "roster", "broken"),
    [
        ({"shift": None}, works("day", 1), "Mette: locked off on 2025-03-04, works day"),
        ({"shift": None}, [], None),
        ({"shift": "evening"}, works("day", 1), "Mette: locked to evening on 2025-03-04, works day"),
        ({"shift": "evening"}, [], "Mette: locked to evening on 2025-03-04, is off"),
        ({"shift": "evening"}, works("evening", 1), None),
        ({"shift": "evening"}, [a("mette", 1, "evening", "R1")], None),
        (
            {"shift": "evening", "route": "R1"},
            works("evening", 1),
            "Mette: locked to evening on route R1 on 2025-03-04, works evening",
        ),
        ({"shift": "evening", "route": "R1"}, [a("mette", 1, "evening", "R1")], None),
    ],
)
def test_locks(lock: dict[str, Any], roster: list[Assignment], broken: str | None) -> None:
    problem = make(routes=[ROUTE_R1], locks=[{"staff": "mette", "date": d(1), **lock}])
    found = check.violations(problem, roster)
    assert [v.message for v in found] == ([broken] if broken else [])
    assert all(v.rule == "lock" for v in found)


# ---- successions ------------------------------------------------------------------------------------


def test_forbidden_next_forbids_the_next_day_only() -> None:
    shifts = [*SHIFTS[:2], {"code": "night", "start": "23:00", "minutes": 480, "forbidden_next": ["day"]}]
    problem = make(shifts=shifts)
    found = check.violations(problem, works("night", 0) + works("day", 1))
    assert [(v.rule, v.date) for v in found] == [("succession", d(0))]
    assert (
        found[0].message == "Mette: 2025-03-03 night then 2025-03-04 day is forbidden by night.forbidden_next"
    )
    assert rules_of(problem, works("night", 0) + works("day", 2)) == []
    assert rules_of(problem, works("night", 0) + works("evening", 1)) == []


def test_rules_forbidden_successions() -> None:
    problem = make(rules=Rules.none().model_copy(update={"forbidden_successions": [("evening", "day")]}))
    assert rules_of(problem, works("evening", 0) + works("day", 1)) == ["succession"]
    assert rules_of(problem, works("day", 0) + works("evening", 1)) == []


REST = Rules(min_rest_minutes=660, weekly_rest_minutes=None, max_average_weekly_hours=None, max_vetoes=None)


def test_an_evening_then_a_day_shift_leaves_too_little_rest() -> None:
    found = check.violations(make(rules=REST), works("evening", 0) + works("day", 1))
    assert [v.rule for v in found] == ["succession"]
    assert found[0].message == "Mette: 2025-03-03 evening then 2025-03-04 day leaves 8 h rest, 11 h required"


@pytest.mark.parametrize(("start", "broken"), [("10:00", False), ("09:59", True)])
def test_exactly_eleven_hours_rest_is_enough(start: str, broken: bool) -> None:
    shifts = [*SHIFTS, {"code": "late_day", "start": start, "minutes": 420}]
    found = check.violations(make(rules=REST, shifts=shifts), works("evening", 0) + works("late_day", 1))
    assert [v.rule for v in found] == (["succession"] if broken else [])
    if broken:
        assert "leaves 10 h 59 min rest, 11 h required" in found[0].message


@pytest.mark.parametrize(("start", "broken"), [("02:00", False), ("00:00", True)])
def test_the_rest_rule_also_looks_two_days_ahead(start: str, broken: bool) -> None:
    # A 16-hour shift from 23:00 ends at 15:00 the day after; a shift at 00:00 the day after that leaves 9 h.
    shifts = [
        *SHIFTS,
        {"code": "long", "start": "23:00", "minutes": 960},
        {"code": "early", "start": start, "minutes": 300},
    ]
    found = check.violations(make(rules=REST, shifts=shifts), works("long", 0) + works("early", 2))
    assert [(v.rule, v.date) for v in found] == ([("succession", d(0))] if broken else [])
    if broken:
        assert "2025-03-03 long then 2025-03-05 early leaves 9 h rest" in found[0].message


def test_overlapping_shifts_are_reported_as_an_overlap() -> None:
    # The night ends 07:00 on day 1; a shift from 06:00 that day overlaps it by an hour.
    shifts = [*SHIFTS, {"code": "early", "start": "06:00", "minutes": 480}]
    found = check.violations(make(rules=REST, shifts=shifts), works("night", 0) + works("early", 1))
    assert [v.message for v in found] == [
        "Mette: 2025-03-03 night then 2025-03-04 early overlaps it by 1 h, 11 h required"
    ]


def test_a_shift_without_start_time_escapes_the_rest_rule() -> None:
    shifts = [*SHIFTS, {"code": "flex", "minutes": 480}]
    assert rules_of(make(rules=REST, shifts=shifts), works("evening", 0) + works("flex", 1)) == []


# ---- shifts per type --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "nights", "broken"), [(2, 3, True), (2, 2, False), (0, 1, True), (0, 0, False)]
)
def test_max_shifts_per_type(limit: int, nights: int, broken: bool) -> None:
    problem = make(staff=contract(max_shifts={"night": limit}))
    found = check.violations(problem, works("night", *range(0, 2 * nights, 2)) + works("day", 1))
    assert [v.rule for v in found] == (["max_shifts"] if broken else [])
    if broken:
        assert found[0].message == f"Mette: {nights} night shifts, at most {limit}"


# ---- minutes ----------------------------------------------------------------------------------------


def test_minimum_minutes() -> None:
    problem = make(staff=contract(min_minutes=960))
    found = check.violations(problem, works("day", 0))
    assert [v.message for v in found] == ["Mette: works 8 h, at least 16 h required"]
    assert found[0].rule == "minutes"
    assert rules_of(problem, works("day", 0, 1)) == []


def test_maximum_minutes_from_the_contract() -> None:
    problem = make(staff=contract(max_minutes=959))
    assert rules_of(problem, works("day", 0, 1)) == ["minutes"]
    assert rules_of(make(staff=contract(max_minutes=960)), works("day", 0, 1)) == []


@pytest.mark.parametrize(("minutes", "broken"), [((457, 457, 457), False), ((457, 457, 458), True)])
def test_maximum_minutes_from_average_weekly_hours_is_floored(minutes: tuple[int, ...], broken: bool) -> None:
    # floor(16 h · 60 · 10 days / 7) = floor(1371.43) = 1371 minutes over the horizon.
    rules = Rules(
        min_rest_minutes=None, weekly_rest_minutes=None, max_average_weekly_hours=16, max_vetoes=None
    )
    shifts = [{"code": f"s{i}", "start": "07:00", "minutes": m} for i, m in enumerate(minutes)]
    problem = make(10, rules=rules, shifts=shifts, staff=contract(max_minutes=5000))
    found = check.violations(problem, [a("mette", i, f"s{i}") for i in range(3)])
    assert [v.message for v in found] == (
        ["Mette: works 22 h 52 min, at most 22 h 51 min allowed"] if broken else []
    )


def test_the_lower_of_contract_maximum_and_weekly_hours_cap_applies() -> None:
    rules = Rules(
        min_rest_minutes=None, weekly_rest_minutes=None, max_average_weekly_hours=48, max_vetoes=None
    )
    problem = make(rules=rules, staff=contract(max_minutes=480))
    assert rules_of(problem, works("day", 0, 1)) == ["minutes"]


# ---- consecutive days -------------------------------------------------------------------------------


def test_max_consecutive_work() -> None:
    problem = make(staff=contract(max_consecutive_work=3))
    found = check.violations(problem, works("day", 0, 1, 2, 3, 5))
    assert [(v.rule, v.date) for v in found] == [("max_consecutive_work", d(0))]
    assert found[0].message == "Mette: works 4 days in a row, 2025-03-03 … 2025-03-06, at most 3"
    assert rules_of(problem, works("day", 0, 1, 2, 4, 5, 6)) == []


@pytest.mark.parametrize(
    ("days", "short_runs_at"),
    [
        ((2,), [2]),
        ((1, 3), [1, 3]),
        ((0,), []),  # touches day 0: exempt
        ((6,), []),  # touches day H-1: exempt
        ((0, 6), []),
        ((2, 3), []),
        ((0, 1, 2, 3, 4, 5, 6), []),
        ((), []),
    ],
)
def test_min_consecutive_work(days: tuple[int, ...], short_runs_at: list[int]) -> None:
    problem = make(staff=contract(min_consecutive_work=2))
    found = check.violations(problem, works("day", *days))
    assert [(v.rule, v.date) for v in found] == [("min_consecutive_work", d(i)) for i in short_runs_at]


@pytest.mark.parametrize(
    ("off", "short_runs_at"),
    [
        ((2,), [2]),
        ((1, 4), [1, 4]),
        ((0,), []),  # touches day 0: exempt
        ((6,), []),  # touches day H-1: exempt
        ((2, 3), []),
        ((), []),
    ],
)
def test_min_consecutive_off(off: tuple[int, ...], short_runs_at: list[int]) -> None:
    problem = make(staff=contract(min_consecutive_off=2))
    found = check.violations(problem, works("day", *(i for i in range(7) if i not in off)))
    assert [(v.rule, v.date) for v in found] == [("min_consecutive_off", d(i)) for i in short_runs_at]


def test_min_consecutive_messages() -> None:
    problem = make(staff=contract(min_consecutive_off=2, min_consecutive_work=3))
    assert [v.message for v in check.violations(problem, works("day", 0, 1, 2, 4, 5, 6))] == [
        "Mette: off 1 day in a row, 2025-03-06, at least 2 required"
    ]
    assert [v.message for v in check.violations(problem, works("day", 0, 3, 4))] == [
        "Mette: works 2 days in a row, 2025-03-06 … 2025-03-07, at least 3 required"
    ]


# ---- weekends ---------------------------------------------------------------------------------------


def test_max_weekends() -> None:
    problem = make(14, staff=contract(max_weekends=1))
    found = check.violations(problem, works("day", 5, 12))
    assert [v.message for v in found] == ["Mette: works 2 weekends, at most 1"]
    assert found[0].rule == "weekends"
    assert rules_of(problem, works("day", 5, 6, 7, 11)) == []


def test_a_weekend_cut_by_the_horizon_is_still_a_weekend() -> None:
    # Sunday 2025-03-02 … Saturday 2025-03-08: two weekends, one day of each inside the horizon.
    problem = make(7, start=dt.date(2025, 3, 2), staff=contract(max_weekends=1))
    roster = [Assignment(staff="mette", date=dt.date(2025, 3, day), shift="day") for day in (2, 8)]
    assert rules_of(problem, roster) == ["weekends"]
    assert rules_of(problem, roster[:1]) == []


@pytest.mark.parametrize(
    ("days", "runs"),
    [((5, 13), [(2, d(5))]), ((6, 13, 20), [(3, d(5))]), ((5, 19), []), ((5, 6, 19, 20), [])],
)
def test_weekend_off_every(days: tuple[int, ...], runs: list[tuple[int, dt.date]]) -> None:
    problem = make(21, staff=contract(weekend_off_every=2))
    found = check.violations(problem, works("day", *days))
    assert [(v.rule, v.date) for v in found] == [("weekends", first) for _, first in runs]
    for v, (n, first) in zip(found, runs, strict=True):
        assert v.message == f"Mette: works {n} weekends in a row from {first}, one off in every 2 required"


# ---- weekly rest ------------------------------------------------------------------------------------


WEEKLY = Rules(
    min_rest_minutes=None, weekly_rest_minutes=35 * 60, max_average_weekly_hours=None, max_vetoes=None
)


def test_seven_worked_days_have_no_rest_day() -> None:
    found = check.violations(make(rules=WEEKLY), works("day", *range(7)))
    assert [v.rule for v in found] == ["weekly_rest"]
    assert found[0].message == (
        "Mette: no rest day of 35 h in 2025-03-03 … 2025-03-09 (7 days), one in every 7 required"
    )


def test_a_night_before_and_a_day_shift_after_a_single_day_off_is_no_weekly_rest() -> None:
    # Night ends 07:00 on day 3, day shift starts 07:00 on day 4: 24 h, not 35 h.
    found = check.violations(make(rules=WEEKLY), works("night", 0, 1, 2) + works("day", 4, 5, 6))
    assert [v.rule for v in found] == ["weekly_rest"]


def test_a_day_shift_on_both_sides_of_a_single_day_off_leaves_a_weekly_rest() -> None:
    # Day shift ends 15:00 on day 2, next starts 07:00 on day 4: 40 h.
    assert rules_of(make(rules=WEEKLY), works("day", 0, 1, 2, 4, 5, 6)) == []


@pytest.mark.parametrize(("start", "broken"), [("10:00", False), ("09:59", True)])
def test_exactly_35_hours_is_a_weekly_rest(start: str, broken: bool) -> None:
    # Evening ends 23:00 on day 2; 35 h later is 10:00 on day 4.
    shifts = [*SHIFTS, {"code": "late_day", "start": start, "minutes": 420}]
    problem = make(rules=WEEKLY, shifts=shifts)
    assert rules_of(problem, works("evening", 0, 1, 2) + works("late_day", 4, 5, 6)) == (
        ["weekly_rest"] if broken else []
    )


@pytest.mark.parametrize(
    ("days", "horizon", "broken"),
    [
        ((1, 2, 3, 4, 5, 6), 7, False),  # day 0 off: a rest day by the edge rule
        ((0, 1, 2, 3, 4, 5), 7, False),  # day H-1 off: a rest day by the edge rule
        ((1, 2, 3, 4, 5, 6, 7), 8, True),  # window 1 … 7 has none
        ((0, 1, 2, 3, 4, 5), 6, False),  # fewer than 7 days: no window
        ((0, 1, 2, 4, 5, 6), 7, False),  # day 3 off, neighbours off-day gap 40 h
    ],
)
def test_weekly_rest_edges(days: tuple[int, ...], horizon: int, broken: bool) -> None:
    found = check.violations(make(horizon, rules=WEEKLY), works("day", *days))
    assert [v.rule for v in found] == (["weekly_rest"] if broken else [])


def test_a_day_off_next_to_a_shift_without_start_time_is_a_rest_day() -> None:
    shifts = [*SHIFTS, {"code": "flex", "minutes": 480}]
    problem = make(rules=WEEKLY, shifts=shifts)
    assert rules_of(problem, works("night", 0, 1, 2) + works("flex", 4) + works("day", 5, 6)) == []


# ---- cover ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "cost", "explanation"),
    [
        (("mette",), 100, "2025-03-03 day: 1 short of 2 needed"),
        (("mette", "anne"), 0, None),
        (("mette", "anne", "bo"), 1, "2025-03-03 day: 1 more than 2 needed"),
    ],
)
def test_cover_under_and_over(people: tuple[str, ...], cost: int, explanation: str | None) -> None:
    problem = make(1, cover=[{"shift": "day", "need": 2, "weight_under": 100, "weight_over": 1}])
    roster = [a(p, 0, "day") for p in people]
    found = check.penalties(problem, roster)
    assert [(p.family, p.cost, p.explanation) for p in found] == (
        [("cover", cost, explanation)] if cost else []
    )
    assert check.objective(problem, roster) == cost


def test_cover_with_a_skill_counts_only_people_with_it() -> None:
    problem = make(1, cover=[{"shift": "day", "skill": "nurse", "need": 1, "weight_under": 40}])
    found = check.penalties(problem, works("day", 0, staff="anne") + works("evening", 0))
    assert [(p.cost, p.explanation) for p in found] == [(40, "2025-03-03 day (nurse): 1 short of 1 needed")]
    assert check.objective(problem, works("day", 0) + works("day", 0, staff="anne")) == 0


def test_a_date_rule_beats_a_weekday_rule_beats_an_every_day_rule() -> None:
    cover = [
        {"shift": "day", "need": 1, "weight_under": 10},
        {"shift": "day", "weekday": 1, "need": 2, "weight_under": 10},
        {"shift": "day", "date": d(2), "need": 3, "weight_under": 10},
        {"shift": "day", "date": d(3), "need": 0, "weight_under": 10, "weight_over": 0},
    ]
    problem = make(4, cover=cover)
    assert [(p.date, p.cost) for p in check.penalties(problem, [])] == [(d(0), 10), (d(1), 20), (d(2), 30)]
    assert check.objective(problem, []) == 60
    assert [(c.date, c.need, c.assigned) for c in check.coverage(problem, works("day", 3))] == [
        (d(0), 1, 0),
        (d(1), 2, 0),
        (d(2), 3, 0),
        (d(3), 0, 1),
    ]


def test_a_weekday_rule_alone_covers_only_that_weekday() -> None:
    problem = make(2, cover=[{"shift": "evening", "weekday": 0, "need": 1, "weight_under": 7}])
    assert check.objective(problem, []) == 7
    assert check.coverage(problem, []) == [SlotCoverage(date=d(0), shift="evening", need=1, assigned=0)]


# ---- unfilled routes and continuity -----------------------------------------------------------------


def test_unfilled_route_slots() -> None:
    route = {"id": "R1", "shifts": ["day"], "weekdays": [0, 1, 2, 3, 4], "weight_unfilled": 50}
    problem = make(routes=[route])
    assert families(problem, []) == {"route": 250}
    found = check.penalties(problem, [a("mette", 0, "day", "R1")])
    assert [(p.family, p.date, p.cost) for p in found] == [("route", d(i), 50) for i in (1, 2, 3, 4)]
    assert found[0].explanation == "2025-03-04 day: route R1 has nobody"
    slots = check.coverage(problem, [a("mette", 0, "day", "R1")])
    assert [(c.date, c.route, c.assigned, c.missing) for c in slots] == [
        (d(0), "R1", 1, 0),
        *((d(i), "R1", 0, 1) for i in (1, 2, 3, 4)),
    ]


def test_a_route_with_weight_zero_costs_nothing_unfilled() -> None:
    assert check.penalties(make(routes=[ROUTE_R1]), []) == []


def test_continuity_counts_carers_beyond_the_first() -> None:
    route = {"id": "R1", "shifts": ["day"], "weight_unfilled": 0}
    problem = make(3, routes=[route])
    roster = [a("mette", 0, "day", "R1"), a("anne", 1, "day", "R1"), a("bo", 2, "day", "R1")]
    found = check.penalties(problem, roster)
    assert [(p.family, p.cost, p.route) for p in found] == [("continuity", 6, "R1")]
    assert found[0].explanation == "route R1: 3 different carers"
    assert check.objective(problem, [a("mette", i, "day", "R1") for i in range(3)]) == 0


# ---- wishes and self-picks --------------------------------------------------------------------------


WISH_CASES = [
    # kind, shift, route, roster of Mette on day 1 (shift, route) or None (off), granted
    ("want", "day", None, ("day", None), True),
    ("want", "day", None, ("evening", None), False),
    ("want", "day", None, None, False),
    ("want", "day", "R1", ("day", "R1"), True),
    ("want", "day", "R1", ("day", None), False),
    ("want", "day", "R1", ("evening", "R1"), False),
    ("want", None, "R1", ("evening", "R1"), True),
    ("want", None, "R1", ("day", "R1"), True),
    ("want", None, "R1", ("day", None), False),
    ("want", None, None, ("night", None), True),
    ("want", None, None, None, False),
    ("avoid", "day", None, ("day", None), False),
    ("avoid", "day", None, ("evening", None), True),
    ("avoid", "day", None, None, True),
    ("avoid", "day", "R1", ("day", "R1"), False),
    ("avoid", "day", "R1", ("day", None), True),
    ("avoid", None, "R1", ("evening", "R1"), False),
    ("avoid", None, "R1", ("evening", None), True),
    ("avoid", None, None, ("day", None), False),
    ("avoid", None, None, None, True),
]


@pytest.mark.parametrize(("kind", "shift", "route", "given", "granted"), WISH_CASES)
def test_wishes(
    kind: str, shift: str | None, route: str | None, given: tuple[str, str | None] | None, granted: bool
) -> None:
    wish = {"staff": "mette", "date": d(1), "kind": kind, "shift": shift, "route": route, "weight": 7}
    problem = make(routes=[ROUTE_R1], wishes=[wish], weights=NO_SOFT_WEIGHTS)
    roster = [] if given is None else [a("mette", 1, *given)]
    found = check.penalties(problem, roster)
    assert [(p.family, p.cost, p.staff, p.date) for p in found] == (
        [] if granted else [("wish", 7, "mette", d(1))]
    )
    assert check.fulfilment(problem, roster)[0].granted == int(granted)


def test_wish_explanations() -> None:
    wishes = [
        {"staff": "mette", "date": d(1), "kind": "avoid", "shift": "evening", "weight": 3},
        {"staff": "mette", "date": d(2), "kind": "want", "shift": "day", "route": "R1", "weight": 3},
    ]
    problem = make(routes=[ROUTE_R1], wishes=wishes, weights=NO_SOFT_WEIGHTS)
    assert [p.explanation for p in check.penalties(problem, works("evening", 1))] == [
        "Mette, 2025-03-04: asked to avoid evening",
        "Mette, 2025-03-05: wanted day route R1, not given",
    ]


def test_a_veto_is_not_a_soft_wish() -> None:
    problem = make(wishes=[{"staff": "mette", "date": d(1), "kind": "veto"}])
    assert check.penalties(problem, []) == []
    assert check.fulfilment(problem, [])[0].made == 0


@pytest.mark.parametrize(
    ("route", "given", "cost"),
    [
        (None, ("day", None), 0),
        (None, ("day", "R1"), 0),
        (None, ("evening", None), 10),
        ("R1", ("day", "R1"), 0),
        ("R1", ("day", None), 10),
        ("R1", None, 10),
    ],
)
def test_self_picks(route: str | None, given: tuple[str, str | None] | None, cost: int) -> None:
    pick = {"staff": "mette", "date": d(0), "shift": "day", "route": route}
    problem = make(routes=[ROUTE_R1], self_picks=[pick], weights=NO_SOFT_WEIGHTS)
    roster = [] if given is None else [a("mette", 0, *given)]
    found = check.penalties(problem, roster)
    assert [(p.family, p.cost) for p in found] == ([("self_pick", cost)] if cost else [])
    if cost:
        assert (
            found[0].explanation
            == f"Mette, 2025-03-03: own pick day{' route R1' if route else ''} was changed"
        )


# ---- contract target --------------------------------------------------------------------------------


def contract_problem(hours: float, tolerance: int = 60, days: int = 7, **fields: Any) -> Problem:
    """Mette on `hours` a week; Wednesday is a holiday and she is away Thursday to Saturday."""
    staff = person(
        contract={"weekly_hours": hours, "target_tolerance_minutes": tolerance},
        absences=[{"start": d(3), "end": d(5)}],
        **fields,
    )
    return make(days, staff=staff, holidays=[d(2)])


@pytest.mark.parametrize(
    ("days", "tolerance", "cost"),
    [
        ((0,), 60, 30),  # |480 − 888| − 60 = 348 min: 6 started hours · 5
        ((0, 1), 60, 5),  # |960 − 888| − 60 = 12 min: 1 started hour
        ((0, 1), 72, 0),  # exactly at the tolerance
        ((0, 1), 12, 5),  # 60 min: exactly 1 hour
        ((0, 1), 11, 10),  # 61 min: 2 started hours
    ],
)
def test_contract_target(days: tuple[int, ...], tolerance: int, cost: int) -> None:
    # Target: Monday and Tuesday only (Wednesday holiday, Thursday–Friday absent):
    # round(37 · 60 · 2 / 5) = 888.
    problem = contract_problem(37, tolerance)
    found = check.penalties(problem, works("day", *days))
    assert [(p.family, p.cost, p.staff) for p in found] == ([("contract", cost, "mette")] if cost else [])
    assert check.fulfilment(problem, [])[0].target_minutes == 888


@pytest.mark.parametrize(
    ("hours", "target"),
    [
        (37, 888),
        (32.3, 775),  # 775.2
        (32.35, 776),  # 776.4
        (0.3125, 8),  # 7.5
        (0.1875, 4),  # 4.5: Python's round, half to even (a choice: docs/rules.md only says "round")
        (37.6875, 904),  # 904.5: half to even
    ],
)
def test_contract_target_rounding(hours: float, target: int) -> None:
    assert check.fulfilment(contract_problem(hours), [])[0].target_minutes == target


def test_no_weekly_hours_no_target_and_no_cost() -> None:
    problem = make(staff=contract(max_minutes=5000))
    assert check.fulfilment(problem, [])[0].target_minutes is None
    assert check.penalties(problem, works("day", 0)) == []


# ---- favourites -------------------------------------------------------------------------------------


def test_route_favourites() -> None:
    routes = [
        {"id": "R1", "district": "north", "shifts": ["day"], "weight_unfilled": 0},
        {"id": "R2", "district": "south", "shifts": ["day"], "weight_unfilled": 0},
    ]
    staff: list[dict[str, Any]] = [
        {"id": "mette", "name": "Mette", "favourite_routes": ["R1"]},
        {"id": "anne", "name": "Anne", "favourite_districts": ["south"]},
        {"id": "bo", "name": "Bo"},
    ]
    weights = {**NO_SOFT_WEIGHTS, "route_not_favourite": 4}
    problem = make(routes=routes, staff=staff, weights=weights)
    roster = [
        a("mette", 0, "day", "R2"),  # outside Mette's favourites: 4
        a("mette", 1, "day", "R1"),
        a("anne", 1, "day", "R2"),
        a("anne", 0, "day", "R1"),  # outside Anne's districts: 4
        a("bo", 2, "day", "R2"),  # Bo has no favourites
    ]
    found = check.penalties(problem, roster)
    assert [(p.family, p.cost, p.staff, p.date) for p in found] == [
        ("favourite", 4, "mette", d(0)),
        ("favourite", 4, "anne", d(0)),
    ]
    assert found[0].explanation == "Mette, 2025-03-03: route R2 is not a favourite"
    assert check.objective(problem, roster) == 8


# ---- fairness and fulfilment ------------------------------------------------------------------------


def test_fairness_costs_the_largest_unmet_weight() -> None:
    wishes = [
        {"staff": "mette", "date": d(0), "kind": "want", "shift": "day", "weight": 3},
        {"staff": "anne", "date": d(0), "kind": "avoid", "weight": 6},
    ]
    picks = [{"staff": "mette", "date": d(1), "shift": "evening", "weight": 5}]
    problem = make(wishes=wishes, self_picks=picks, weights={**NO_SOFT_WEIGHTS, "fairness": 2})
    roster = works("day", 0, staff="anne")  # Mette: 3 + 5 unmet, Anne: 6 unmet
    assert families(problem, roster) == {"wish": 9, "self_pick": 5, "fairness": 16}
    [fair] = [p for p in check.penalties(problem, roster) if p.family == "fairness"]
    assert (fair.staff, fair.explanation) == ("mette", "the least-served person has 8 unmet wish weight")
    assert check.objective(problem, roster) == 30
    assert families(problem, works("day", 0) + works("evening", 1)) == {}


def test_fulfilment_counts_wishes_and_self_picks() -> None:
    wishes = [
        {"staff": "mette", "date": d(0), "kind": "want", "shift": "day", "weight": 3},
        {"staff": "mette", "date": d(1), "kind": "avoid", "weight": 2},
        {"staff": "mette", "date": d(2), "kind": "veto"},
        {"staff": "mette", "date": d(4), "kind": "want", "weight": 0},  # not met, but costs 0: granted
    ]
    picks = [{"staff": "mette", "date": d(3), "shift": "evening", "weight": 10}]
    staff = [{**PEOPLE[0], "contract": {"weekly_hours": 37}}, *PEOPLE[1:]]
    problem = make(staff=staff, wishes=wishes, self_picks=picks)
    roster = works("day", 0, 1) + works("evening", 3)
    assert check.fulfilment(problem, roster) == [
        Fulfilment(
            staff="mette",
            made=4,
            granted=3,
            weight_made=15,
            weight_granted=13,
            minutes=1440,
            target_minutes=2220,
        ),
        Fulfilment(
            staff="anne", made=0, granted=0, weight_made=0, weight_granted=0, minutes=0, target_minutes=None
        ),
        Fulfilment(
            staff="bo", made=0, granted=0, weight_made=0, weight_granted=0, minutes=0, target_minutes=None
        ),
    ]


# ---- whole-checker properties -----------------------------------------------------------------------


FULL = make(
    7,
    shifts=[*NURSE_NIGHT, {"code": "flex", "minutes": 300}],
    rules=Rules(),
    staff=[
        {
            **PEOPLE[0],
            "contract": {
                "weekly_hours": 30,
                "max_consecutive_work": 3,
                "min_consecutive_off": 2,
                "max_shifts": {"night": 1},
            },
            "favourite_routes": ["R1"],
        },
        {**PEOPLE[1], "contract": {"min_consecutive_work": 2, "max_weekends": 0}, "days_off": [d(2)]},
        PEOPLE[2],
    ],
    routes=[NURSE_ROUTE, FREE_ROUTE],
    cover=[{"shift": "day", "need": 1}, {"shift": "night", "skill": "nurse", "weekday": 5, "need": 1}],
    wishes=[
        {"staff": "mette", "date": d(0), "kind": "want", "shift": "day", "weight": 3},
        {"staff": "anne", "date": d(1), "kind": "avoid", "route": "R2", "weight": 4},
        {"staff": "bo", "date": d(3), "kind": "veto"},
    ],
    self_picks=[{"staff": "bo", "date": d(4), "shift": "evening", "route": "R2"}],
    locks=[{"staff": "anne", "date": d(5), "shift": None}],
)

any_assignment = st.builds(
    Assignment,
    staff=st.sampled_from(["mette", "anne", "bo", "zz"]),
    date=st.integers(-1, 7).map(d),
    shift=st.sampled_from(["day", "evening", "night", "flex", "late"]),
    route=st.sampled_from([None, None, "R1", "R2", "R9"]),
)


@settings(deadline=None, max_examples=200)
@given(st.lists(any_assignment, max_size=25), st.randoms(use_true_random=False))
def test_any_roster_is_checked_without_crashing(roster: list[Assignment], rnd: random.Random) -> None:
    found = check.violations(FULL, roster)
    assert all(isinstance(v, check.Violation) and v.message for v in found)
    costs = check.penalties(FULL, roster)
    assert all(p.cost > 0 for p in costs)
    assert check.objective(FULL, roster) == sum(p.cost for p in costs)
    shuffled = list(roster)
    rnd.shuffle(shuffled)
    assert check.objective(FULL, shuffled) == check.objective(FULL, roster)
    assert len(check.fulfilment(FULL, roster)) == 3
    assert len(check.coverage(FULL, roster)) >= 7


def test_the_checker_does_not_import_the_solver() -> None:
    code = (
        "import sys, solver.check\n"
        "bad = [m for m in sys.modules if m.startswith(('ortools', 'solver.model', 'solver.rules'))]\n"
        "print(bad)\n"
        "sys.exit(bool(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_year_for_150_people_is_checked_quickly() -> None:
    staff = [
        {
            "id": f"p{k}",
            "contract": {
                "weekly_hours": 37,
                "max_consecutive_work": 5,
                "min_consecutive_off": 2,
                "max_weekends": 26,
                "weekend_off_every": 3,
            },
        }
        for k in range(150)
    ]
    problem = make(
        364,
        staff=staff,
        rules=Rules(),
        routes=[{"id": f"R{k}", "shifts": ["day", "evening"]} for k in range(40)],
        cover=[{"shift": s, "need": 40} for s in ("day", "evening", "night")],
    )
    roster = [
        Assignment(
            staff=f"p{k}",
            date=d(i),
            shift=SHIFTS[k % 3]["code"],
            route=f"R{k % 40}" if k % 3 < 2 and k < 80 else None,
        )
        for k in range(150)
        for i in range(364)
        if (i + k) % 7 not in (0, 1)
    ]
    began = time.perf_counter()
    check.violations(problem, roster)
    check.objective(problem, roster)
    elapsed = time.perf_counter() - began
    assert elapsed < 10  # generous for slow CI; typically well under a second each
