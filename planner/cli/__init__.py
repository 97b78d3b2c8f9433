"""The `pusleplan` command line: solve a problem file, check a rota against one, print the schema.

Exit codes: 0 a rota was produced (solve) or breaks no hard rule (check); 1 the hard rules contradict
each other (solve), or are broken (check); 2 bad input (files, fields, options) — reported as one
`pusleplan: error: …` line, never a traceback; 3 no rota found within the time limit (solve); 141 the
reader of the output went away (`… | head -1`), quietly, as a command killed by SIGPIPE would. This
module only reads arguments, calls `planner`/`solver` and prints: no business rules here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TextIO

from pydantic import ValidationError

import solver
from planner.cli import service
from planner.errors import InputError
from planner.export import read_rota_csv, rota_csv
from planner.io import input_error, load_problem, read_text
from solver.params import SolveParams
from solver.problem import Problem
from solver.solution import Assignment, Conflict, Fulfilment, Penalty, SlotCoverage, Solution

PROG = "pusleplan"
EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_TIME_OUT = 0, 1, 2, 3
# What a shell reports for a command killed by SIGPIPE (128 + 13), so `set -o pipefail` scripts see the same.
EXIT_BROKEN_PIPE = 141
EXIT_CODES = """exit codes:
  0  a rota was produced (solve; a short-staffed rota too) or no hard rule is broken (check)
  1  the hard rules contradict each other (solve) or are broken (check)
  2  bad input: a file, a field or an option (one "pusleplan: error: …" line)
  3  no rota found within the time limit (solve): try a longer --time-limit"""
MAX_UNFILLED_LINES = 20
LEAST_SERVED_LINES = 5
# Solve parameters as the user typed them, for error messages.
_PARAM_FLAGS = {"time_limit": "--time-limit", "workers": "--workers", "seed": "--seed"}
# Encodings a rota CSV may come in: ours, or re-saved by Danish Excel as "CSV (semikolonsepareret)".
_ROTA_ENCODINGS = ("utf-8-sig", "cp1252")

Command = Callable[[argparse.Namespace], int]
# Registers one command on the sub-parsers (`build_parser(extra=...)`).
AddCommand = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


class Violation(Protocol):
    """What `solver.check.violations` returns, as far as the command line needs it."""

    @property
    def rule(self) -> str: ...

    @property
    def message(self) -> str: ...


def main(argv: list[str] | None = None, extra: Iterable[AddCommand] = ()) -> int:
    """Run the command line; returns the exit code (the console script passes it to `sys.exit`)."""
    try:
        code = _run(argv, extra)
        sys.stdout.flush()  # a reader that went away shows here, not as a traceback at exit
        return code
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _run(argv: list[str] | None, extra: Iterable[AddCommand]) -> int:
    parser = build_parser(extra)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage or the help
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else EXIT_INPUT
    command: Command = args.command
    try:
        return command(args)
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_INPUT


def _discard_stdout() -> None:
    """Point stdout at the null device once its reader has gone (`… | head -1`): what is still buffered
    would fail again when Python flushes it at exit (the idiom of the `signal` module's documentation)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor behind stdout (a test's capture): nothing to flush
        pass


# ---- the parser -------------------------------------------------------------------------------------


def build_parser(extra: Iterable[AddCommand] = ()) -> argparse.ArgumentParser:
    """The parser with one sub-parser per command; a new command is one `_add_*` function and one line.
    `extra`: commands of a layer above (`api.cli` adds `serve`)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Rota planner for home-care teams.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _add_solve(commands)
    _add_check(commands)
    _add_schema(commands)
    _add_bench(commands)
    service.add_service_commands(commands)  # init-demo, reset-password, create-admin, db
    for add in extra:
        add(commands)
    return parser


def _add_solve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    defaults = {name: field.default for name, field in SolveParams.model_fields.items()}
    p = commands.add_parser(
        "solve",
        help="solve a problem file and print the rota's summary",
        description="Solve a problem file and print the rota's summary.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("problem", type=Path, metavar="PROBLEM", help="pusleplan JSON or a Curtois benchmark file")
    p.add_argument(
        "--time-limit", type=float, metavar="S", help=f"seconds (default {defaults['time_limit']})"
    )
    p.add_argument("--workers", type=int, metavar="N", help=f"solver threads (default {defaults['workers']})")
    p.add_argument("--seed", type=int, metavar="N", help=f"random seed (default {defaults['seed']})")
    p.add_argument("--out", type=Path, metavar="CSV", help="write the rota as CSV")
    p.add_argument("--excel", action="store_true", help="write the CSV for Danish Excel (; CRLF BOM)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the whole solution as JSON")
    p.add_argument("--quiet", action="store_true", help="print no summary")
    p.set_defaults(command=_solve)


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("check", help="check a rota CSV against a problem: hard rules and objective")
    p.add_argument("problem", type=Path, metavar="PROBLEM", help="pusleplan JSON or a Curtois benchmark file")
    p.add_argument("rota", type=Path, metavar="ROTA", help="a rota CSV as written by `solve --out`")
    p.set_defaults(command=_check)


def _add_schema(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("schema", help="print the JSON schema of a problem file")
    p.set_defaults(command=_schema)


def _add_bench(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from planner.bench import curtois as bench

    p = commands.add_parser("bench", help="run a benchmark set and write docs/benchmarks.md")
    p.add_argument("set", choices=["curtois"], help="the benchmark set (curtois: Curtois & Qu 1–24)")
    bench.add_arguments(p)
    p.set_defaults(command=bench.bench)


# ---- the commands -----------------------------------------------------------------------------------


def _solve(args: argparse.Namespace) -> int:
    params = _solve_params(args)
    for flag, path in (("--out", args.out), ("--json", args.json)):
        _check_writable(flag, path)
    problem = _load_problem(args.problem)
    solution = solver.solve(problem, params)
    if not args.quiet:
        _print(summary_lines(problem, solution, name=problem.name or args.problem.stem))
    if args.json is not None:
        _write("--json", args.json, solution.model_dump_json(indent=2) + "\n")
    if not solution.has_rota:
        _print(no_rota_lines(problem, solution, params), sys.stderr)
        return no_rota_exit(solution)
    if args.out is not None:
        _write("--out", args.out, rota_csv(problem, solution, excel=args.excel))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from solver import check  # written apart from the model; only this command needs it

    problem = _load_problem(args.problem)
    assignments = _load_rota(args.rota, problem)
    violations: list[Violation] = list(check.violations(problem, assignments))
    objective = check.objective(problem, assignments)
    penalties = check.penalties(problem, assignments)
    lines = [
        _row("problem", f"{problem.name or args.problem.stem} — {problem_size(problem)}"),
        _row("rota", f"{args.rota} — {_count(len(assignments), 'assignment')}"),
        *violation_lines(violations),
        _row("objective", str(objective)),
        *penalty_lines(penalties),
    ]
    _print(lines)
    return EXIT_FAILED if violations else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    _print([json.dumps(Problem.model_json_schema(), indent=2, ensure_ascii=False)])
    return EXIT_OK


# ---- input and output -------------------------------------------------------------------------------


def _solve_params(args: argparse.Namespace) -> SolveParams:
    given = {name: getattr(args, name) for name in _PARAM_FLAGS if getattr(args, name) is not None}
    try:
        return SolveParams(**given)
    except ValidationError as exc:
        raise input_error(exc, source="options", rename=_PARAM_FLAGS) from None


def _load_problem(path: Path) -> Problem:
    try:
        return load_problem(path)
    except InputError as exc:
        raise _in_file(exc, path) from None


def _load_rota(path: Path, problem: Problem) -> list[Assignment]:
    try:
        return read_rota_csv(read_text(path, encodings=_ROTA_ENCODINGS), problem=problem)
    except InputError as exc:
        raise _in_file(exc, path) from None


def _in_file(exc: InputError, path: Path) -> InputError:
    """The error with the file it comes from in front, unless it names the file already."""
    if exc.field == str(path):
        return exc
    return InputError(f"{path}: {exc.field}", exc.message)


def _check_writable(flag: str, path: Path | None) -> None:
    """Fail before a long solve, not after it, when an output file cannot be written."""
    if path is None:
        return
    if path.is_dir():
        raise InputError(flag, f"{path} is a directory")
    if not path.parent.is_dir():
        raise InputError(flag, f"directory {path.parent} does not exist")


def _write(flag: str, path: Path, text: str) -> None:
    try:
        # newline="" keeps the CRLF of the Excel variant as it is, on every platform.
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(flag, f"cannot write {path}: {exc.strerror or exc}") from None


def _print(lines: Iterable[str], stream: TextIO | None = None) -> None:
    print("\n".join(lines), file=stream or sys.stdout)


# ---- the summary ------------------------------------------------------------------------------------


def summary_lines(problem: Problem, solution: Solution, *, name: str) -> list[str]:
    """What a planner reads after a solve: size, status, quality, penalties, gaps and who got least."""
    lines = [
        _row("problem", f"{name} — {problem_size(problem)}"),
        _row("status", solution.status),
        _row("objective", "–" if solution.objective is None else str(solution.objective)),
        _row("best bound", "–" if solution.best_bound is None else _number(solution.best_bound)),
        _row("gap", "–" if solution.gap is None else f"{solution.gap * 100:.1f} %"),
        _row("wall time", _wall_time(solution)),
    ]
    if solution.has_rota:
        labels = _labels(problem)
        lines += penalty_lines(solution.penalties)
        lines += unfilled_lines(solution.unfilled())
        lines += least_served_lines(solution.fulfilment, labels)
        lines += conflict_lines(solution.conflicts, labels)
    return lines


def problem_size(problem: Problem) -> str:
    return ", ".join(
        [
            _count(len(problem.staff), "person", "people"),
            _count(problem.horizon.days, "day"),
            _count(len(problem.shift_types), "shift type"),
            _count(len(problem.routes), "route"),
        ]
    )


def penalty_lines(penalties: Iterable[Penalty]) -> list[str]:
    """Penalty cost summed per rule family, costliest first."""
    cost: dict[str, int] = defaultdict(int)
    times: dict[str, int] = defaultdict(int)
    for p in penalties:
        cost[p.family] += p.cost
        times[p.family] += 1
    if not cost:
        return ["penalties:  none"]
    width = max(len(family) for family in cost)
    lines = ["penalties by family:"]
    for family in sorted(cost, key=lambda f: (-cost[f], f)):
        lines.append(f"  {family:<{width}}  {cost[family]:>8}  ({_count(times[family], 'time')})")
    lines.append(f"  {'total':<{width}}  {sum(cost.values()):>8}")
    return lines


def unfilled_lines(unfilled: list[SlotCoverage]) -> list[str]:
    """Slots short of people, by date and shift; at most `MAX_UNFILLED_LINES` of them."""
    if not unfilled:
        return ["unfilled:   none"]
    slots = sorted(unfilled, key=lambda c: (c.date, c.shift, c.route or "", c.skill or ""))
    lines = [f"unfilled slots ({len(slots)}, {sum(c.missing for c in slots)} people missing):"]
    for c in slots[:MAX_UNFILLED_LINES]:
        what = f"route {c.route}" if c.route else f"skill {c.skill}" if c.skill else "any skill"
        lines.append(f"  {c.date}  {c.shift:<6}  {what:<24}  missing {c.missing} of {c.need}")
    if len(slots) > MAX_UNFILLED_LINES:
        lines.append(f"  … and {len(slots) - MAX_UNFILLED_LINES} more")
    return lines


def least_served_lines(fulfilment: Iterable[Fulfilment], labels: dict[str, str]) -> list[str]:
    """The people whose wishes were granted least, by weight; nothing when nobody wished anything."""
    wishing = [f for f in fulfilment if f.weight_made > 0]
    if not wishing:
        return []
    wishing.sort(key=lambda f: (f.weight_granted / f.weight_made, -f.weight_made, f.staff))
    lines = ["least-served people (wish weight granted):"]
    for f in wishing[:LEAST_SERVED_LINES]:
        share = f"{f.weight_granted}/{f.weight_made} ({100 * f.weight_granted / f.weight_made:.0f} %)"
        hours = f"{f.minutes / 60:.1f} h"
        if f.target_minutes is not None:
            hours += f" of {f.target_minutes / 60:.1f} h"
        lines.append(f"  {labels.get(f.staff, f.staff):<24}  {share:<16}  {hours}")
    return lines


def conflict_lines(conflicts: Iterable[Conflict], labels: dict[str, str]) -> list[str]:
    """Each conflict in its own words (they name the person and the rules), or named from its parts."""
    lines = [f"  {c.explanation or _conflict_parts(c, labels)}" for c in conflicts]
    return ["conflicts:", *lines] if lines else []


def _conflict_parts(conflict: Conflict, labels: dict[str, str]) -> str:
    who = labels.get(conflict.staff, conflict.staff) if conflict.staff else "between people"
    return f"{who}: {', '.join(conflict.rules)}"


def no_rota_lines(problem: Problem, solution: Solution, params: SolveParams) -> list[str]:
    """Why there is no rota: the conflicting hard rules, or that time ran out."""
    head = f"{PROG}: no rota ({solution.status})"
    if solution.conflicts:
        explained = conflict_lines(solution.conflicts, _labels(problem))[1:]
        return [f"{head}: these hard rules cannot all hold:", *explained]
    if solution.status == "INFEASIBLE":
        return [f"{head}: the hard rules cannot all hold, and no single conflict could be named"]
    return [f"{head}: none found within {_number(params.time_limit)} s; try a longer --time-limit"]


def no_rota_exit(solution: Solution) -> int:
    """1 when the hard rules contradict each other (a planner must change the rules), 3 when time ran out
    before any rota was found (a longer time limit may find one)."""
    if solution.conflicts or solution.status == "INFEASIBLE":
        return EXIT_FAILED
    return EXIT_TIME_OUT


def violation_lines(violations: list[Violation]) -> list[str]:
    if not violations:
        return [_row("hard rules", "no hard rule broken")]
    return [f"hard rules broken ({len(violations)}):", *(f"  {v.rule}: {v.message}" for v in violations)]


def _labels(problem: Problem) -> dict[str, str]:
    """Name and id of each person (the id is what the CSV and the problem file say), each written once."""
    return {p.id: f"{p.name} ({p.id})" if p.name else p.id for p in problem.staff}


def _wall_time(solution: Solution) -> str:
    text = f"{solution.wall_time:.2f} s"
    if solution.first_solution_time is not None:
        text += f" (first rota after {solution.first_solution_time:.2f} s)"
    return text


def _row(label: str, value: str) -> str:
    return f"{label + ':':<12}{value}"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
