"""Reasons benchmark: how far the counterfactual budget goes on the Uldum example.

Solves `examples/uldum.json` (time limit, workers, seed as given), then works out the reasons of its
unmet wishes, self-picks and short slots (`solver.counterfactual.reasons`) within each budget, and prints
one line per budget: items in all, how many were priced, impossible, without an answer in their own
time, not reached; the seconds used; the median seconds of an item worked out; and whether every priced
cost is the checker's (the forced rota, rebuilt from the stated changes, breaks no hard rule and its
objective minus the local best's is the stated cost).

`python -m planner.bench.reasons [--budgets 5,20,60] [--per-item 1] [--time-limit 10] [--workers 2]`
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from solver import SolveParams, check, solve
from solver.counterfactual import apply_changes, reasons, unmet_items
from solver.problem import Problem

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--budgets", default="5,20,60")
    parser.add_argument("--per-item", type=float, default=1.0)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    problem = Problem.model_validate(json.loads((ROOT / "examples" / "uldum.json").read_text()))
    solution = solve(problem, SolveParams(time_limit=args.time_limit, workers=args.workers, seed=args.seed))
    assert solution.has_rota and not check.violations(problem, solution.assignments)
    base = check.objective(problem, solution.assignments)
    items = unmet_items(problem, solution.assignments)
    print(f"rota: objective {base}, {len(items)} items (unmet wishes, self-picks, short slots)")
    for budget in (float(b) for b in args.budgets.split(",")):
        began = time.perf_counter()
        found = reasons(problem, solution.assignments, items, budget=budget, per_item=args.per_item)
        used = time.perf_counter() - began
        counts = {
            s: sum(1 for r in found if r.status == s)
            for s in ("priced", "impossible", "no_answer", "not_reached")
        }
        seconds = [r.seconds for r in found if r.status != "not_reached"]
        agree = all(
            not check.violations(problem, forced := apply_changes(solution.assignments, r.changes))
            and check.objective(problem, forced) - base == (r.cost or 0) - r.local_gain
            for r in found
            if r.status == "priced"
        )
        print(
            f"budget {budget:g} s: used {used:.1f} s; priced {counts['priced']}, impossible "
            f"{counts['impossible']}, no answer {counts['no_answer']}, not reached {counts['not_reached']}; "
            f"median item {statistics.median(seconds) if seconds else 0:.2f} s; costs = checker's: {agree}"
        )


if __name__ == "__main__":
    main()
