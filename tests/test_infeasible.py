"""Contradicting hard rules are explained by person and rule, never a bare "infeasible"."""

from __future__ import annotations

from conftest import day, solve_checked, tiny

from solver import SolveParams, solve


def test_veto_and_minimum_hours_name_the_person_and_both_rules() -> None:
    staff = [
        {"id": "mette", "name": "Mette", "contract": {"min_minutes": 7 * 480}},
        {"id": "ali", "name": "Ali"},
    ]
    wishes = [{"staff": "mette", "date": day(3).isoformat(), "kind": "veto"}]
    solution = solve(tiny(staff=staff, wishes=wishes), SolveParams(time_limit=10, workers=1))
    assert solution.status == "INFEASIBLE"
    assert not solution.assignments
    (conflict,) = solution.conflicts
    assert conflict.staff == "mette"
    assert sorted(conflict.rules) == ["at least 56 hours in the period", "veto day 2025-03-06"]
    assert conflict.explanation.startswith("Mette:")


def test_two_locks_on_one_route_slot() -> None:
    routes = [{"id": "r1", "shifts": ["dag"]}]
    locks = [
        {"staff": "mette", "date": day(0).isoformat(), "shift": "dag", "route": "r1"},
        {"staff": "ali", "date": day(0).isoformat(), "shift": "dag", "route": "r1"},
    ]
    solution = solve(tiny(routes=routes, locks=locks), SolveParams(time_limit=10, workers=1))
    assert solution.status == "INFEASIBLE"
    (conflict,) = solution.conflicts
    assert conflict.staff is None
    assert len(conflict.rules) == 2 and all(r.startswith("lock: dag on 2025-03-03") for r in conflict.rules)


def test_short_staffed_is_not_infeasible() -> None:
    solution = solve_checked(tiny(cover=[{"shift": "dag", "need": 5}]))
    assert solution.status == "OPTIMAL"
    assert sum(c.missing for c in solution.unfilled()) == 7 * 3
