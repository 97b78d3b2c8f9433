"""The fairness ledger across periods and the credit it gives the next solve: with it on, the person
served worst in period 1 is served better in period 2 than with it off, for the same wishes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import MONDAY, solve_checked, tiny

from planner.fairness import Figures, credits, ledger, period_figures
from solver import check
from solver.problem import Problem
from solver.solution import Assignment


def _period(start: dt.date, credit: dict[str, int] | None = None, **weights: int) -> Problem:
    """One day shift a day for one person (a second costs 20); Mette (weight 2) and Ali (weight 3) both
    want it every day."""
    credit = credit or {}
    staff = [
        {"id": "mette", "name": "Mette", "fairness_credit": credit.get("mette", 0)},
        {"id": "ali", "name": "Ali", "fairness_credit": credit.get("ali", 0)},
    ]
    days = [start + dt.timedelta(days=i) for i in range(7)]
    wishes: list[dict[str, Any]] = [
        {"staff": s, "date": d.isoformat(), "kind": "want", "shift": "dag", "weight": w}
        for d in days
        for s, w in (("mette", 2), ("ali", 3))
    ]
    return tiny(
        horizon={"start": start.isoformat(), "days": 7},
        staff=staff,
        cover=[{"shift": "dag", "need": 1, "weight_over": 20}],
        wishes=wishes,
        weights={
            "contract_hour": 0,
            "continuity": 0,
            "fairness": weights.get("fairness", 0),
            "route_not_favourite": 0,
        },
    )


def test_with_the_ledger_on_the_worst_served_of_period_1_is_served_better_in_period_2() -> None:
    first = _period(MONDAY)
    one = solve_checked(first)
    figures_1 = period_figures(first, one.assignments)
    worst = min(figures_1, key=lambda s: figures_1[s].met / figures_1[s].asked)
    assert worst == "mette" and figures_1["mette"].met == 0

    lines = ledger([(1, figures_1)])
    given = credits({line.staff: line.total for line in lines})
    assert given["mette"] > 0 and given["ali"] == 0

    second_start = MONDAY + dt.timedelta(days=7)
    off = _period(second_start)
    on = _period(second_start, given)
    met_off = period_figures(off, solve_checked(off).assignments)["mette"].met
    solution_on = solve_checked(on)
    assert check.violations(on, solution_on.assignments) == []
    met_on = period_figures(on, solution_on.assignments)["mette"].met
    assert met_on > met_off
    # The model and the checker price the credit alike, also through the fair-share rule.
    with_fairness = _period(second_start, given, fairness=2)
    priced = solve_checked(with_fairness)  # asserts the checker's objective equals the solver's
    assert priced.objective is not None and priced.objective > 0


def test_the_ledger_counts_weekends_nights_and_running_totals() -> None:
    problem = tiny(
        shift_types=[
            {"code": "dag", "start": "07:00", "minutes": 480},
            {"code": "nat", "start": "23:00", "minutes": 480},
        ],
        wishes=[{"staff": "ali", "date": MONDAY.isoformat(), "kind": "want", "shift": "nat", "weight": 4}],
    )
    sat, sun = MONDAY + dt.timedelta(days=5), MONDAY + dt.timedelta(days=6)
    rota = [
        Assignment(staff="ali", date=MONDAY, shift="nat"),
        Assignment(staff="ali", date=sat, shift="dag"),
        Assignment(staff="ali", date=sun, shift="nat"),
        Assignment(staff="mette", date=sun, shift="dag"),
    ]
    figures = period_figures(problem, rota)
    assert figures["ali"] == Figures(asked=4, met=4, weekends=1, nights=2)
    assert figures["mette"] == Figures(asked=0, met=0, weekends=1, nights=0)
    lines = ledger([(1, figures), (2, figures)])
    assert [(line.period, line.total.nights) for line in lines if line.staff == "ali"] == [(1, 2), (2, 4)]
    # Nobody behind the team: no credit; nothing asked at all: none either.
    assert credits({s: line.total for line in lines for s in [line.staff]}) == {"ali": 0, "mette": 0}
    assert credits({"ali": Figures()}) == {"ali": 0}
