"""Solve parameters: progress reports, warm start, reproducibility and validation."""

from __future__ import annotations

import pytest
from conftest import solve_checked, tiny
from pydantic import ValidationError

from solver import SolveParams
from solver.solution import Progress


def problem():  # type: ignore[no-untyped-def]
    wishes = [
        {"staff": s, "date": f"2025-03-0{3 + i}", "kind": k, "shift": "dag", "weight": 1 + i}
        for i, (s, k) in enumerate([("mette", "want"), ("ali", "avoid"), ("mette", "avoid"), ("ali", "want")])
    ]
    return tiny(wishes=wishes, cover=[{"shift": "dag", "need": 1}, {"shift": "aften", "need": 1}])


def test_progress_reports_each_better_rota() -> None:
    seen: list[Progress] = []
    solution = solve_checked(problem(), on_progress=seen.append)
    assert seen, "at least one rota is reported"
    objectives = [p.objective for p in seen]
    assert objectives == sorted(objectives, reverse=True)
    assert objectives[-1] == solution.objective
    assert all(p.bound <= p.objective for p in seen)


def test_same_seed_same_rota() -> None:
    first, second = solve_checked(problem()), solve_checked(problem())
    assert first.assignments == second.assignments


def test_warm_start_from_a_previous_rota() -> None:
    before = solve_checked(problem())
    again = solve_checked(problem(), hint=before.assignments)
    assert again.objective == before.objective


def test_parameters_are_validated() -> None:
    with pytest.raises(ValidationError, match="time_limit"):
        SolveParams(time_limit=-1)
    with pytest.raises(ValidationError, match="workers"):
        SolveParams(workers=0)
