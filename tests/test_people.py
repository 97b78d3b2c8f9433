"""The person-by-person search (solver/people.py): its rotas keep every hard rule and its own running
objective is the full model's."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import solve_checked, tiny

from planner.importers.curtois import load_curtois
from solver import SolveParams, search
from solver.model import build
from solver.people import PersonSearch, applicable


def test_forced_people_strategy_gives_a_checked_rota(curtois_dir: Path) -> None:
    problem = load_curtois(curtois_dir / "Instance4.txt")
    solution = solve_checked(problem, time_limit=3, strategy="people")
    assert solution.has_rota
    assert solution.status == "FEASIBLE"


def test_running_objective_matches_the_full_model(curtois_dir: Path) -> None:
    problem = load_curtois(curtois_dir / "Instance2.txt")
    v = build(problem)
    assert applicable(v)
    people = PersonSearch(v, SolveParams(workers=1, seed=3))
    deadline = time.perf_counter() + 5
    assert people.build_first(deadline)
    people.sweep(deadline, step=0.1)
    solver = people.values(deadline)
    assert solver is not None
    assert round(solver.objective_value) == people.objective()


def test_people_first_only_for_big_models_or_when_asked(curtois_dir: Path) -> None:
    v = build(load_curtois(curtois_dir / "Instance16.txt"))  # 56 days, 20 staff: LNS, but small
    assert search.use_lns(v, SolveParams())
    assert not search.people_first(v, SolveParams())
    assert search.people_first(v, SolveParams(strategy="people"))


def test_cover_with_tiny_problem() -> None:
    problem = tiny(cover=[{"shift": "dag", "need": 1}, {"shift": "aften", "need": 1, "weight_over": 5}])
    solution = solve_checked(problem, time_limit=2, strategy="people")
    assert solution.has_rota
    assert solution.objective == 0
