"""Keeping the draft (soft family `keep`): a cost of its own, never a wish or a self-pick."""

from __future__ import annotations

import pytest
from conftest import day, solve_checked, tiny, works
from pydantic import ValidationError

from solver import check
from solver.solution import Assignment


def test_kept_cells_stay_and_a_changed_one_costs_its_weight() -> None:
    routes = [{"id": "r1", "shifts": ["dag"]}]
    keep = [
        {"staff": "ali", "date": day(0).isoformat(), "shift": "dag", "route": "r1", "weight": 4},
        {"staff": "ali", "date": day(1).isoformat(), "shift": "aften", "weight": 4},
        {"staff": "mette", "date": day(2).isoformat(), "shift": "dag", "weight": 7},
    ]
    locks = [{"staff": "mette", "date": day(2).isoformat(), "shift": None}]
    weights = {"contract_hour": 0, "continuity": 0, "fairness": 5, "route_not_favourite": 0}
    solution = solve_checked(tiny(routes=routes, keep=keep, locks=locks, weights=weights))
    assert works(solution, "ali", day(0)) == "dag" and works(solution, "ali", day(1)) == "aften"
    assert any(a.staff == "ali" and a.route == "r1" for a in solution.assignments)
    # Only Mette's locked-off day is changed: 7, and fairness (which reads wishes only) costs nothing.
    assert solution.objective == 7
    [penalty] = solution.penalties
    assert (penalty.family, penalty.staff, penalty.date, penalty.cost) == ("keep", "mette", day(2), 7)
    assert penalty.explanation == "Mette, 2025-03-05: changed from the draft (dag)"
    assert all((f.made, f.weight_made) == (0, 0) for f in solution.fulfilment)


def test_a_kept_route_cell_is_changed_when_the_route_differs() -> None:
    routes = [{"id": "r1", "shifts": ["dag"]}, {"id": "r2", "shifts": ["dag"]}]
    problem = tiny(
        routes=routes, keep=[{"staff": "ali", "date": day(0).isoformat(), "shift": "dag", "route": "r1"}]
    )
    on_r2 = [Assignment(staff="ali", date=day(0), shift="dag", route="r2")]
    assert [p.cost for p in check.penalties(problem, on_r2) if p.family == "keep"] == [5]
    on_r1 = [Assignment(staff="ali", date=day(0), shift="dag", route="r1")]
    assert [p for p in check.penalties(problem, on_r1) if p.family == "keep"] == []


def test_keep_cells_are_validated_like_self_picks() -> None:
    keep = [
        {"staff": "nobody", "date": day(0).isoformat(), "shift": "dag"},
        {"staff": "ali", "date": day(9).isoformat(), "shift": "nat"},
    ]
    with pytest.raises(ValidationError) as info:
        tiny(keep=keep)
    text = str(info.value)
    assert "keep[0].staff: unknown staff id 'nobody'" in text
    assert "keep[1].shift: unknown shift 'nat'" in text
    assert "keep[1].date: date 2025-03-12 is outside the horizon" in text
