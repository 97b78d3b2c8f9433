"""The last polish of a home-care rota (`solver/polish.py`): routes swapped between two people on the same
day and shift. A planner checks that the rota costs less by the independent checker's count, that nobody
works a different shift, and that a cell a lock, wish or kept cell names keeps its route."""

from __future__ import annotations

from typing import Any

from conftest import day, tiny

from solver import check
from solver.polish import swap_routes
from solver.problem import Problem
from solver.solution import Assignment


def _two_routes(**overrides: Any) -> Problem:
    data: dict[str, Any] = {
        "shift_types": [{"code": "dag", "name": "Dag", "start": "07:00", "minutes": 480}],
        "staff": [{"id": "mette", "favourite_routes": ["a1"]}, {"id": "ali"}],
        "routes": [{"id": "a1", "shifts": ["dag"]}, {"id": "a2", "shifts": ["dag"]}],
        "weights": {"contract_hour": 0, "continuity": 3, "fairness": 0, "route_not_favourite": 1},
    }
    data.update(overrides)
    return tiny(**data)


def _crosswise() -> list[Assignment]:
    """Both work every day, taking turns on the two routes: each route has two carers."""
    rota = []
    for i in range(7):
        first, second = ("a1", "a2") if i % 2 == 0 else ("a2", "a1")
        rota.append(Assignment(staff="mette", date=day(i), shift="dag", route=first))
        rota.append(Assignment(staff="ali", date=day(i), shift="dag", route=second))
    return rota


def test_swapping_routes_gives_each_route_one_carer_and_mette_her_favourite() -> None:
    problem = _two_routes()
    rota = _crosswise()
    assert check.violations(problem, rota) == []
    before = check.objective(problem, rota)  # continuity 2 × 3, Mette on a2 three days × 1
    polished = swap_routes(problem, rota)
    assert check.violations(problem, polished) == []
    assert check.objective(problem, polished) == 0 < before
    assert {(a.staff, a.route) for a in polished} == {("mette", "a1"), ("ali", "a2")}
    shifts = {(a.staff, a.date, a.shift) for a in polished}
    assert shifts == {(a.staff, a.date, a.shift) for a in rota}  # nobody works another shift
    assert rota == _crosswise()  # the rota given is not changed


def test_a_cell_named_by_a_lock_or_a_route_wish_keeps_its_route() -> None:
    problem = _two_routes(
        locks=[{"staff": "mette", "date": day(1), "shift": "dag", "route": "a2"}],
        wishes=[{"staff": "ali", "date": day(3), "kind": "want", "shift": "dag", "route": "a1"}],
    )
    rota = _crosswise()
    polished = swap_routes(problem, rota)
    route_of = {(a.staff, a.date): a.route for a in polished}
    assert route_of["mette", day(1)] == "a2" and route_of["ali", day(1)] == "a1"
    assert route_of["ali", day(3)] == "a1"
    assert check.violations(problem, polished) == []
    assert check.objective(problem, polished) < check.objective(problem, rota)


def test_a_route_is_never_given_to_someone_without_its_skill() -> None:
    """Mette's favourite a1 needs a nurse: swapping would save her favourite cost, but she may not have it."""
    problem = _two_routes(
        staff=[{"id": "mette", "favourite_routes": ["a1"]}, {"id": "ali", "skills": ["sygeplejerske"]}],
        routes=[
            {"id": "a1", "shifts": ["dag"], "skills": ["sygeplejerske"]},
            {"id": "a2", "shifts": ["dag"]},
        ],
        weights={"contract_hour": 0, "continuity": 0, "fairness": 0, "route_not_favourite": 1},
    )
    rota = [a.model_copy(update={"route": "a1" if a.staff == "ali" else "a2"}) for a in _crosswise()]
    assert check.violations(problem, rota) == []
    polished = swap_routes(problem, rota)
    assert all(a.route == "a2" for a in polished if a.staff == "mette")
    assert check.violations(problem, polished) == []
