"""Benchmark runner for the Curtois & Qu nurse rostering instances (`pusleplan bench curtois`).

Each instance is solved in its own child process (`python -m planner.bench.curtois --one N ...`), so that the
peak memory reported for it (`ru_maxrss` of the child) is its own. The figures go into
`docs/benchmarks.md` between the `curtois` markers; the rest of that file (for example the home-care
section) is left alone, and so is the hand-written "what helped / what did not" block between the
`curtois:notes` markers inside the section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "curtois"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- curtois:start -->", "<!-- curtois:end -->"
NOTES_START, NOTES_END = "<!-- curtois:notes:start -->", "<!-- curtois:notes:end -->"


def default_time_limit(instance: int) -> float:
    """The issue's per-instance budget: 20 s for 1–12, 60 s for 13–19, 120 s for 20–24."""
    return 20.0 if instance <= 12 else 60.0 if instance <= 19 else 120.0


def parse_instances(text: str) -> list[int]:
    """`1-12`, `1,3,5-7` → sorted instance numbers (1–24)."""
    numbers: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, dash, last = part.partition("-")
        try:
            lo = int(first)
            hi = int(last) if dash else lo
        except ValueError:
            raise ValueError(f"bad instance range {part!r} (expected N or N-M)") from None
        if not 1 <= lo <= hi <= 24:
            raise ValueError(f"bad instance range {part!r}: instances are 1–24")
        numbers.update(range(lo, hi + 1))
    if not numbers:
        raise ValueError("no instances given")
    return sorted(numbers)


# ---- one instance (runs in the child process) -------------------------------------------------------


def one_run(instance: int, data: Path, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    """Load and solve one instance in this process and return its figures."""
    from planner.importers.curtois import INSTANCE_SIZES, best_known, load_curtois
    from solver import SolveParams, check, solve
    from solver.solution import Progress

    started = time.perf_counter()
    problem = load_curtois(data / f"Instance{instance}.txt")
    load_time = time.perf_counter() - started
    trace: list[Progress] = []
    solution = solve(
        problem, SolveParams(time_limit=time_limit, workers=workers, seed=seed, on_progress=trace.append)
    )
    wall = time.perf_counter() - started
    violations = check.violations(problem, solution.assignments) if solution.has_rota else []
    checked = check.objective(problem, solution.assignments) if solution.has_rota else None
    best, lower = best_known(instance)
    days, staff, shifts = INSTANCE_SIZES[instance]
    objective = solution.objective
    return {
        "instance": instance,
        "size": f"{days} × {staff} × {shifts}",
        "time_limit": time_limit,
        "workers": workers,
        "seed": seed,
        "status": solution.status,
        "objective": objective,
        "bound": solution.best_bound,
        "best_known": best,
        "lower_bound": lower,
        "gap_pct": None if objective is None else 100.0 * (objective - best) / best,
        "optimal": solution.status == "OPTIMAL",
        "first": solution.first_solution_time,
        "best_time": trace[-1].elapsed if trace else solution.first_solution_time,
        "solve_wall": solution.wall_time,
        "load": load_time,
        "wall": wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "violations": len(violations),
        "checker_objective": checked,
        "checker_agrees": solution.has_rota and not violations and checked == objective,
    }


def in_subprocess(instance: int, data: Path, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    """`one_run` in a fresh Python process; a crash becomes a row with status CRASHED."""
    cmd = [
        sys.executable,
        "-m",
        "planner.bench.curtois",
        "--one",
        str(instance),
        "--data",
        str(data),
        "--time-limit",
        str(time_limit),
        "--workers",
        str(workers),
        "--seed",
        str(seed),
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode == 0 and proc.stdout.strip():
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
    return {
        "instance": instance,
        "time_limit": time_limit,
        "workers": workers,
        "seed": seed,
        "status": "CRASHED",
        "error": tail[0],
        "wall": time.perf_counter() - started,
    }


# ---- the report -----------------------------------------------------------------------------------


def machine() -> str:
    """`N cores (CPU model), M GiB, Python x.y.z`."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def row(r: dict[str, Any]) -> str:
    """One table row of a run."""
    from planner.importers.curtois import INSTANCE_SIZES, best_known

    n = r["instance"]
    if r["status"] == "CRASHED":
        days, staff, shifts = INSTANCE_SIZES[n]
        return (
            f"| {n} | {days} × {staff} × {shifts} | {r['time_limit']:g} s | CRASHED: {r.get('error', '')} "
            f"| – | {best_known(n)[0]} | – | no | – | – | {_s(r['wall'])} | – | – |"
        )
    objective = "–" if r["objective"] is None else str(r["objective"])
    bound = "–" if r["bound"] is None or r["objective"] is None else f"{r['bound']:.0f}"
    gap = "–" if r["gap_pct"] is None else f"{r['gap_pct']:+.1f} %"
    if r["objective"] is None:
        checker = "no rota"
    elif r["checker_agrees"]:
        checker = "agrees"
    else:
        checker = f"DISAGREES ({r['violations']} violations, objective {r['checker_objective']})"
    return (
        f"| {n} | {r['size']} | {r['time_limit']:g} s | {objective} | {bound} | {r['best_known']} | {gap} | "
        f"{'yes' if r['optimal'] else 'no'} | {_s(r['first'])} | {_s(r['best_time'])} | {_s(r['wall'])} | "
        f"{r['peak_mb']:.0f} MB | {checker} |"
    )


DEFAULT_NOTES = """### What helped / what did not

(maintained by hand; `pusleplan bench curtois` keeps this block when it rewrites the table)
"""


def report(runs: list[dict[str, Any]], command: str, notes: str) -> str:
    """The Markdown section between the curtois markers."""
    from importlib.metadata import version

    ortools_version = version("ortools")

    reached = sum(1 for r in runs if r.get("objective") is not None and r["objective"] <= r["best_known"])
    optimal = sum(1 for r in runs if r.get("optimal"))
    agree = sum(1 for r in runs if r.get("checker_agrees"))
    lines = [
        START,
        "## Curtois & Qu nurse rostering benchmark (Instances 1–24)",
        "",
        f"Command: `{command}`",
        "",
        f"Run on {dt.date.today().isoformat()}: {machine()}, OR-Tools {ortools_version}. Each instance "
        "runs in its own process; peak memory is that process's maximum resident set size. Times are "
        "seconds since the start of the solve call (model building included); wall time includes "
        "loading the file and the checker is not timed. Size is days × staff × shift types. The gap is "
        "to the best-known objective (`planner/importers/curtois.py`, a third-party transcription of "
        'schedulingbenchmarks.org). "Proven optimal" means the bound (CP-SAT\'s own, or the column '
        "generation's where it ran, `docs/solver.md`) reached the objective.",
        "",
        "| inst | size | limit | objective | bound | best-known | gap to best-known | proven optimal "
        "| first rota | best rota | wall | peak memory | checker |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(row(r) for r in runs),
        "",
        f"{reached} of {len(runs)} at (or below) best-known, {optimal} proven optimal, the independent "
        f"checker (`solver/check.py`) agrees on {agree} of {len(runs)} (0 hard-rule violations and the "
        "same objective).",
        "",
        NOTES_START,
        notes.strip("\n"),
        NOTES_END,
        END,
    ]
    return "\n".join(lines)


def existing_notes(doc: Path) -> str:
    """The hand-written notes block of the current section, or the default heading."""
    if not doc.exists():
        return DEFAULT_NOTES
    text = doc.read_text(encoding="utf-8")
    if START in text and NOTES_START in text and NOTES_END in text:
        return text.split(NOTES_START, 1)[1].split(NOTES_END, 1)[0]
    return DEFAULT_NOTES


def write_section(section: str, doc: Path, *, start: str = START, end: str = END) -> None:
    """Replace (or append) the section between `start` and `end` of `doc`, leaving the rest alone."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")


# ---- entry points -----------------------------------------------------------------------------------


def run(
    instances: list[int],
    *,
    data: Path = DATA,
    time_limit: float | None = None,
    workers: int = 2,
    seed: int = 0,
    echo: bool = True,
) -> list[dict[str, Any]]:
    """Solve each instance in its own process, one after the other (never two at once)."""
    runs = []
    for n in instances:
        r = in_subprocess(n, data, time_limit or default_time_limit(n), workers, seed)
        if echo:
            print(row(r), flush=True)
        runs.append(r)
    return runs


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options shared by `pusleplan bench curtois` and `python -m planner.bench.curtois`."""
    p.add_argument("--instances", default="1-12", metavar="RANGE", help="e.g. 1-12 or 1,3,5-7 (default 1-12)")
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="seconds per instance (default: 20 for 1–12, 60 for 13–19, 120 for 20–24)",
    )
    p.add_argument("--workers", type=int, default=2, metavar="N", help="solver threads (default 2)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument("--data", type=Path, default=DATA, metavar="DIR", help=f"instance files (default {DATA})")
    p.add_argument("--out", type=Path, default=DOC, metavar="MD", help="Markdown file to update")
    p.add_argument("--no-write", action="store_true", help="print the table only")


def command_line(args: argparse.Namespace, prog: str = "pusleplan bench curtois") -> str:
    parts = ["--instances", args.instances]
    if args.time_limit is not None:
        parts += ["--time-limit", f"{args.time_limit:g}"]
    parts += ["--workers", str(args.workers), "--seed", str(args.seed)]
    return f"{prog} {shlex.join(parts)}"


def bench(args: argparse.Namespace) -> int:
    """Run the benchmark described by parsed arguments and write the section; 0 when it ran."""
    from planner.errors import InputError

    try:
        instances = parse_instances(args.instances)
    except ValueError as exc:
        raise InputError("--instances", str(exc)) from None
    missing = [n for n in instances if not (args.data / f"Instance{n}.txt").is_file()]
    if missing:
        raise InputError("--data", f"no Instance{missing[0]}.txt in {args.data}")
    runs = run(instances, data=args.data, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    if not args.no_write:
        write_section(report(runs, command_line(args), existing_notes(args.out)), args.out)
        print(f"written to {args.out}")
    return 0 if all(r["status"] != "CRASHED" for r in runs) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.bench.curtois")
    parser.add_argument("--one", type=int, metavar="N", help="solve instance N here and print JSON")
    add_arguments(parser)
    args = parser.parse_args(argv)
    if args.one is not None:
        limit = args.time_limit or default_time_limit(args.one)
        print(json.dumps(one_run(args.one, args.data, limit, args.workers, args.seed)))
        return 0
    return bench(args)


if __name__ == "__main__":
    raise SystemExit(main())
