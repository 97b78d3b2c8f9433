"""The parts of the column generation measured against each other (docs/benchmarks.md, "Column generation:
pricing, LP solver, dual prices, diving").

    python -m planner.bench.colgen_parts pricing 8,10     # day programme vs CP-SAT, per person
    python -m planner.bench.colgen_parts duals 4,5,8,10   # box step (master LP) vs volume, bound in 20 s
    python -m planner.bench.colgen_parts dive 5,8,10      # dive and integer master after 30 s of rounds
    python -m planner.bench.colgen_parts lp               # GLOP / HiGHS (OR-Tools) / PDLP, example team

Numbers are Curtois instances (`examples/curtois`). The start rota of an instance, where one is needed,
is CP-SAT's after 20 s without column generation (seed 0, 2 workers). Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from planner.importers.curtois import load_curtois
from solver import SolveParams, check, colgen, solve
from solver.greedy import greedy_rota
from solver.problem import Problem
from solver.solution import Assignment

ROOT = Path(__file__).resolve().parents[2]


def _curtois(number: int) -> Problem:
    return load_curtois(ROOT / "examples" / "curtois" / f"Instance{number}.txt")


def _start(problem: Problem) -> list[Assignment]:
    solution = solve(problem, SolveParams(time_limit=20, workers=2, seed=0, colgen="off"))
    assert solution.has_rota and not check.violations(problem, solution.assignments)
    return solution.assignments


def pricing(numbers: list[int]) -> None:
    """Each person priced once by each method at the start rota's columns and two sets of prices: π = 0
    and every cover row at its full under-cover weight."""
    for number in numbers:
        problem = _curtois(number)
        start = _start(problem)
        for name in ("pi=0", "cover"):
            line = [f"Instance{number} {name}"]
            for method in ("dp", "cpsat"):
                cg = colgen.ColumnGeneration(problem, pricing=method)
                cg.add_rota(start)
                kinds = cg._kinds()
                values = {
                    k: [r.hi if (k == "cover" and name == "cover") else 0.0 for r in rows]
                    for k, rows in kinds.items()
                }
                duals = cg.scaled(values)
                duals["convexity"] = [2**62] * len(cg.people)
                prices = cg.prices(duals)
                times, total, proven = [], 0, 0
                for pi in range(len(cg.people)):
                    began = time.perf_counter()
                    bound, _, exact = cg.price(pi, prices, time.perf_counter() + 60, sharing=1)
                    times.append(time.perf_counter() - began)
                    total, proven = total + bound, proven + exact
                by_dp = sum(p is not None for p in cg.programmes.values())
                line.append(
                    f"{method}: median {statistics.median(times) * 1000:.0f} ms, max {max(times):.2f} s, "
                    f"sum of minima {total}, proven {proven}/{len(times)}, by the programme {by_dp}"
                )
            print(" | ".join(line), flush=True)


def duals(numbers: list[int], seconds: float = 20.0) -> None:
    for number in numbers:
        problem = _curtois(number)
        start = _start(problem)
        for name, dual, share in (
            ("box (wide, what solve uses)", "box", colgen.BOX_SHARE_NO_ROUTES),
            ("box (±0.5 %)", "box", colgen.BOX_SHARE),
            ("volume", "volume", colgen.BOX_SHARE),
        ):
            began = time.perf_counter()
            result = colgen.run(
                problem,
                began + seconds,
                [start],
                workers=2,
                dual=dual,  # type: ignore[arg-type]
                integer=False,
                box_share=share,
            )
            rose = [(round(t, 1), b) for t, b in result.history][-3:]
            print(
                f"Instance{number} {name}: bound {result.bound} after {result.rounds} rounds, "
                f"{result.columns} columns, last rises {rose}, LP {result.lp_seconds:.1f} s",
                flush=True,
            )


def dive(numbers: list[int], seconds: float = 30.0) -> None:
    for number in numbers:
        problem = _curtois(number)
        start = _start(problem)
        result = colgen.run(
            problem,
            time.perf_counter() + seconds,
            [start],
            workers=2,
            dual="box",
            box_share=colgen.BOX_SHARE_NO_ROUTES,
        )
        dived = result.dived
        seen = (
            "none"
            if dived is None
            else f"{check.objective(problem, dived)} ({len(check.violations(problem, dived))} broken)"
        )
        final = None if result.rota is None else check.objective(problem, result.rota)
        print(
            f"Instance{number}: start {check.objective(problem, start)}, bound {result.bound}, "
            f"dive {seen} in {result.dive_seconds:.2f} s, best of dive and integer master {final}",
            flush=True,
        )


def lp(rounds: int = 15) -> None:
    problem = Problem.model_validate(
        json.loads((ROOT / "examples" / "uldum.json").read_text(encoding="utf-8"))
    )
    start = greedy_rota(problem)
    for solver in ("GLOP", "HIGHS_LP", "PDLP"):
        began = time.perf_counter()
        result = colgen.run(
            problem,
            began + 600,
            [start],
            workers=2,
            dual="box",
            integer=False,
            max_rounds=rounds,
            lp=solver,
            pricing="cpsat",  # type: ignore[arg-type]
        )
        per = result.lp_seconds / max(1, result.rounds - 1)
        print(
            f"{solver}: {result.rounds} rounds, {result.columns} columns, LP value {result.lp}, "
            f"{per:.3f} s per LP solve, wall {time.perf_counter() - began:.1f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", choices=["pricing", "duals", "dive", "lp"])
    parser.add_argument("instances", nargs="?", default="8")
    args = parser.parse_args()
    numbers = [int(n) for n in args.instances.split(",")]
    if args.part == "pricing":
        pricing(numbers)
    elif args.part == "duals":
        duals(numbers)
    elif args.part == "dive":
        dive(numbers)
    else:
        lp()


if __name__ == "__main__":
    main()
