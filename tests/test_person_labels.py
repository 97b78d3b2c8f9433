"""People are named as the team tells them apart: the display name, and "name (id)" where names repeat."""

from __future__ import annotations

from conftest import day, solve_checked, tiny

from solver import check
from solver.solution import Assignment

STAFF = [
    {"id": "grethe.o", "name": "Grethe Olsen"},
    {"id": "grethe.o2", "name": "Grethe Olsen"},
    {"id": "ali", "name": "Ali"},
]


def test_penalties_name_people_of_the_same_name_by_name_and_id() -> None:
    wishes = [
        {"staff": "grethe.o", "date": day(0).isoformat(), "kind": "want", "shift": "dag", "weight": 3},
        {"staff": "grethe.o2", "date": day(0).isoformat(), "kind": "want", "shift": "aften", "weight": 2},
        {"staff": "ali", "date": day(0).isoformat(), "kind": "want", "weight": 1},
    ]
    locks = [{"staff": s["id"], "date": day(0).isoformat(), "shift": None} for s in STAFF]
    solution = solve_checked(tiny(staff=STAFF, wishes=wishes, locks=locks))
    texts = sorted(p.explanation for p in solution.penalties)
    assert texts == [
        "Ali, 2025-03-03: wanted a shift, not given",
        "Grethe Olsen (grethe.o), 2025-03-03: wanted dag, not given",
        "Grethe Olsen (grethe.o2), 2025-03-03: wanted aften, not given",
    ]
    problem = tiny(staff=STAFF, wishes=wishes, locks=locks)
    assert sorted(p.explanation for p in check.penalties(problem, [])) == texts  # worded as the model does


def test_violations_and_conflicts_name_people_of_the_same_name_by_name_and_id() -> None:
    locks = [{"staff": "grethe.o2", "date": day(1).isoformat(), "shift": None}]
    problem = tiny(staff=STAFF, locks=locks)
    found = check.violations(problem, [Assignment(staff="grethe.o2", date=day(1), shift="dag")])
    assert [v.message for v in found] == ["Grethe Olsen (grethe.o2): locked off on 2025-03-04, works dag"]

    wishes = [{"staff": "grethe.o", "date": day(2).isoformat(), "kind": "veto"}]
    locks = [{"staff": "grethe.o", "date": day(2).isoformat(), "shift": "dag"}]
    solution = solve_checked(tiny(staff=STAFF, wishes=wishes, locks=locks))
    assert solution.status == "INFEASIBLE"
    assert solution.conflicts[0].explanation.startswith("Grethe Olsen (grethe.o): ")


def test_a_name_of_its_own_stays_as_it_is() -> None:
    problem = tiny(staff=[{"id": "grethe.o", "name": "Grethe Olsen"}, {"id": "bo"}])
    assert [p.label for p in problem.staff] == ["Grethe Olsen", "bo"]
