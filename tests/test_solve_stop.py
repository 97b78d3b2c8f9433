"""Stopping a solve on request (`SolveParams.stop`): it ends long before its time limit and returns the
best rota found so far, which the checker accepts at the reported cost."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import solve_checked

from planner.io import load_problem
from solver.solution import Progress

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "uldum.json"


@pytest.mark.parametrize("strategy", ["plain", "lns"])
def test_a_stop_ends_the_search_and_keeps_the_best_rota(strategy: str) -> None:
    problem = load_problem(EXAMPLE)
    stop = threading.Event()
    seen: list[Progress] = []

    def report(progress: Progress) -> None:
        seen.append(progress)
        stop.set()  # stop as soon as there is a rota

    started = time.perf_counter()
    solution = solve_checked(problem, time_limit=120, on_progress=report, stop=stop, strategy=strategy)
    took = time.perf_counter() - started
    assert seen and solution.has_rota
    assert took < 40, f"stopped after {took:.1f} s of a 120 s limit"
    assert solution.objective is not None and solution.objective <= seen[0].objective


def test_a_stop_before_the_search_starts_still_returns_the_starting_rota() -> None:
    """The example starts from a complete greedy rota: stopped at once, that rota is the answer."""
    problem = load_problem(EXAMPLE)
    stop = threading.Event()
    stop.set()
    started = time.perf_counter()
    solution = solve_checked(problem, time_limit=120, stop=stop, strategy="plain")
    assert time.perf_counter() - started < 40
    assert solution.has_rota
