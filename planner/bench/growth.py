"""Growth benchmark: home-care teams of 10 to 200 people (`examples/make_team.py`, Uldum repeated as
districts) over 8 weeks at 10 s and 60 s — objective, bound, gap, the greedy start's objective, time to
first rota, wall time and peak memory.

Run by `make bench` (through `tests/benchmarks/test_growth_bench.py`) or directly:
`python -m planner.bench.growth [--people 10,25,50,100,200] [--limits 10,60] [--workers 2]`. Each solve
runs in its own process so that its peak memory is its own. Results go into `docs/benchmarks.md`
between the `growth` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from planner.bench.curtois import machine, write_section

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- growth:start -->", "<!-- growth:end -->"


def team(people: int) -> dict[str, Any]:
    """The generated team of `people` (examples/make_team.py, a script of the examples folder)."""
    spec = importlib.util.spec_from_file_location("make_team", ROOT / "examples" / "make_team.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.team(people))


def one_run(people: int, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    """Solve once (in this process) and return the figures of that run."""
    from solver import SolveParams, check, solve
    from solver.greedy import greedy_rota
    from solver.problem import Problem

    problem = Problem.model_validate(team(people))
    started = time.perf_counter()
    solution = solve(problem, SolveParams(time_limit=time_limit, workers=workers, seed=seed))
    wall = time.perf_counter() - started
    agrees = (
        solution.has_rota
        and not check.violations(problem, solution.assignments)
        and check.objective(problem, solution.assignments) == solution.objective
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "people": people,
        "time_limit": time_limit,
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.best_bound,
        "gap": solution.gap,
        "greedy": check.objective(problem, greedy_rota(problem)),
        "first": solution.first_solution_time,
        "wall": wall,
        "peak_mb": peak,
        "checker_agrees": agrees,
    }


def _in_subprocess(people: int, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "planner.bench.growth", "--one", str(people), str(time_limit)]
    cmd += [str(workers), str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _num(value: float | None, unit: str = "", digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def report(runs: list[dict[str, Any]], workers: int, seed: int, command: str) -> str:
    from importlib.metadata import version

    lines = [
        START,
        "## Growth: home-care teams of 10 to 200 people",
        "",
        f"Command: `{command}` — {dt.date.today().isoformat()}, {machine()}, OR-Tools {version('ortools')}, "
        f"{workers} workers, seed {seed}, one run per row (a separate process). Teams from "
        "`examples/make_team.py` (Uldum repeated as districts; 56 days, 3 shift types, about one route "
        "per two people). Wall time is the solve call's, model building included; peak memory the "
        "process's. Greedy is the objective of the greedy start the solver begins from.",
        "",
        "| people | limit | status | objective | greedy | bound | gap | first rota | wall | peak memory "
        "| checker |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        gap = None if r["gap"] is None else 100 * r["gap"]
        verdict = "agrees" if r["checker_agrees"] else "DISAGREES"
        lines.append(
            f"| {r['people']} | {r['time_limit']:g} s | {r['status']} | {_num(r['objective'])} | "
            f"{r['greedy']} | {_num(r['bound'])} | {_num(gap, ' %', 1)} | {_num(r['first'], ' s', 1)} | "
            f"{r['wall']:.1f} s | {r['peak_mb']:.0f} MB | {verdict} |"
        )
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.bench.growth")
    parser.add_argument("--one", nargs=4, metavar=("PEOPLE", "LIMIT", "WORKERS", "SEED"))
    parser.add_argument("--people", default="10,25,50,100,200")
    parser.add_argument("--limits", default="10,60")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.one:
        people, limit, workers, seed = args.one
        print(json.dumps(one_run(int(people), float(limit), int(workers), int(seed))))
        return 0
    runs = [
        _in_subprocess(int(people), float(limit), args.workers, args.seed)
        for limit in args.limits.split(",")
        for people in args.people.split(",")
    ]
    command = (
        f"python -m planner.bench.growth --people {args.people} --limits {args.limits} "
        f"--workers {args.workers} --seed {args.seed}"
    )
    section = report(runs, args.workers, args.seed, command)
    write_section(section, DOC, start=START, end=END)
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
