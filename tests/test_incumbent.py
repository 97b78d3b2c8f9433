"""A home-care team gets a rota at every size and time limit, never worse than the greedy start
(issue 12): the greedy rota, checked free of broken hard rules, is the incumbent from the first second
— kept when CP-SAT cannot complete it in time, and returned when the model cannot even be built within
the time limit. Every rota goes through the independent checker (`solve_checked`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import solve_checked

from solver import check
from solver.greedy import greedy_rota
from solver.problem import Problem
from solver.solution import Progress

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
from make_team import team  # noqa: E402


def _team(people: int) -> Problem:
    return Problem.model_validate(team(people))


def test_the_generated_team_grows_with_its_size_and_keeps_the_uldum_shape() -> None:
    uldum = Problem.model_validate(json.loads((ROOT / "examples" / "uldum.json").read_text()))
    assert _team(25).model_dump() | {"name": ""} == uldum.model_dump() | {"name": ""}
    big = _team(60)
    assert len(big.staff) == 60 and len({p.id for p in big.staff}) == 60
    assert len(big.routes) == 2 * len(uldum.routes) + round(len(uldum.routes) * 10 / 25)
    needs = {(c.shift, c.weekday, c.skill): c.need for c in big.cover}
    for c in uldum.cover:
        assert needs[c.shift, c.weekday, c.skill] == round(c.need * 60 / 25)
    assert check.violations(big, greedy_rota(big)) == []  # the greedy start keeps every hard rule


def test_a_model_that_cannot_be_built_in_time_still_gives_the_checked_greedy_rota() -> None:
    problem = _team(50)
    seen: list[Progress] = []
    # 0.3 s: the greedy rota is made, the model (about 2 s to build here) is not waited for.
    solution = solve_checked(problem, time_limit=0.3, on_progress=seen.append)
    assert solution.status == "FEASIBLE"
    greedy = greedy_rota(problem)
    greedy_cost = check.objective(problem, greedy)
    # The greedy rota, at most with routes swapped between people on the same day and shift (the polish).
    assert solution.objective is not None and solution.objective <= greedy_cost
    shifts = sorted((a.staff, a.date, a.shift) for a in solution.assignments)
    assert shifts == sorted((a.staff, a.date, a.shift) for a in greedy)
    assert solution.first_solution_time is not None and solution.first_solution_time <= solution.wall_time
    assert seen and seen[0].objective == greedy_cost  # the page hears of the rota at once…
    assert seen[-1].objective == solution.objective  # …and of the polished one


def test_a_rota_is_never_worse_than_the_greedy_start() -> None:
    problem = _team(30)
    greedy_cost = check.objective(problem, greedy_rota(problem))
    for limit in (1.0, 3.0):
        solution = solve_checked(problem, time_limit=limit)
        assert solution.has_rota, limit
        assert solution.objective is not None and solution.objective <= greedy_cost, limit


def test_a_re_solve_from_a_draft_is_no_worse_than_the_draft() -> None:
    """With a draft to start from (minimal change) the solver starts from it, not from the greedy rota:
    what it returns costs no more than the draft."""
    problem = _team(10)
    first = solve_checked(problem, time_limit=2.0)
    again = solve_checked(problem, time_limit=2.0, hint=first.assignments)
    assert again.has_rota and again.objective is not None and first.objective is not None
    assert again.objective <= first.objective
