"""Column generation (solver/colgen.py): its bound is a true lower bound and its rotas keep every rule.

On random small problems that CP-SAT solves to optimality the bound never exceeds the optimum and the
rota made of the columns passes the independent checker; on the example team the solver reports a
bound above 0 that its rota's checked objective does not undercut, within the time limit."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from conftest import tiny
from hypothesis import HealthCheck, assume, given, settings
from test_dp import problems as route_free
from test_properties import problems

from solver import SolveParams, check, colgen, solve
from solver.greedy import greedy_rota
from solver.problem import Problem
from solver.solution import Assignment, Progress

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "uldum.json"


def _start(problem: Problem, fallback: list[Assignment]) -> list[Assignment]:
    """The greedy rota when it keeps every hard rule (as in the solver), else the given rota."""
    greedy = greedy_rota(problem)
    return greedy if not check.violations(problem, greedy) else fallback


@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_bound_never_exceeds_the_optimum_and_the_rota_is_checked(problem: Problem) -> None:
    exact = solve(problem, SolveParams(time_limit=5, workers=1, seed=1, colgen="off"))
    assume(exact.status == "OPTIMAL")
    assert exact.objective is not None
    result = colgen.run(problem, time.perf_counter() + 2, [_start(problem, exact.assignments)])
    assert result.bound <= exact.objective
    assert result.rota is not None
    assert check.violations(problem, result.rota) == []
    assert check.objective(problem, result.rota) >= exact.objective


def test_cover_shortage_is_bounded_exactly() -> None:
    # Two people, seven days, three needed on every day shift: at least one is missing each day, 7 × 100,
    # whatever the rota; the bound sees it (CP-SAT sees it too; this one is about colgen's own bound).
    problem = tiny(cover=[{"shift": "dag", "need": 3, "weight_under": 100, "weight_over": 0}])
    rota = greedy_rota(problem)
    result = colgen.run(problem, time.perf_counter() + 5, [rota])
    assert result.bound == 700
    assert result.rota is not None and check.objective(problem, result.rota) == 700


def _example() -> Problem:
    return Problem.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def test_bound_on_the_example_team_is_positive_and_below_its_rotas() -> None:
    problem = _example()
    greedy = greedy_rota(problem)
    result = colgen.run(problem, time.perf_counter() + 20, [greedy], workers=2, max_rounds=2)
    assert 0 < result.bound <= check.objective(problem, greedy)
    assert result.rota is not None and check.violations(problem, result.rota) == []
    assert result.bound <= check.objective(problem, result.rota)


def test_solve_on_the_example_team_reports_the_bound_within_its_time_limit() -> None:
    problem = _example()
    heard: list[Progress] = []
    started = time.perf_counter()
    params = SolveParams(
        time_limit=10, workers=2, seed=0, colgen="on", colgen_share=0.4, on_progress=heard.append
    )
    solution = solve(problem, params)
    wall = time.perf_counter() - started
    assert wall <= 11.0  # the time limit holds (+10 %), column generation included
    assert solution.has_rota and solution.best_bound is not None and solution.objective is not None
    assert check.violations(problem, solution.assignments) == []
    assert check.objective(problem, solution.assignments) == solution.objective
    assert 0 < solution.best_bound <= solution.objective  # CP-SAT's own bound here: 0
    assert heard and all(0 <= p.bound <= p.objective for p in heard)
    assert any(p.bound > 0 for p in heard)


def test_colgen_off_keeps_cp_sat_bound_only() -> None:
    problem = tiny(cover=[{"shift": "dag", "need": 3, "weight_under": 100, "weight_over": 0}])
    solution = solve(problem, SolveParams(time_limit=3, workers=1, seed=0, colgen="off"))
    assert solution.status == "OPTIMAL" and solution.objective == 700


def test_a_stop_ends_column_generation_at_once() -> None:
    problem = _example()
    stop = threading.Event()
    stop.set()  # the planner pressed cancel
    started = time.perf_counter()
    result = colgen.run(problem, time.perf_counter() + 30, [greedy_rota(problem)], stop=stop)
    assert time.perf_counter() - started < 5
    assert result.rounds == 0 and result.rota is None and result.bound == 0


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_volume_bound_never_exceeds_the_optimum(problem: Problem) -> None:
    # The volume algorithm's multipliers (the solve's default) keep the bound valid as the box step's do.
    exact = solve(problem, SolveParams(time_limit=5, workers=1, seed=1, colgen="off"))
    assume(exact.status == "OPTIMAL")
    assert exact.objective is not None
    start = _start(problem, exact.assignments)
    result = colgen.run(problem, time.perf_counter() + 2, [start], integer=False, dual="volume")
    assert result.bound <= exact.objective


def test_volume_raises_the_bound_above_the_people_own_costs_on_the_example_team() -> None:
    # At π = 0 the bound is the people's unavoidable own costs (20 here); the box step never rose above
    # it within 100 s, the volume algorithm does within seconds.
    problem = _example()
    greedy = greedy_rota(problem)
    first = colgen.run(problem, time.perf_counter() + 20, [greedy], workers=2, integer=False, max_rounds=1)
    result = colgen.run(problem, time.perf_counter() + 15, [greedy], workers=2, integer=False, dual="volume")
    assert first.bound < result.bound <= check.objective(problem, greedy)
    assert result.rounds > 1


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_dive_on_the_lp_gives_a_checked_rota(problem: Problem) -> None:
    exact = solve(problem, SolveParams(time_limit=5, workers=1, seed=1, colgen="off"))
    assume(exact.status == "OPTIMAL")
    cg = colgen.ColumnGeneration(problem)
    cg.add_rota(_start(problem, exact.assignments))
    for _ in range(3):  # a few rounds of columns at the master's duals
        solved = cg.solve_lp()
        assert solved is not None
        prices = cg.prices(solved[1])
        for pi in range(len(cg.people)):
            for column in cg.price(pi, prices, time.perf_counter() + 2)[1]:
                cg.add(column)
    rota = cg.dive(time.perf_counter() + 10)
    assert rota is not None
    assert check.violations(problem, rota) == []
    assert check.objective(problem, rota) >= exact.objective
    # One column per person: everybody's roster is one the pricing or the start gave.
    assert {a.staff for a in rota} <= {p.id for p in problem.staff}


@settings(deadline=None, max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(route_free())
def test_without_a_start_rota_the_bound_never_exceeds_the_optimum(problem: Problem) -> None:
    # Teams without routes: `solve` runs the column generation before any rota exists (the first round's
    # rosters are the master's columns), with the master LP's own duals.
    exact = solve(problem, SolveParams(time_limit=5, workers=1, seed=1, colgen="off"))
    assume(exact.status == "OPTIMAL")
    assert exact.objective is not None
    result = colgen.run(problem, time.perf_counter() + 2, [], dual="box", integer=False)
    assert result.bound <= exact.objective
