"""Benchmark of the home-care example: time to first rota, gap at 10 s and 60 s, peak memory.

Run by `make bench` (through `tests/benchmarks/test_example_bench.py`) or directly:
`python -m planner.bench.example [--seeds 0,1,2] [--workers 2]`. Each solve runs in its own process so
that its peak memory is its own. Results go into `docs/benchmarks.md` between the `example` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from planner.bench.curtois import machine, write_section

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "uldum.json"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- example:start -->", "<!-- example:end -->"


def one_run(path: Path, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    """Solve once (in this process) and return the figures of that run."""
    from planner.io import load_problem
    from solver import SolveParams, check, solve
    from solver.solution import Progress

    problem = load_problem(path)
    trace: list[Progress] = []
    solution = solve(
        problem, SolveParams(time_limit=time_limit, workers=workers, seed=seed, on_progress=trace.append)
    )
    within = next(
        (p.elapsed for p in trace if p.objective - p.bound <= 0.01 * max(1, abs(p.objective))),
        None,
    )
    agrees = (
        solution.has_rota
        and not check.violations(problem, solution.assignments)
        and check.objective(problem, solution.assignments) == solution.objective
    )
    return {
        "seed": seed,
        "time_limit": time_limit,
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.best_bound,
        "gap": solution.gap,
        "first": solution.first_solution_time,
        "within_1pct": within,
        "wall": solution.wall_time,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "checker_agrees": agrees,
    }


def _in_subprocess(path: Path, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "planner.bench.example",
        "--one",
        str(path),
        str(time_limit),
        str(workers),
        str(seed),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _fmt(value: float | None, unit: str = " s", digits: int = 1) -> str:
    return "not reached" if value is None else f"{value:.{digits}f}{unit}"


def report(runs: list[dict[str, Any]], workers: int, command: str) -> str:
    """The Markdown section: every run, then the medians."""
    from importlib.metadata import version

    ortools_version = version("ortools")

    lines = [
        START,
        "## The home-care example (`examples/uldum.json`)",
        "",
        f"Command: `{command}` — {dt.date.today().isoformat()}, {machine()}, OR-Tools {ortools_version}, "
        f"{workers} workers. 25 people, 56 days, 3 shift types, 13 routes. Each row is a separate process.",
        "",
        "| seed | limit | status | objective | bound | gap | first rota | within 1 % of bound "
        "| peak memory | checker |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['seed']} | {r['time_limit']:g} s | {r['status']} | {r['objective']} | {r['bound']:.0f} | "
            f"{100 * r['gap']:.1f} % | {_fmt(r['first'])} | {_fmt(r['within_1pct'])} | "
            f"{r['peak_mb']:.0f} MB | {'agrees' if r['checker_agrees'] else 'DISAGREES'} |"
        )
    lines += ["", "Medians over the seeds:", ""]
    for limit in sorted({r["time_limit"] for r in runs}):
        rs = [r for r in runs if r["time_limit"] == limit]
        lines.append(
            f"- {limit:g} s: objective {statistics.median(r['objective'] for r in rs):g}, "
            f"gap {100 * statistics.median(r['gap'] for r in rs):.1f} %, "
            f"first rota after {statistics.median(r['first'] for r in rs):.2f} s, "
            f"peak memory {statistics.median(r['peak_mb'] for r in rs):.0f} MB"
        )
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.bench.example")
    parser.add_argument("--one", nargs=4, metavar=("PATH", "LIMIT", "WORKERS", "SEED"))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limits", default="10,60")
    args = parser.parse_args(argv)
    if args.one:
        path, limit, workers, seed = args.one
        print(json.dumps(one_run(Path(path), float(limit), int(workers), int(seed))))
        return 0
    runs = [
        _in_subprocess(EXAMPLE, float(limit), args.workers, int(seed))
        for limit in args.limits.split(",")
        for seed in args.seeds.split(",")
    ]
    command = (
        f"python -m planner.bench.example --seeds {args.seeds} "
        f"--workers {args.workers} --limits {args.limits}"
    )
    write_section(report(runs, args.workers, command), DOC, start=START, end=END)
    print(report(runs, args.workers, command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
