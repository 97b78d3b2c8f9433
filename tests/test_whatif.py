"""What-if moves (planner/whatif.py) against the independent checker: a move that holds, one that breaks
a rule (named from the checker), one the local re-solve repairs, one nothing can repair; the stated cost
is always the checker's cost of the resulting rota."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import day, tiny

from planner.whatif import Cell, Move, MoveError, what_if, window
from solver import check
from solver.solution import Assignment

COVER = [{"shift": s, "need": 1, "weight_under": 100, "weight_over": 1} for s in ("dag", "aften")]
ROUTES = [{"id": "r1", "name": "Uldum 1", "shifts": ["dag"]}]


def _a(staff: str, i: int, shift: str, route: str | None = None) -> Assignment:
    return Assignment(staff=staff, date=day(i), shift=shift, route=route)


def _three(**extra: Any) -> Any:
    """Mette, Ali and Eva; evening may not be followed by a day shift; one of each shift every day."""
    rules = {
        "min_rest_minutes": None,
        "weekly_rest_minutes": None,
        "max_average_weekly_hours": None,
        "max_vetoes": None,
        "forbidden_successions": [["aften", "dag"]],
    }
    staff = [{"id": "mette", "name": "Mette"}, {"id": "ali", "name": "Ali"}, {"id": "eva", "name": "Eva"}]
    return tiny(staff=staff, rules=rules, cover=COVER, **extra)


def _rota() -> list[Assignment]:
    """Mette days, Ali evenings, Eva the last two days: every shift covered, every rule kept."""
    out = [_a("mette", i, "dag") for i in range(5)] + [_a("ali", i, "aften") for i in range(5)]
    return out + [_a("eva", 5, "dag"), _a("eva", 6, "aften"), _a("ali", 5, "aften"), _a("mette", 6, "dag")]


def test_the_rota_of_these_tests_keeps_every_rule() -> None:
    assert check.violations(_three(), _rota()) == []


def test_a_move_that_holds_costs_what_the_checker_says() -> None:
    problem = _three()
    answer = what_if(problem, _rota(), Move("swap", "mette", day(2), other="ali", other_date=day(2)))
    # Mette evening, Ali day on day 2: Ali's evening on day 1 is then followed by a day shift — broken.
    assert not answer.holds
    answer = what_if(problem, _rota(), Move("take", "eva", day(3), other="mette"), repair=False)
    assert answer.holds and answer.broken == [] and answer.repair is None
    assert [(b.staff, a.staff, a.shift) for b, a in answer.cells] == [
        ("mette", "mette", None),
        ("eva", "eva", "dag"),
    ]
    assert answer.cost == check.objective(problem, answer.assignments)
    assert answer.cost_change == answer.cost - check.objective(problem, _rota())
    assert check.violations(problem, answer.assignments) == []


def test_a_broken_rule_is_named_by_the_checker_with_person_and_date() -> None:
    problem = _three()
    answer = what_if(problem, _rota(), Move("take", "ali", day(3), other="mette"), repair=False)
    assert not answer.holds
    assert [(b.rule, b.staff, b.date) for b in answer.broken] == [
        ("succession", "ali", day(2))
    ]  # dated at the first shift of the pair
    assert "aften" in answer.broken[0].message and "dag" in answer.broken[0].message
    assert answer.cost == check.objective(problem, answer.assignments)


def test_the_repair_keeps_the_move_keeps_every_rule_and_states_the_checkers_cost() -> None:
    problem = _three()
    answer = what_if(problem, _rota(), Move("take", "ali", day(3), other="mette"), time_limit=5)
    repair = answer.repair
    assert repair is not None and repair.found
    assert check.violations(problem, repair.assignments) == []
    assert repair.cost == check.objective(problem, repair.assignments)
    assert repair.cost_change == repair.cost - check.objective(problem, _rota())
    cells = {(a.staff, a.date): (a.shift, a.route) for a in repair.assignments}
    assert cells[("ali", day(3))] == ("dag", None) and ("mette", day(3)) not in cells  # the move, kept
    # Ali cannot keep the evening before: the repair changes it, and only cells inside the window
    assert any(b.staff == "ali" and b.date == day(2) for b, _ in repair.cells)
    free = window(problem, answer.cells)
    assert all((b.staff, b.date) in free for b, _ in repair.cells)
    # everyone's cells away from days 1–5 are those of the rota after the move (Eva's day 6 evening)
    assert cells[("eva", day(6))] == ("aften", None)


def test_a_move_onto_a_veto_day_breaks_the_rule_and_has_no_repair() -> None:
    problem = _three(wishes=[{"staff": "eva", "date": day(1).isoformat(), "kind": "veto"}])
    assert check.violations(problem, _rota()) == []
    answer = what_if(problem, _rota(), Move("take", "eva", day(1), other="mette"), time_limit=2)
    assert [(b.rule, b.staff, b.date) for b in answer.broken] == [("days_off", "eva", day(1))]
    assert answer.repair is not None and not answer.repair.found and answer.repair.cells == []
    assert answer.repair.impossible  # proven, not a time-out


def test_taking_a_route_leaves_its_holder_the_shift_and_off_empties_a_cell() -> None:
    problem = tiny(routes=ROUTES)
    rota = [_a("mette", 1, "dag", "r1")]
    answer = what_if(problem, rota, Move("take", "ali", day(1), shift="dag", route="r1"), repair=False)
    assert [(b, a) for b, a in answer.cells] == [
        (Cell("mette", day(1), "dag", "r1"), Cell("mette", day(1), "dag", None)),
        (Cell("ali", day(1)), Cell("ali", day(1), "dag", "r1")),
    ]
    off = what_if(problem, rota, Move("off", "mette", day(1)), repair=False)
    assert off.assignments == [] and off.cost == check.objective(problem, [])


@pytest.mark.parametrize(
    ("move", "field"),
    [
        (Move("take", "nobody", day(1), shift="dag"), "staff"),
        (Move("take", "ali", day(1), shift="natt"), "shift"),
        (Move("take", "ali", day(30), shift="dag"), "date"),
        (Move("take", "ali", day(1), shift="dag", route="r9"), "route"),
        (Move("swap", "ali", day(1)), "other"),
        (Move("take", "ali", day(2), other="mette"), "other"),  # Mette is off that day
        (Move("off", "ali", day(1)), "staff"),  # Ali is off already: nothing changes
        (Move("take", "ali", day(1)), "shift"),  # no shift and nobody to take it from
    ],
)
def test_a_move_that_does_not_fit_the_rota_names_its_field(move: Move, field: str) -> None:
    problem = tiny(routes=ROUTES)
    with pytest.raises(MoveError) as caught:
        what_if(problem, [_a("mette", 1, "dag", "r1")], move)
    assert caught.value.field == field


def test_on_the_example_team_a_breaking_move_and_its_repair_state_the_checkers_costs() -> None:
    """Uldum (examples/uldum.json, its greedy rota): the night nurse of 10 March takes the day shift of
    the 11th from a colleague — too little rest. The stated costs are the checker's; the repair keeps
    every rule, the move and every cell outside its window."""
    from conftest import ROOT

    from solver.greedy import greedy_rota
    from solver.problem import Problem

    problem = Problem.model_validate_json((ROOT / "examples" / "uldum.json").read_text(encoding="utf-8"))
    rota = greedy_rota(problem)
    day_ = problem.horizon.start + dt.timedelta(days=10)
    night = next(a for a in rota if a.date == day_ - dt.timedelta(days=1) and a.shift == "nat")
    giver = next(a for a in rota if a.date == day_ and a.shift == "dag" and a.staff != night.staff)
    answer = what_if(problem, rota, Move("take", night.staff, day_, other=giver.staff), time_limit=5)
    assert ("succession", night.staff) in {(b.rule, b.staff) for b in answer.broken}
    assert answer.cost == check.objective(problem, answer.assignments)
    assert answer.cost_before == check.objective(problem, rota)
    repair = answer.repair
    assert repair is not None and repair.found
    assert check.violations(problem, repair.assignments) == []
    assert repair.cost == check.objective(problem, repair.assignments)
    kept = {(a.staff, a.date): a for a in repair.assignments}
    assert kept[night.staff, day_].shift == "dag" and (giver.staff, day_) not in kept
    free = window(problem, answer.cells)
    assert all((b.staff, b.date) in free for b, _ in repair.cells)
    before = {(a.staff, a.date): a for a in answer.assignments}
    outside = [k for k in set(before) | set(kept) if k not in free and before.get(k) != kept.get(k)]
    assert outside == []
