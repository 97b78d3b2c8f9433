"""The rota as CSV, for people and spreadsheets, and back.

`rota_csv` writes one row per assignment (staff_id, staff_name, date, shift, start, end, route); with
`excel=True` it writes what Danish Excel opens without a wizard: `;` separators, CRLF line ends and a UTF-8
byte-order mark. `read_rota_csv` reads either variant back, by the column names in the header, and raises
an `InputError` naming the line and the column of every bad row. Pure text in, text out: no files here.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from io import StringIO
from typing import NamedTuple

from planner.errors import InputError
from solver.problem import MINUTES_PER_DAY, Problem, ShiftType
from solver.solution import Assignment, Solution

COLUMNS = ("staff_id", "staff_name", "date", "shift", "start", "end", "route")
REQUIRED = ("staff_id", "date", "shift")
BOM = "\ufeff"
# Spreadsheets run a cell that starts with one of these as a formula; names are free text.
# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"); such a text cell
# is written with a leading ' in both variants, which spreadsheets show as text and `read_rota_csv` drops.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_ERRORS = 10


def rota_csv(problem: Problem, rota: Solution | Iterable[Assignment], *, excel: bool = False) -> str:
    """The rota as CSV text: a header, then one row per assignment sorted by date and staff id."""
    assignments = rota.assignments if isinstance(rota, Solution) else list(rota)
    names = {p.id: p.name for p in problem.staff}
    shifts = {s.code: s for s in problem.shift_types}
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    writer.writerow(COLUMNS)
    for a in sorted(assignments, key=lambda a: (a.date, a.staff, a.shift, a.route or "")):
        start, end = _clock(shifts.get(a.shift))
        texts = (a.staff, names.get(a.staff, ""), a.date.isoformat(), a.shift, start, end, a.route or "")
        writer.writerow(tuple(inert(text) for text in texts))
    return (BOM if excel else "") + buffer.getvalue()


def inert(text: str) -> str:
    """`text` as a cell no spreadsheet runs as a formula (and on one line: a line break in a name would
    split the row where the plain variant does not quote it)."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def _read_cell(text: str) -> str:
    """A cell as `inert` wrote it, back to its text."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _clock(shift: ShiftType | None) -> tuple[str, str]:
    """Start and end as HH:MM; the end of a night shift is the next morning's clock time."""
    if shift is None or shift.start_minute is None:
        return "", ""
    end = (shift.start_minute + shift.minutes) % MINUTES_PER_DAY
    return _hhmm(shift.start_minute), _hhmm(end)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class _Known(NamedTuple):
    """The ids a rota may refer to, looked up once per file."""

    problem: Problem
    staff: set[str]
    shifts: set[str]
    routes: set[str]

    @classmethod
    def of(cls, problem: Problem) -> _Known:
        return cls(
            problem,
            {p.id for p in problem.staff},
            {s.code for s in problem.shift_types},
            {r.id for r in problem.routes},
        )


def read_rota_csv(text: str, *, problem: Problem | None = None) -> list[Assignment]:
    """Assignments from CSV text as written by `rota_csv` (either variant).

    Only staff_id, date and shift are needed; route is read when present, and the other columns are
    ignored (they are derived). With `problem`, every staff id, shift, route and date must exist in it.
    """
    text = text.removeprefix(BOM)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise InputError("line 1", f"empty file: expected a header row {', '.join(COLUMNS)}")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter)
    known = None if problem is None else _Known.of(problem)
    header: list[str] | None = None
    assignments: list[Assignment] = []
    errors: list[InputError] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                _check_header(header)
                continue
            try:
                assignments.append(_assignment(row, header, reader.line_num, known))
            except InputError as exc:
                errors.append(exc)
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}", f"not readable as CSV ({exc})") from None
    if errors:
        raise _combined(errors)
    return assignments


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        lacking, got, expected = ", ".join(missing), ", ".join(header), ", ".join(COLUMNS)
        raise InputError("line 1", f"header lacks column {lacking} (got {got}; expected {expected})")


def _assignment(row: list[str], header: list[str], line: int, known: _Known | None) -> Assignment:
    if len(row) > len(header):
        raise InputError(f"line {line}", f"{len(row)} fields, but the header has {len(header)}")
    cells = dict(zip(header, (_read_cell(cell.strip()) for cell in row), strict=False))

    def cell(column: str) -> str:
        value = cells.get(column, "")
        if column in REQUIRED and not value:
            raise InputError(f"line {line}, {column}", "is empty")
        return value

    staff, raw_date, shift, route = cell("staff_id"), cell("date"), cell("shift"), cell("route") or None
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError:
        raise InputError(f"line {line}, date", f"{raw_date!r} is not a date (YYYY-MM-DD)") from None
    if known is not None:
        _check_references(known, line, staff, date, shift, route)
    return Assignment(staff=staff, date=date, shift=shift, route=route)


def _check_references(
    known: _Known, line: int, staff: str, date: dt.date, shift: str, route: str | None
) -> None:
    horizon = known.problem.horizon
    if staff not in known.staff:
        raise InputError(f"line {line}, staff_id", f"unknown staff id {staff!r}")
    if not horizon.contains(date):
        last = horizon.last_day
        raise InputError(f"line {line}, date", f"{date} is outside the horizon {horizon.start} … {last}")
    if shift not in known.shifts:
        raise InputError(f"line {line}, shift", f"unknown shift {shift!r}")
    if route is not None and route not in known.routes:
        raise InputError(f"line {line}, route", f"unknown route {route!r}")


def _combined(errors: list[InputError]) -> InputError:
    """All bad rows in one error: the first names the field, the others follow (at most ten)."""
    first, rest = errors[0], errors[1:_MAX_ERRORS]
    parts = [first.message, *(str(e) for e in rest)]
    if len(errors) > _MAX_ERRORS:
        parts.append(f"… and {len(errors) - _MAX_ERRORS} more bad rows")
    return InputError(first.field, "; ".join(parts))
