"""Importer for the Curtois & Qu nurse rostering benchmark (Instances 1–24, plain-text format).

The format (see `examples/curtois/README.md`): CRLF text, `#` comment lines, blank lines between
sections, and the sections SECTION_HORIZON, SHIFTS, STAFF, DAYS_OFF, SHIFT_ON_REQUESTS,
SHIFT_OFF_REQUESTS and COVER, always all of them and in that order. Fields are separated by `,`, lists
inside a field by `|`, and days are indexes from 0, day 0 being a Monday.

Mapping onto `solver.problem.Problem`, chosen so that the objective of `docs/rules.md` equals the
benchmark's objective exactly:

- horizon: `days = h` from Monday 2024-01-01, no public holidays;
- a shift: `ShiftType(code=ID, name=ID, start=None, minutes=length, forbidden_next=successors)`;
- a staff line: a `Contract` with `max_shifts` (a count of at least `h` is no limit and is left out; 0
  forbids the type), `max_minutes`, `min_minutes`, `max_consecutive_work`, `min_consecutive_work`,
  `min_consecutive_off` (for these two, 0 means no limit and becomes `None`) and `max_weekends`;
- SECTION_DAYS_OFF: `Staff.days_off` (hard);
- shift-on / shift-off requests: `Wish(kind="want" / "avoid", shift=ID, weight=...)`;
- SECTION_COVER: one `Cover(shift, date=..., need, weight_under, weight_over)` per row;
- `Rules.none()` (the Danish working-time rules are off) and all `Weights` at 0.

Staff IDs and shift IDs share letters (Instance1 has staff `D` and shift `D`); they are kept apart.
Every malformed line raises `InputError` whose field names the file, the line number and the section,
and whose message quotes the line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from planner.errors import InputError
from solver.problem import (
    Contract,
    Cover,
    Horizon,
    Problem,
    Rules,
    ShiftType,
    Staff,
    Weights,
    Wish,
    WishKind,
)

__all__ = [
    "GUROBI_60",
    "INSTANCE_SIZES",
    "MARKER",
    "SECTIONS",
    "START",
    "best_known",
    "load_curtois",
    "looks_like_curtois",
    "parse_curtois",
]

MARKER = "SECTION_HORIZON"
START = dt.date(2024, 1, 1)  # a Monday: day 0 of every instance
SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
STAFF_FIELDS = (
    "ID",
    "MaxShifts",
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)
REQUEST_FIELDS = ("EmployeeID", "Day", "ShiftID", "Weight")
COVER_FIELDS = ("Day", "ShiftID", "Requirement", "Weight for under", "Weight for over")

# Instance number -> (days, staff, shift types), counted from the files.
INSTANCE_SIZES: dict[int, tuple[int, int, int]] = {
    1: (14, 8, 1),
    2: (14, 14, 2),
    3: (14, 20, 3),
    4: (28, 10, 2),
    5: (28, 16, 2),
    6: (28, 18, 3),
    7: (28, 20, 3),
    8: (28, 30, 4),
    9: (28, 36, 4),
    10: (28, 40, 5),
    11: (28, 50, 6),
    12: (28, 60, 10),
    13: (28, 120, 18),
    14: (42, 32, 4),
    15: (42, 45, 6),
    16: (56, 20, 3),
    17: (56, 32, 4),
    18: (84, 22, 3),
    19: (84, 40, 5),
    20: (182, 50, 6),
    21: (182, 100, 8),
    22: (364, 50, 10),
    23: (364, 100, 16),
    24: (364, 150, 32),
}

# Instance number -> (best-known objective = upper bound, lower bound), from the README table, which is a
# third-party transcription of schedulingbenchmarks.org/nrp (not confirmed against the live page).
_BEST_KNOWN: dict[int, tuple[int, int]] = {
    1: (607, 607),
    2: (828, 828),
    3: (1001, 1001),
    4: (1716, 1716),
    5: (1143, 1143),
    6: (1950, 1950),
    7: (1056, 1056),
    8: (1300, 1300),
    9: (439, 439),
    10: (4631, 4631),
    11: (3443, 3443),
    12: (4040, 4040),
    13: (1348, 1348),
    14: (1278, 1278),
    15: (3828, 3828),
    16: (3225, 3225),
    17: (5746, 5746),
    18: (4459, 4459),
    19: (3149, 3149),
    20: (4769, 4769),
    21: (21133, 21133),
    22: (30241, 30241),
    23: (17285, 17285),
    24: (40439, 40438),
}

# Gurobi with a 60-minute limit, as reported by Curtois & Qu (2014) via the third-party table in the README.
# Only Instances 1–19 are published.
GUROBI_60: dict[int, int] = {
    1: 607,
    2: 828,
    3: 1001,
    4: 1716,
    5: 1143,
    6: 1950,
    7: 1056,
    8: 1323,
    9: 439,
    10: 4631,
    11: 3443,
    12: 4040,
    13: 3109,
    14: 1280,
    15: 4964,
    16: 3233,
    17: 5851,
    18: 4760,
    19: 5420,
}

_NUMBER = re.compile(r"[+-]?[0-9]+")  # Instance15 has "-0" in two cover rows
_MAX_QUOTE = 70

T = TypeVar("T")


def best_known(instance_number: int) -> tuple[int, int]:
    """(best-known objective, lower bound) of Instance `instance_number` (1–24)."""
    try:
        return _BEST_KNOWN[instance_number]
    except KeyError:
        raise ValueError(f"no Curtois instance {instance_number}: instances are 1–24") from None


def looks_like_curtois(text: str) -> bool:
    """Whether `text` is a Curtois benchmark file (content sniffing: it has a SECTION_HORIZON header)."""
    return MARKER in text


def load_curtois(path: Path) -> Problem:
    """Read a Curtois instance file; errors are `InputError`s that name the file by its name."""
    from planner.io import read_text  # planner.io imports this module lazily; keep the cycle lazy too

    return parse_curtois(read_text(path), path.stem, source=path.name)


def parse_curtois(text: str, name: str = "", *, source: str | None = None) -> Problem:
    """The `Problem` of a Curtois instance given as text; `name` becomes `Problem.name`.

    `source` labels the input in error messages (default: `name`, else "curtois").
    """
    return _Parser(text, name, source or name or "curtois").problem()


class _Line:
    """One data line: where it is, and its fields."""

    __slots__ = ("fields", "number", "section", "text")

    def __init__(self, number: int, section: str, text: str) -> None:
        self.number = number
        self.section = section
        self.text = text
        self.fields = [f.strip() for f in text.split(",")]


class _Parser:
    def __init__(self, text: str, name: str, source: str) -> None:
        self.name = name
        self.source = source
        self.sections = self._split(text)

    # ---- errors ------------------------------------------------------------------------------------

    def error(self, line: _Line, message: str) -> InputError:
        quoted = line.text if len(line.text) <= _MAX_QUOTE else line.text[: _MAX_QUOTE - 1] + "…"
        return InputError(f"{self.source} line {line.number} ({line.section})", f"{message}: {quoted!r}")

    def invalid(self, line: _Line, exc: ValidationError) -> InputError:
        parts = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            loc = ".".join(str(part) for part in err["loc"])
            value = err.get("input")
            got = f" (got {value!r})" if isinstance(value, str | int) and err["type"] != "missing" else ""
            parts.append(f"{loc}: {msg}{got}" if loc else f"{msg}{got}")
        return self.error(line, "; ".join(parts))

    def build(self, line: _Line, make: Callable[..., T], **fields: object) -> T:
        try:
            return make(**fields)
        except ValidationError as exc:
            raise self.invalid(line, exc) from None

    # ---- lines and fields --------------------------------------------------------------------------

    def _split(self, text: str) -> dict[str, list[_Line]]:
        sections: dict[str, list[_Line]] = {}
        current: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("SECTION_"):
                expected = SECTIONS[len(sections)] if len(sections) < len(SECTIONS) else None
                if stripped != expected:
                    where = f"{self.source} line {number}"
                    if stripped not in SECTIONS:
                        raise InputError(where, f"unknown section {stripped!r}")
                    if stripped in sections:
                        raise InputError(where, f"{stripped} appears twice")
                    raise InputError(where, f"{stripped} out of order: expected {expected} next")
                current = stripped
                sections[current] = []
                continue
            if current is None:
                raise InputError(f"{self.source} line {number}", f"data before {SECTIONS[0]}: {stripped!r}")
            sections[current].append(_Line(number, current, stripped))
        missing = [s for s in SECTIONS if s not in sections]
        if missing:
            raise InputError(self.source, f"missing section {missing[0]} (sections: {', '.join(SECTIONS)})")
        return sections

    def count(self, line: _Line, names: tuple[str, ...]) -> None:
        if len(line.fields) != len(names):
            raise self.error(
                line, f"expected {len(names)} fields ({', '.join(names)}), got {len(line.fields)}"
            )

    def number(self, line: _Line, value: str, what: str) -> int:
        if value.isdigit() and value.isascii():  # the fast path: nearly every field
            return int(value)
        if not _NUMBER.fullmatch(value):
            raise self.error(line, f"{what}: expected a whole number, got {value!r}")
        number = int(value)
        if number < 0:
            raise self.error(line, f"{what}: must be >= 0, got {value!r}")
        return number

    def day(self, line: _Line, value: str, days: int, what: str = "Day") -> int:
        index = self.number(line, value, what)
        if index >= days:
            raise self.error(line, f"{what}: day {index} is outside the horizon 0 … {days - 1}")
        return index

    def known(self, line: _Line, value: str, pool: dict[str, T], what: str) -> T:
        try:
            return pool[value]
        except KeyError:
            raise self.error(line, f"unknown {what} {value!r}") from None

    # ---- sections ----------------------------------------------------------------------------------

    def problem(self) -> Problem:
        s = self.sections
        days = self._horizon(s["SECTION_HORIZON"])
        dates = [START + dt.timedelta(days=i) for i in range(days)]
        shifts = self._shifts(s["SECTION_SHIFTS"])
        staff = self._staff(s["SECTION_STAFF"], shifts, days)
        self._days_off(s["SECTION_DAYS_OFF"], staff, dates)
        wishes = self._requests(s["SECTION_SHIFT_ON_REQUESTS"], WishKind.want, staff, shifts, dates)
        wishes += self._requests(s["SECTION_SHIFT_OFF_REQUESTS"], WishKind.avoid, staff, shifts, dates)
        cover = self._cover(s["SECTION_COVER"], shifts, dates)
        try:
            return Problem(
                name=self.name,
                horizon=Horizon(start=START, days=days),
                shift_types=list(shifts.values()),
                staff=list(staff.values()),
                cover=cover,
                wishes=wishes,
                rules=Rules.none(),
                weights=Weights(contract_hour=0, continuity=0, fairness=0, route_not_favourite=0),
            )
        except ValidationError as exc:  # cross references are checked above; this is a safety net
            raise InputError(self.source, "; ".join(e["msg"] for e in exc.errors())) from None

    def _horizon(self, lines: list[_Line]) -> int:
        if len(lines) != 1:
            where = f"{self.source} line {lines[1].number}" if lines else self.source
            raise InputError(f"{where} (SECTION_HORIZON)", f"expected one line, got {len(lines)}")
        line = lines[0]
        self.count(line, ("h",))
        days = self.number(line, line.fields[0], "h")
        self.build(line, Horizon, start=START, days=days)
        return days

    def _shifts(self, lines: list[_Line]) -> dict[str, ShiftType]:
        if not lines:
            raise InputError(f"{self.source} (SECTION_SHIFTS)", "no shift types")
        shifts: dict[str, ShiftType] = {}
        successors: list[tuple[_Line, list[str]]] = []
        for line in lines:
            self.count(line, ("ShiftID", "Length", "Shifts which cannot follow"))
            code, length, after = line.fields
            if code in shifts:
                raise self.error(line, f"duplicate shift {code!r}")
            minutes = self.number(line, length, "Length")
            following = [c.strip() for c in after.split("|") if c.strip()]
            shifts[code] = self.build(
                line, ShiftType, code=code, name=code, start=None, minutes=minutes, forbidden_next=following
            )
            successors.append((line, following))
        for line, following in successors:
            for c in following:
                self.known(line, c, shifts, "shift (cannot follow)")
        return shifts

    def _staff(self, lines: list[_Line], shifts: dict[str, ShiftType], days: int) -> dict[str, Staff]:
        staff: dict[str, Staff] = {}
        for line in lines:
            self.count(line, STAFF_FIELDS)
            sid, limits, *numbers = line.fields
            if sid in staff:
                raise self.error(line, f"duplicate staff {sid!r}")
            max_shifts: dict[str, int] = {}
            seen: set[str] = set()
            for item in filter(None, (i.strip() for i in limits.split("|"))):
                code, eq, count = (p.strip() for p in item.partition("="))
                if not eq:
                    raise self.error(line, f"MaxShifts: expected shift=count, got {item!r}")
                self.known(line, code, shifts, "shift in MaxShifts")
                if code in seen:
                    raise self.error(line, f"MaxShifts: shift {code!r} given twice")
                seen.add(code)
                n = self.number(line, count, f"MaxShifts[{code}]")
                if n < days:
                    max_shifts[code] = n
            max_min, min_min, max_cons, min_cons, min_off, max_we = (
                self.number(line, v, what) for v, what in zip(numbers, STAFF_FIELDS[2:], strict=True)
            )
            contract = self.build(
                line,
                Contract,
                max_shifts=max_shifts,
                max_minutes=max_min,
                min_minutes=min_min,
                max_consecutive_work=max_cons,
                min_consecutive_work=min_cons or None,
                min_consecutive_off=min_off or None,
                max_weekends=max_we,
            )
            staff[sid] = self.build(line, Staff, id=sid, name=sid, contract=contract)
        return staff

    def _days_off(self, lines: list[_Line], staff: dict[str, Staff], dates: list[dt.date]) -> None:
        for line in lines:
            sid, *indexes = line.fields
            person = self.known(line, sid, staff, "staff")
            for value in indexes:
                if value:  # tolerate a trailing comma
                    person.days_off.append(dates[self.day(line, value, len(dates), "DayIndexes")])

    def _requests(
        self,
        lines: list[_Line],
        kind: WishKind,
        staff: dict[str, Staff],
        shifts: dict[str, ShiftType],
        dates: list[dt.date],
    ) -> list[Wish]:
        wishes = []
        for line in lines:
            self.count(line, REQUEST_FIELDS)
            sid, day, code, weight = line.fields
            self.known(line, sid, staff, "staff")
            index = self.day(line, day, len(dates))
            self.known(line, code, shifts, "shift")
            w = self.number(line, weight, "Weight")
            wishes.append(
                self.build(line, Wish, staff=sid, date=dates[index], kind=kind, shift=code, weight=w)
            )
        return wishes

    def _cover(self, lines: list[_Line], shifts: dict[str, ShiftType], dates: list[dt.date]) -> list[Cover]:
        cover = []
        seen: dict[tuple[int, str], int] = {}
        for line in lines:
            self.count(line, COVER_FIELDS)
            day, code, need, under, over = line.fields
            index = self.day(line, day, len(dates))
            self.known(line, code, shifts, "shift")
            if (index, code) in seen:
                raise self.error(
                    line, f"day {index}, shift {code!r} already covered on line {seen[index, code]}"
                )
            seen[index, code] = line.number
            n, wu, wo = (
                self.number(line, v, what)
                for v, what in zip((need, under, over), COVER_FIELDS[2:], strict=True)
            )
            cover.append(
                self.build(
                    line, Cover, shift=code, date=dates[index], need=n, weight_under=wu, weight_over=wo
                )
            )
        return cover
