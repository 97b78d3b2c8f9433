"""The smallest fixes of an infeasible period: each proposed fix, made, gives a rota the checker passes."""

from __future__ import annotations

from conftest import day, solve_checked, tiny

from solver import SolveParams, check, solve
from solver.families import Msg
from solver.relax import apply, smallest_fixes


def test_a_veto_against_a_minimum_of_hours_is_fixed_by_either_and_each_fix_gives_a_rota() -> None:
    staff = [
        {"id": "mette", "name": "Mette", "contract": {"min_minutes": 7 * 480}},
        {"id": "ali", "name": "Ali"},
    ]
    wishes = [{"staff": "mette", "date": day(3).isoformat(), "kind": "veto"}]
    problem = tiny(staff=staff, wishes=wishes)
    assert solve(problem, SolveParams(time_limit=10, workers=1)).status == "INFEASIBLE"

    fixes = smallest_fixes(problem)
    said = [(f.relaxations[0].kind, f.relaxations[0].explanation) for f in fixes]
    # Dropping the veto changes one day; lowering her minimum by the one shift she cannot work, 8 hours.
    assert said == [
        ("drop_veto", "drop Mette's veto day 2025-03-06"),
        ("min_hours", "lower Mette's minimum from 56 to 48 hours"),
    ]
    assert [f.relaxations[0].message for f in fixes] == [Msg.FIX_DROP_VETO, Msg.FIX_MIN_HOURS]
    for fix in fixes:
        relaxed = problem
        for relaxation in fix.relaxations:
            relaxed = apply(relaxed, relaxation)
        solution = solve_checked(relaxed)
        assert solution.has_rota
        assert check.violations(relaxed, solution.assignments) == []
    # The problem itself is left as it was.
    assert problem.person("mette").contract.min_minutes == 7 * 480 and len(problem.wishes) == 1


def test_too_few_days_in_a_row_allowed_is_fixed_by_one_more_day() -> None:
    staff = [{"id": "mette", "name": "Mette", "contract": {"max_consecutive_work": 3}}, {"id": "ali"}]
    locks = [{"staff": "mette", "date": day(i).isoformat(), "shift": "dag"} for i in range(4)]
    problem = tiny(staff=staff, locks=locks)
    fixes = smallest_fixes(problem)
    kinds = [(r.kind, r.value) for f in fixes for r in f.relaxations]
    assert ("max_consecutive_work", 4) in kinds
    assert all(
        r.kind == "drop_lock" for f in fixes for r in f.relaxations if r.kind != "max_consecutive_work"
    )
    best = fixes[0]
    relaxed = apply(problem, best.relaxations[0])
    solution = solve_checked(relaxed)
    assert solution.has_rota and check.violations(relaxed, solution.assignments) == []


def test_absences_and_the_daily_rest_are_never_relaxed() -> None:
    staff = [
        {
            "id": "mette",
            "name": "Mette",
            "absences": [{"start": day(0).isoformat(), "end": day(1).isoformat()}],
        },
        {"id": "ali"},
    ]
    locks = [{"staff": "mette", "date": day(0).isoformat(), "shift": "dag"}]
    fixes = smallest_fixes(tiny(staff=staff, locks=locks))
    assert [[r.kind for r in f.relaxations] for f in fixes] == [["drop_lock"]]
