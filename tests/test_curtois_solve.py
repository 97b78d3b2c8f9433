"""Curtois & Qu instances in the default test run: small ones solved to their best-known objective
(through the independent checker), and the checker's verdict on rosters known to be bad."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.curtois import START, best_known, load_curtois
from solver import SolveParams, check, solve
from solver.solution import Assignment


@pytest.mark.parametrize("instance", [1, 2, 3])
def test_small_instance_reaches_best_known(curtois_dir: Path, instance: int) -> None:
    problem = load_curtois(curtois_dir / f"Instance{instance}.txt")
    # As conftest.solve_checked (one worker, seed 1, then the independent checker), without importing
    # conftest by module name: tests/service has a conftest of its own.
    solution = solve(problem, SolveParams(time_limit=20, workers=1, seed=1))
    assert solution.has_rota
    assert check.violations(problem, solution.assignments) == []
    assert check.objective(problem, solution.assignments) == solution.objective
    assert solution.objective == best_known(instance)[0]
    assert solution.status == "OPTIMAL"


def test_all_off_roster_of_instance1_scores_7137(curtois_dir: Path) -> None:
    problem = load_curtois(curtois_dir / "Instance1.txt")
    assert check.objective(problem, []) == 7137
    # Nobody works, so everybody is below MinTotalMinutes: the roster is infeasible, and said so.
    assert {v.rule for v in check.violations(problem, [])} == {"minutes"}


def test_checker_flags_too_many_consecutive_shifts(curtois_dir: Path) -> None:
    problem = load_curtois(curtois_dir / "Instance1.txt")
    person = problem.staff[0]
    limit = person.contract.max_consecutive_work
    assert limit is not None and limit < problem.horizon.days
    days_off = set(person.days_off)
    # One run one day longer than allowed, on days the person may work.
    run = [START + dt.timedelta(days=d) for d in range(problem.horizon.days)]
    run = [day for day in run if day not in days_off]
    start = next(
        i
        for i in range(len(run) - limit)
        if (run[i + limit] - run[i]).days == limit  # limit + 1 consecutive calendar days
    )
    roster = [Assignment(staff=person.id, date=day, shift="D") for day in run[start : start + limit + 1]]
    rules = {v.rule for v in check.violations(problem, roster)}
    assert "max_consecutive_work" in rules
