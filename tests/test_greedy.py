"""The greedy starting rota keeps the hard rules it can see, so CP-SAT starts from a real rota."""

from __future__ import annotations

from conftest import ROOT, tiny

from solver import check
from solver.greedy import greedy_rota
from solver.problem import Problem


def test_greedy_rota_of_the_example_breaks_no_hard_rule() -> None:
    problem = Problem.model_validate_json((ROOT / "examples" / "uldum.json").read_text(encoding="utf-8"))
    rota = greedy_rota(problem)
    assert check.violations(problem, rota) == []
    slots = sum(1 for c in check.coverage(problem, rota) if c.route)
    filled = sum(1 for c in check.coverage(problem, rota) if c.route and c.assigned)
    assert filled / slots > 0.95


def test_greedy_keeps_locks_and_self_picks() -> None:
    problem = tiny(
        routes=[{"id": "r1", "shifts": ["dag"]}],
        locks=[{"staff": "ali", "date": "2025-03-04", "shift": "aften"}],
        self_picks=[{"staff": "mette", "date": "2025-03-05", "shift": "aften"}],
    )
    rota = {(a.staff, a.date.isoformat()): a.shift for a in greedy_rota(problem)}
    assert rota[("ali", "2025-03-04")] == "aften"
    assert rota[("mette", "2025-03-05")] == "aften"
