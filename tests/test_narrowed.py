"""Big home-care teams are solved on a narrowed model (issue 12): each person is offered only their
favourite routes and districts, the routes a starting rota already gives them and those their locks,
wishes, self-picks and kept cells name. Such a model is a heuristic: its rotas keep every rule (the
independent checker says so), but it must never claim a rota is the best possible, nor report its own
CP-SAT bound as the problem's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import day, solve_checked, tiny

from solver import SolveParams, check, model, solve
from solver.greedy import greedy_rota
from solver.problem import Problem
from solver.solution import Progress

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
from make_team import team  # noqa: E402


def _district_team(**overrides: Any) -> Problem:
    """Three people, two one-shift routes in two districts; Ali, the only one whose favourite is B, is
    away Wednesday to Friday, so the best rota puts someone on a route that is not their favourite."""
    data: dict[str, Any] = {
        "shift_types": [{"code": "dag", "name": "Dag", "start": "07:00", "minutes": 480}],
        "staff": [
            {"id": "mette", "favourite_districts": ["A"]},
            {"id": "ali", "favourite_districts": ["B"], "absences": [{"start": day(2), "end": day(4)}]},
            {"id": "jonas", "favourite_routes": ["a1"]},
        ],
        "routes": [
            {"id": "a1", "district": "A", "shifts": ["dag"]},
            {"id": "b1", "district": "B", "shifts": ["dag"]},
        ],
        "weights": {"contract_hour": 0, "continuity": 3, "fairness": 0, "route_not_favourite": 1},
    }
    data.update(overrides)
    return tiny(**{k: v for k, v in data.items()})


def test_the_narrowed_choices_are_favourites_the_start_rota_and_every_named_route() -> None:
    problem = _district_team(locks=[{"staff": "jonas", "date": day(3), "shift": "dag", "route": "b1"}])
    start = greedy_rota(problem)
    allowed = model.narrowed_routes(problem, [start])
    a1, b1 = 0, 1
    assert a1 in allowed[0]  # Mette: district A
    assert b1 in allowed[1]  # Ali: district B
    assert {a1, b1} <= allowed[2]  # Jonas: his favourite route, and b1 because his lock names it
    for a in start:  # the start rota stays a solution of the narrowed model
        if a.route is not None:
            pi = [s.id for s in problem.staff].index(a.staff)
            assert [r.id for r in problem.routes].index(a.route) in allowed[pi]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_narrowed_solve_never_claims_more_than_it_proved(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = _district_team()
    exact = solve_checked(problem, time_limit=10, colgen="off")
    assert exact.status == "OPTIMAL" and exact.objective is not None
    # A starting rota (the previous draft) with route b1 empty while Ali is away: narrowed around it,
    # nobody may take b1 those days, so the narrowed model's own optimum is far above the problem's.
    start = [a for a in exact.assignments if not (a.route == "b1" and day(2) <= a.date <= day(4))]
    assert check.violations(problem, start) == [] and len(start) < len(exact.assignments)
    monkeypatch.setattr(model, "NARROW_MIN_ROUTE_CHOICES", 0)
    seen: list[Progress] = []
    params = SolveParams(time_limit=3, workers=1, seed=seed, colgen="on", on_progress=seen.append, hint=start)
    narrowed = solve(problem, params)
    assert narrowed.has_rota and narrowed.objective is not None
    assert check.violations(problem, narrowed.assignments) == []
    assert check.objective(problem, narrowed.assignments) == narrowed.objective
    assert narrowed.objective >= exact.objective
    assert narrowed.best_bound is not None and narrowed.best_bound <= exact.objective
    assert all(p.bound <= exact.objective for p in seen)  # never the narrowed model's own bound
    if narrowed.status == "OPTIMAL":  # only when the problem's bound (column generation) proves it
        assert narrowed.best_bound == narrowed.objective == exact.objective


def test_a_big_team_keeps_a_lock_on_a_route_outside_the_persons_favourites() -> None:
    problem = Problem.model_validate(team(60))
    assert model.route_choices(problem) > model.NARROW_MIN_ROUTE_CHOICES  # narrowed by default
    person = problem.staff[0]
    route = next(
        r
        for r in problem.routes
        if r.id not in person.favourite_routes
        and r.district not in person.favourite_districts
        and "dag" in r.shifts
        and not r.skills
    )
    when = next(
        d
        for d in problem.horizon.dates()
        if d.weekday() in route.weekdays
        and not any(a.start <= d <= a.end for a in person.absences)
        and d.weekday() not in person.weekdays_off
        and d not in person.days_off
        and not any(w.staff == person.id and w.date == d for w in problem.wishes)
    )
    lock = {"staff": person.id, "date": when, "shift": "dag", "route": route.id}
    locked = Problem.model_validate(problem.model_dump() | {"locks": [lock]})
    greedy_cost = check.objective(locked, greedy_rota(locked))
    solution = solve_checked(locked, time_limit=5)
    assert solution.has_rota and solution.objective is not None and solution.objective <= greedy_cost
    mine = [a for a in solution.assignments if a.staff == person.id and a.date == when]
    assert [(a.shift, a.route) for a in mine] == [("dag", route.id)]
