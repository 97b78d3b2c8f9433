"""The `pusleplan` command line: schema, bad input (exit 2, one line naming the field), solve and check."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.errors import InputError
from planner.io import load_problem
from solver.params import SolveParams
from solver.problem import Problem
from solver.solution import Solution


def problem_data(**overrides: Any) -> dict[str, Any]:
    """Two people, three days, one day shift that needs one person; Mette would rather not work Monday."""
    data: dict[str, Any] = {
        "name": "cli-tiny",
        "horizon": {"start": "2025-03-03", "days": 3},
        "shift_types": [{"code": "dag", "name": "Dag", "start": "07:00", "minutes": 480}],
        "staff": [{"id": "mette", "name": "Mette"}, {"id": "ali", "name": "Ali"}],
        "cover": [{"shift": "dag", "need": 1}],
        "wishes": [{"staff": "mette", "date": "2025-03-03", "kind": "avoid", "weight": 3}],
    }
    data.update(overrides)
    return data


def write_problem(tmp_path: Path, data: dict[str, Any] | str) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_input_error(code: int, err: str, *words: str) -> None:
    assert code == 2
    assert err.startswith("pusleplan: error: ")
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err


def objective_of(out: str) -> int:
    found = re.search(r"^objective:\s+(-?\d+)$", out, re.MULTILINE)
    assert found, out
    return int(found.group(1))


# ---- schema -----------------------------------------------------------------------------------------


def test_schema_prints_valid_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert code == 0
    assert err == ""
    schema = json.loads(out)
    assert schema["title"] == "Problem"
    assert {"horizon", "shift_types", "staff"} <= set(schema["required"])


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert "usage:" in err


# ---- bad input ---------------------------------------------------------------------------------------


BAD_PROBLEMS: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    (
        "duplicate staff ids",
        problem_data(staff=[{"id": "mette"}, {"id": "mette"}]),
        ("staff: duplicate id 'mette'",),
    ),
    (
        "wish for an unknown person",
        problem_data(wishes=[{"staff": "nobody", "date": "2025-03-03", "kind": "want"}]),
        ("wishes[0].staff", "'nobody'"),
    ),
    (
        "unknown shift",
        problem_data(cover=[{"shift": "nat", "need": 1}]),
        ("cover[0].shift", "unknown shift 'nat'"),
    ),
    (
        "negative shift duration",
        problem_data(shift_types=[{"code": "dag", "start": "07:00", "minutes": -60}]),
        ("shift_types.0.minutes", "greater than 0", "(got -60)"),
    ),
    (
        "date outside the horizon",
        problem_data(wishes=[{"staff": "ali", "date": "2025-04-01", "kind": "veto"}]),
        ("wishes[0].date", "2025-04-01", "outside the horizon"),
    ),
    (
        "weekly hours above the limit",
        problem_data(staff=[{"id": "mette", "contract": {"weekly_hours": 80}}, {"id": "ali"}]),
        ("staff.0.contract.weekly_hours", "less than or equal to 60", "(got 80)"),
    ),
    (
        "unknown field",
        problem_data(colour="blue"),
        ("colour", "Extra inputs are not permitted"),
    ),
]


@pytest.mark.parametrize(
    ("data", "words"), [(d, w) for _, d, w in BAD_PROBLEMS], ids=[n for n, _, _ in BAD_PROBLEMS]
)
@pytest.mark.parametrize("command", ["solve", "check"])
def test_bad_problem_exits_2_naming_the_field(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: str,
    data: dict[str, Any],
    words: tuple[str, ...],
) -> None:
    path = write_problem(tmp_path, data)
    rota = tmp_path / "rota.csv"
    rota.write_text("staff_id,date,shift\n", encoding="utf-8")
    argv = [command, str(path)] + ([str(rota)] if command == "check" else [])
    code, out, err = run(capsys, *argv)
    assert_input_error(code, err, str(path), *words)
    assert out == ""


def test_malformed_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_problem(tmp_path, '{"name": "x",\n "horizon": {')
    code, _, err = run(capsys, "solve", str(path))
    assert_input_error(code, err, str(path), "Invalid JSON", "line 2")


def test_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_problem(tmp_path, "")
    code, _, err = run(capsys, "solve", str(path))
    assert_input_error(code, err, str(path), "empty file")


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    code, _, err = run(capsys, "solve", str(path))
    assert_input_error(code, err, f"{path}: no such file")


def test_directory_instead_of_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "solve", str(tmp_path))
    assert_input_error(code, err, str(tmp_path), "directory")


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--time-limit", "-1", ("--time-limit", "greater than 0", "(got -1.0)")),
        ("--time-limit", "0", ("--time-limit", "greater than 0")),
        ("--workers", "0", ("--workers", "greater than or equal to 1", "(got 0)")),
        ("--seed", "-3", ("--seed", "greater than or equal to 0", "(got -3)")),
    ],
)
def test_bad_solve_options_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: str, words: tuple[str, ...]
) -> None:
    path = write_problem(tmp_path, problem_data())
    code, _, err = run(capsys, "solve", str(path), f"{option}={value}")
    assert_input_error(code, err, *words)


def test_option_that_is_not_a_number_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_problem(tmp_path, problem_data())
    code, _, err = run(capsys, "solve", str(path), "--time-limit", "soon")
    assert code == 2
    assert "--time-limit" in err
    assert "Traceback" not in err


def test_output_into_a_missing_directory_fails_before_solving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_problem(tmp_path, problem_data())
    code, _, err = run(capsys, "solve", str(path), "--out", str(tmp_path / "no" / "rota.csv"))
    assert_input_error(code, err, "--out", "does not exist")


def test_check_names_the_bad_rota_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_problem(tmp_path, problem_data())
    rota = tmp_path / "rota.csv"
    rota.write_text("staff_id,date,shift\nmette,2025-03-03,dag\nbo,2025-03-04,dag\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(path), str(rota))
    assert_input_error(code, err, f"{rota}: line 3, staff_id: unknown staff id 'bo'")


def test_check_with_missing_rota(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_problem(tmp_path, problem_data())
    rota = tmp_path / "rota.csv"
    code, _, err = run(capsys, "check", str(path), str(rota))
    assert_input_error(code, err, f"{rota}: no such file")


# ---- solve and check, end to end --------------------------------------------------------------------


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_solve_then_check_agree(capsys: pytest.CaptureFixture[str], tmp_path: Path, excel: bool) -> None:
    path = write_problem(tmp_path, problem_data())
    rota, dump = tmp_path / "rota.csv", tmp_path / "solution.json"
    argv = ["solve", str(path), "--time-limit", "10", "--workers", "1", "--seed", "1"]
    argv += ["--out", str(rota), "--json", str(dump)] + (["--excel"] if excel else [])
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "cli-tiny — 2 people, 3 days, 1 shift type, 0 routes" in out
    assert re.search(r"^status:\s+(OPTIMAL|FEASIBLE)$", out, re.MULTILINE)
    solved = objective_of(out)
    solution = json.loads(dump.read_text(encoding="utf-8"))
    assert solution["objective"] == solved
    data = rota.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfstaff_id;" if excel else b"staff_id,")
    assert len(data.decode("utf-8").splitlines()) == 1 + 3  # header and one person a day

    code, out, err = run(capsys, "check", str(path), str(rota))
    assert code == 0, out + err
    assert "no hard rule broken" in out
    assert objective_of(out) == solved


def test_check_reports_broken_hard_rules(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_problem(
        tmp_path, problem_data(staff=[{"id": "mette", "days_off": ["2025-03-03"]}, {"id": "ali"}])
    )
    rota = tmp_path / "rota.csv"
    rota.write_text("staff_id,date,shift\nmette,2025-03-03,dag\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path), str(rota))
    assert code == 1
    assert "hard rules broken" in out
    objective_of(out)


def test_quiet_solve_prints_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_problem(tmp_path, problem_data())
    code, out, _ = run(capsys, "solve", str(path), "--time-limit", "10", "--workers", "1", "--quiet")
    assert code == 0
    assert out == ""


def test_contradicting_hard_rules_exit_1_with_the_conflict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = problem_data(
        staff=[{"id": "mette", "days_off": ["2025-03-04"]}, {"id": "ali"}],
        locks=[{"staff": "mette", "date": "2025-03-04", "shift": "dag"}],
    )
    path, rota = write_problem(tmp_path, data), tmp_path / "rota.csv"
    code, out, err = run(
        capsys, "solve", str(path), "--time-limit", "10", "--workers", "1", "--out", str(rota)
    )
    assert code == 1
    assert re.search(r"^status:\s+INFEASIBLE$", out, re.MULTILINE)
    assert err.startswith("pusleplan: no rota (INFEASIBLE)")
    assert "2025-03-04" in err
    assert "Traceback" not in err
    assert not rota.exists()


def test_summary_names_people_by_name_and_id_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Two people called Grethe Olsen: the least-served lines tell them apart, each id written once."""
    data = problem_data(
        staff=[{"id": "go", "name": "Grethe Olsen"}, {"id": "gk", "name": "Grethe Olsen"}, {"id": "ali"}],
        wishes=[
            {"staff": "go", "date": "2025-03-03", "kind": "want", "shift": "dag", "weight": 3},
            {"staff": "gk", "date": "2025-03-03", "kind": "want", "shift": "dag", "weight": 3},
        ],
    )
    path = write_problem(tmp_path, data)
    code, out, _ = run(capsys, "solve", str(path), "--time-limit", "10", "--workers", "1")
    assert code == 0
    names = [line.split("  ")[1].strip() for line in out.splitlines() if line.startswith("  Grethe")]
    assert sorted(names) == ["Grethe Olsen (gk)", "Grethe Olsen (go)"], out


def test_no_rota_within_the_time_limit_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A time-out is not a contradiction: its own exit code, and the advice to give it more time."""
    seen: list[SolveParams] = []

    def timed_out(problem: Problem, params: SolveParams) -> Solution:
        seen.append(params)
        return Solution(status="UNKNOWN", wall_time=params.time_limit)

    monkeypatch.setattr("solver.solve", timed_out)
    path, rota = write_problem(tmp_path, problem_data()), tmp_path / "rota.csv"
    code, out, err = run(capsys, "solve", str(path), "--time-limit", "0.5", "--out", str(rota))
    assert code == 3
    assert [p.time_limit for p in seen] == [0.5]
    assert re.search(r"^status:\s+UNKNOWN$", out, re.MULTILINE)
    assert err.strip() == "pusleplan: no rota (UNKNOWN): none found within 0.50 s; try a longer --time-limit"
    assert not rota.exists()


def test_solve_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "solve", "--help")
    assert code == 0
    assert "exit codes:" in out
    assert "1  the hard rules contradict each other" in out
    assert "3  no rota found within the time limit" in out


# ---- a reader that goes away (`pusleplan … | head -1`) -------------------------------------------------


REPO = Path(__file__).resolve().parents[1]


def run_with_closed_stdout(*argv: str) -> tuple[int, str]:
    """Run the real command with a pipe for stdout whose reader has gone before anything is written
    (what `| head -1` does, without the race of head exiting sooner or later)."""
    with subprocess.Popen(
        [sys.executable, "-m", "planner.cli", *argv], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        err = process.stderr.read().decode()
        return process.wait(timeout=120), err


def test_schema_into_a_closed_pipe_ends_quietly() -> None:
    code, err = run_with_closed_stdout("schema")  # more than a pipe buffer: fails while printing
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert err == ""
    assert code == 141


def test_check_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = write_problem(tmp_path, problem_data())
    rota = tmp_path / "rota.csv"
    rota.write_text("staff_id,date,shift\nmette,2025-03-03,dag\n", encoding="utf-8")
    code, err = run_with_closed_stdout("check", str(path), str(rota))  # a few lines: fails at the flush
    assert err == ""
    assert code == 141


def test_head_on_schema_prints_no_traceback() -> None:
    """The pipeline of the issue, as a shell runs it."""
    command = f"{shlex.quote(sys.executable)} -m planner.cli schema | head -2"
    done = subprocess.run(["sh", "-c", command], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines() == ["{", '  "$defs": {']
    assert done.stderr == ""


# ---- Curtois benchmark files ------------------------------------------------------------------------


CURTOIS_TEXT = "# a benchmark\nSECTION_HORIZON\n7\n"


def test_curtois_files_go_to_the_curtois_reader(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []

    def parse_curtois(text: str, name: str, source: str | None = None) -> Any:
        seen.append((text, name))
        raise InputError("SECTION_SHIFTS", "no shift types")

    fake = types.ModuleType("planner.importers.curtois")
    fake.parse_curtois = parse_curtois  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "planner.importers.curtois", fake)
    path = tmp_path / "Instance1.txt"
    path.write_text(CURTOIS_TEXT, encoding="utf-8")
    code, _, err = run(capsys, "solve", str(path))
    assert seen == [(CURTOIS_TEXT, "Instance1")]
    assert_input_error(code, err, f"{path}: SECTION_SHIFTS: no shift types")


def test_curtois_instance_loads() -> None:
    path = Path(__file__).resolve().parents[1] / "examples" / "curtois" / "Instance1.txt"
    problem = load_problem(path)
    assert problem.staff
    assert problem.horizon.days > 0
