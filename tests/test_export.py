"""The rota CSV: golden files for both variants, the round trip, and bad rows named by line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.export import read_rota_csv, rota_csv
from solver.problem import Horizon, Problem, Route, ShiftType, Staff
from solver.solution import Assignment, Solution

GOLDEN = Path(__file__).parent / "golden"
MONDAY = dt.date(2025, 3, 3)


def small_problem() -> Problem:
    return Problem(
        name="small",
        horizon=Horizon(start=MONDAY, days=3),
        shift_types=[
            ShiftType(code="D", start=dt.time(7, 0), minutes=480),
            ShiftType(code="A", start=dt.time(15, 0), minutes=510),
            ShiftType(code="N", start=dt.time(22, 45), minutes=510),
            ShiftType(code="K", minutes=120),  # no clock time: start and end stay empty
        ],
        staff=[
            Staff(id="mette", name="Hansen, Mette"),
            Staff(id="søren", name="Søren Ærø"),
            Staff(id="ali"),
        ],
        routes=[Route(id="R1", name="Uldum nord", shifts=["D", "A"])],
    )


def small_assignments() -> list[Assignment]:
    # Deliberately out of order: the CSV sorts by date, then staff id.
    return [
        Assignment(staff="søren", date=MONDAY + dt.timedelta(days=1), shift="D", route="R1"),
        Assignment(staff="mette", date=MONDAY + dt.timedelta(days=1), shift="N"),
        Assignment(staff="mette", date=MONDAY, shift="D", route="R1"),
        Assignment(staff="søren", date=MONDAY, shift="N"),
        Assignment(staff="ali", date=MONDAY, shift="A", route="R1"),
        Assignment(staff="ali", date=MONDAY + dt.timedelta(days=2), shift="K"),
    ]


def _sorted(assignments: list[Assignment]) -> list[Assignment]:
    return sorted(assignments, key=lambda a: (a.date, a.staff, a.shift))


def test_plain_csv_matches_golden_file() -> None:
    text = rota_csv(small_problem(), small_assignments())
    assert text.encode("utf-8") == (GOLDEN / "rota_small.csv").read_bytes()


def test_excel_csv_matches_golden_file() -> None:
    text = rota_csv(small_problem(), small_assignments(), excel=True)
    data = text.encode("utf-8")
    assert data == (GOLDEN / "rota_small_excel.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfstaff_id;staff_name;date;")
    assert data.count(b"\r\n") == len(small_assignments()) + 1


def test_night_shift_ends_next_morning_and_unknown_times_stay_empty() -> None:
    rows = rota_csv(small_problem(), small_assignments()).splitlines()
    assert "søren,Søren Ærø,2025-03-03,N,22:45,07:15," in rows
    assert "ali,,2025-03-05,K,,," in rows


def test_accepts_a_solution() -> None:
    solution = Solution(status="FEASIBLE", objective=0, assignments=small_assignments())
    assert rota_csv(small_problem(), solution) == rota_csv(small_problem(), small_assignments())


@pytest.mark.parametrize("excel", [False, True])
def test_round_trip(excel: bool) -> None:
    problem = small_problem()
    text = rota_csv(problem, small_assignments(), excel=excel)
    back = read_rota_csv(text, problem=problem)
    assert back == _sorted(small_assignments())
    assert rota_csv(problem, back, excel=excel) == text


@pytest.mark.parametrize("name", ["rota_small.csv", "rota_small_excel.csv"])
def test_reads_golden_files(name: str) -> None:
    text = (GOLDEN / name).read_bytes().decode("utf-8")
    assert read_rota_csv(text) == _sorted(small_assignments())


def test_excel_cells_never_start_a_formula() -> None:
    problem = small_problem()
    problem.staff[2].name = "=1+2"
    text = rota_csv(problem, small_assignments(), excel=True)
    assert "ali;'=1+2;" in text
    assert read_rota_csv(text) == _sorted(small_assignments())


def test_reads_columns_by_name_and_ignores_blank_lines() -> None:
    text = "date,shift,staff_id\n\n2025-03-03,D,mette\n"
    assert read_rota_csv(text) == [Assignment(staff="mette", date=MONDAY, shift="D")]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("", "line 1", "empty file"),
        ("staff_id,shift\nmette,D\n", "line 1", "date"),
        ("staff_id,date,shift\nmette,03-03-2025,D\n", "line 2, date", "'03-03-2025'"),
        ("staff_id,date,shift\nmette,2025-03-03,D\n,2025-03-04,D\n", "line 3, staff_id", "empty"),
        ("staff_id,date,shift\nmette,2025-03-03,D,extra\n", "line 2", "4 fields"),
    ],
)
def test_bad_rows_name_the_line(text: str, field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        read_rota_csv(text)
    assert caught.value.field == field
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("nobody,2025-03-03,D,", "line 2, staff_id", "unknown staff id 'nobody'"),
        ("mette,2025-03-09,D,", "line 2, date", "outside the horizon"),
        ("mette,2025-03-03,Z,", "line 2, shift", "unknown shift 'Z'"),
        ("mette,2025-03-03,D,R9", "line 2, route", "unknown route 'R9'"),
    ],
)
def test_references_are_checked_against_the_problem(row: str, field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        read_rota_csv(f"staff_id,date,shift,route\n{row}\n", problem=small_problem())
    assert caught.value.field == field
    assert words in str(caught.value)


def test_every_bad_row_is_reported() -> None:
    text = "staff_id;date;shift\r\nmette;x;D\r\nali;2025-03-03;D\r\nsøren;y;D\r\n"
    with pytest.raises(InputError) as caught:
        read_rota_csv(text)
    message = str(caught.value)
    assert message.startswith("line 2, date: 'x'")
    assert "line 4, date: 'y'" in message


@pytest.mark.parametrize("excel", [False, True])
def test_names_a_spreadsheet_would_run_as_formulas_are_written_as_text(excel: bool) -> None:
    """CSV injection (OWASP): a name starting with = + - @ TAB or CR opens as text in both variants."""
    evil = ['=HYPERLINK("http://x","klik")', "@SUM(A1)", "\t=1+1", "-2+3", "+45 12 34 56", "\r=2"]
    problem = small_problem().model_copy(
        update={"staff": [Staff(id=f"p{i}", name=name) for i, name in enumerate(evil)]}
    )
    assignments = [Assignment(staff=f"p{i}", date=MONDAY, shift="D") for i in range(len(evil))]
    text = rota_csv(problem, assignments, excel=excel)
    rows = list(
        csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";" if excel else ",")
    )
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert sorted(row[1] for row in rows[1:]) == sorted("'" + name.replace("\r", " ") for name in evil)
    assert _sorted(read_rota_csv(text, problem=problem)) == _sorted(assignments)
