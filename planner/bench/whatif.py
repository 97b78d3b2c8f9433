"""Timing of the rota meeting's what-if check (`planner.whatif.what_if`) on the Uldum example team.

`python -m planner.bench.whatif [--rota greedy|solved] [--solve-seconds 20] [--runs 5] [--repair-seconds 2]`
times, on the example's rota (the greedy start, or a 2-worker solve of `--solve-seconds`), two moves of
11 March 2027:

- *holds*: the cheapest person off that day who could work a day shift (`planner.meeting.slot_candidates`)
  takes one (`Move("take", …)`), no repair needed;
- *breaks*: the night nurse of 10 March takes a day shift of the 11th from a colleague (too little
  rest), with and without the repair (the local CP-SAT re-solve, `REPAIR_SECONDS`).

Prints the median of `--runs` runs of each, the answer (rules broken, cost change; in how many runs a
repair was found, and the last one's cells and cost change) and the machine and its load average:
figures taken on a shared machine are distorted by the load. Nothing is written to files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path

from planner.bench.curtois import machine
from planner.meeting import slot_candidates
from planner.whatif import REPAIR_SECONDS, Move, WhatIf, what_if
from solver.problem import Problem
from solver.solution import Assignment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "uldum.json"


def _rota(problem: Problem, kind: str, seconds: float) -> list[Assignment]:
    if kind == "greedy":
        from solver.greedy import greedy_rota

        return greedy_rota(problem)
    from solver import SolveParams, solve

    return solve(problem, SolveParams(time_limit=seconds, workers=2, seed=0)).assignments


def _timed(
    problem: Problem, rota: list[Assignment], move: Move, repair: bool, runs: int, seconds: float
) -> tuple[float, WhatIf, int]:
    """The median time of `runs` checks, the last answer, and in how many runs a repair was found."""
    times, answer, found = [], None, 0
    for _ in range(runs):
        started = time.perf_counter()
        answer = what_if(problem, rota, move, repair=repair, time_limit=seconds)
        times.append(time.perf_counter() - started)
        found += bool(answer.repair and answer.repair.found)
    assert answer is not None
    return statistics.median(times), answer, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rota", choices=("greedy", "solved"), default="solved")
    parser.add_argument("--solve-seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repair-seconds", type=float, default=REPAIR_SECONDS)
    args = parser.parse_args(argv)
    problem = Problem.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))
    rota = _rota(problem, args.rota, args.solve_seconds)
    day = problem.horizon.start + dt.timedelta(days=10)
    night = next(a for a in rota if a.date == day - dt.timedelta(days=1) and a.shift == "nat")
    giver = next(a for a in rota if a.date == day and a.shift == "dag" and a.staff != night.staff)
    # a move that holds: the cheapest person off that day who could take a day shift without breaking a rule
    taker = next(c["staff"] for c in slot_candidates(problem, rota, day, "dag", None) if c["now"] is None)
    cases = [
        ("holds: " + taker + " takes a dag", Move("take", taker, day, shift="dag"), False),
        (
            "breaks: " + night.staff + " takes " + giver.staff + "'s dag, no repair",
            Move("take", night.staff, day, other=giver.staff),
            False,
        ),
        ("breaks: the same, with repair", Move("take", night.staff, day, other=giver.staff), True),
    ]
    print(f"{machine()}; load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"rota: {args.rota}"
        + (f" ({args.solve_seconds:g} s, 2 workers, seed 0)" if args.rota == "solved" else "")
    )
    print(f"repair time limit {args.repair_seconds:g} s, runs {args.runs}\n")
    print("| move | median | holds | broken | cost change | repaired in | cells | repair cost change |")
    print("|---|---|---|---|---|---|---|---|")
    for label, move, repair in cases:
        seconds, answer, found = _timed(problem, rota, move, repair, args.runs, args.repair_seconds)
        r = answer.repair
        print(
            f"| {label} | {seconds:.3f} s | {answer.holds} | {len(answer.broken)} | "
            f"{answer.cost_change:+d} | "
            f"{f'{found}/{args.runs} runs' if repair else '–'} | {len(r.cells) if r and r.found else '–'} | "
            f"{r.cost_change if r and r.found else '–'} |"
        )
    print(f"\nload average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
