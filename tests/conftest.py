"""Shared test helpers: tiny problem builders and a solve that always goes through the checker."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from solver import SolveParams, check, solve
from solver.problem import Problem
from solver.solution import Solution

ROOT = Path(__file__).resolve().parents[1]
CURTOIS = ROOT / "examples" / "curtois"
MONDAY = dt.date(2025, 3, 3)


def day(i: int) -> dt.date:
    """Day i of the test horizon (day 0 is Monday 2025-03-03)."""
    return MONDAY + dt.timedelta(days=i)


def tiny(**overrides: Any) -> Problem:
    """A small problem with no rules switched on unless asked: day and evening shift, 2 people, 7 days."""
    data: dict[str, Any] = {
        "horizon": {"start": MONDAY.isoformat(), "days": 7},
        "shift_types": [
            {"code": "dag", "name": "Dag", "start": "07:00", "minutes": 480},
            {"code": "aften", "name": "Aften", "start": "15:00", "minutes": 480},
        ],
        "staff": [{"id": "mette", "name": "Mette"}, {"id": "ali", "name": "Ali"}],
        "rules": {
            "min_rest_minutes": None,
            "weekly_rest_minutes": None,
            "max_average_weekly_hours": None,
            "max_vetoes": None,
        },
        "weights": {"contract_hour": 0, "continuity": 0, "fairness": 0, "route_not_favourite": 0},
    }
    data.update(overrides)
    return Problem.model_validate(data)


def solve_checked(problem: Problem, time_limit: float = 10.0, **kwargs: Any) -> Solution:
    """Solve with one worker and a fixed seed, then require the independent checker to agree."""
    solution = solve(problem, SolveParams(time_limit=time_limit, workers=1, seed=1, **kwargs))
    if solution.has_rota:
        assert check.violations(problem, solution.assignments) == []
        assert check.objective(problem, solution.assignments) == solution.objective
        mine = Counter[str]()
        for p in solution.penalties:
            mine[p.family] += p.cost
        theirs = Counter[str]()
        for p in check.penalties(problem, solution.assignments):
            theirs[p.family] += p.cost
        assert mine == theirs
    return solution


def works(solution: Solution, staff: str, on: dt.date) -> str | None:
    """The shift code `staff` works on `on`, or None."""
    for a in solution.assignments:
        if a.staff == staff and a.date == on:
            return a.shift
    return None


@pytest.fixture
def curtois_dir() -> Path:
    """The Curtois & Qu instances, shipped in the repository (examples/curtois)."""
    return CURTOIS
