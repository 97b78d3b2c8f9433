"""The Curtois & Qu importer: all 24 instances against the README's counts, the mapping onto `Problem`,
and malformed files rejected with the line, section and value named."""

from __future__ import annotations

import datetime as dt
import time
from functools import cache
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.importers.curtois import (
    GUROBI_60,
    INSTANCE_SIZES,
    START,
    best_known,
    load_curtois,
    looks_like_curtois,
    parse_curtois,
)
from planner.io import load_problem
from solver import check
from solver.problem import Problem, Rules, Weights, WishKind

BENCH = Path(__file__).resolve().parents[1] / "examples" / "curtois"

# From the README: instance -> (days-off entries, on-requests, off-requests, cover rows, shift lengths,
# all-off penalty), and (days, staff, shift types).
COUNTS: dict[int, tuple[int, int, int, int, list[int], int]] = {
    1: (8, 21, 5, 14, [480], 7137),
    2: (14, 50, 12, 28, [480], 10882),
    3: (20, 39, 25, 42, [480], 15474),
    4: (20, 52, 19, 56, [480], 18319),
    5: (32, 79, 27, 56, [480], 28974),
    6: (36, 87, 48, 84, [480], 30057),
    7: (40, 104, 64, 84, [480], 31728),
    8: (60, 139, 86, 112, [480], 48486),
    9: (72, 144, 88, 112, [480, 600], 41298),
    10: (80, 210, 74, 140, [480, 600], 69704),
    11: (100, 197, 139, 168, [480], 81495),
    12: (120, 294, 128, 280, [480], 101241),
    13: (240, 589, 252, 504, [480, 600, 720], 174903),
    14: (128, 266, 93, 168, [480, 600], 69741),
    15: (180, 350, 140, 252, [480, 600, 720], 94788),
    16: (120, 177, 103, 168, [480], 67438),
    17: (160, 351, 129, 224, [480], 109479),
    18: (176, 322, 92, 252, [480], 112230),
    19: (320, 587, 247, 420, [480, 600], 186930),
    20: (900, 1665, 653, 1092, [480], 450216),
    21: (1800, 3210, 1492, 1456, [480, 720], 878187),
    22: (1800, 3253, 1385, 3640, [480], 969673),
    23: (3600, 6549, 2861, 5824, [480, 600, 720], 1620808),
    24: (5400, 9540, 4269, 11648, [480, 600, 720], 2278033),
}
SIZES: dict[int, tuple[int, int, int]] = {
    1: (14, 8, 1), 2: (14, 14, 2), 3: (14, 20, 3), 4: (28, 10, 2), 5: (28, 16, 2), 6: (28, 18, 3),
    7: (28, 20, 3), 8: (28, 30, 4), 9: (28, 36, 4), 10: (28, 40, 5), 11: (28, 50, 6), 12: (28, 60, 10),
    13: (28, 120, 18), 14: (42, 32, 4), 15: (42, 45, 6), 16: (56, 20, 3), 17: (56, 32, 4), 18: (84, 22, 3),
    19: (84, 40, 5), 20: (182, 50, 6), 21: (182, 100, 8), 22: (364, 50, 10), 23: (364, 100, 16),
    24: (364, 150, 32),
}  # fmt: skip


@cache
def timed_load(n: int) -> tuple[Problem, float]:
    """Instance n, parsed once for all tests, and the seconds the parse took."""
    started = time.perf_counter()
    problem = load_curtois(BENCH / f"Instance{n}.txt")
    return problem, time.perf_counter() - started


def instance(n: int) -> Problem:
    return timed_load(n)[0]


def all_off_penalty(problem: Problem) -> int:
    """README: Σ requirement · weight_under + Σ on-request weights (everybody off every day)."""
    under = sum(c.need * c.weight_under for c in problem.cover)
    wants = sum(w.weight for w in problem.wishes if w.kind is WishKind.want)
    return under + wants


# ---- the 24 instances ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 25))
def test_instance_counts_match_readme(n: int) -> None:
    p = instance(n)
    days_off, on, off, cover, lengths, penalty = COUNTS[n]
    assert p.name == f"Instance{n}"
    assert (p.horizon.days, len(p.staff), len(p.shift_types)) == SIZES[n] == INSTANCE_SIZES[n]
    assert sum(len(person.days_off) for person in p.staff) == days_off
    assert sum(w.kind is WishKind.want for w in p.wishes) == on
    assert sum(w.kind is WishKind.avoid for w in p.wishes) == off
    assert len(p.wishes) == on + off
    assert len(p.cover) == cover == p.horizon.days * len(p.shift_types)
    assert sorted({s.minutes for s in p.shift_types}) == lengths
    assert all_off_penalty(p) == penalty


@pytest.mark.parametrize("n", [1, 9, 15, 19])
def test_checker_scores_the_empty_rota_as_the_readme_all_off_penalty(n: int) -> None:
    """The docs/rules.md objective of the empty rota is the benchmark's: cover and wishes only."""
    assert check.objective(instance(n), []) == COUNTS[n][5]


def test_instance1_mapping() -> None:
    p = instance(1)
    assert p.horizon.start == START == dt.date(2024, 1, 1)
    assert START.weekday() == 0
    assert p.horizon.public_holidays == []
    assert p.rules == Rules.none()
    assert p.weights == Weights(contract_hour=0, continuity=0, fairness=0, route_not_favourite=0)
    assert p.routes == [] and p.self_picks == [] and p.locks == []
    (shift,) = p.shift_types
    assert (shift.code, shift.name, shift.start, shift.minutes, shift.forbidden_next) == (
        "D",
        "D",
        None,
        480,
        [],
    )
    # Staff D and shift D both exist: separate namespaces.
    d = p.person("D")
    assert d.name == "D"
    assert d.days_off == [START + dt.timedelta(days=2)]
    c = d.contract
    assert c.max_shifts == {}  # D=14 with h = 14: no limit
    assert (c.max_minutes, c.min_minutes) == (4320, 3360)
    assert (c.max_consecutive_work, c.min_consecutive_work, c.min_consecutive_off, c.max_weekends) == (
        5,
        2,
        2,
        1,
    )
    assert c.weekly_hours is None and c.weekend_off_every is None
    first = p.wishes[0]
    assert (first.staff, first.date, first.kind, first.shift, first.weight) == (
        "A",
        START + dt.timedelta(days=2),
        WishKind.want,
        "D",
        2,
    )
    last = p.wishes[-1]
    assert (last.staff, last.date, last.kind, last.shift, last.weight) == (
        "H",
        START + dt.timedelta(days=3),
        WishKind.avoid,
        "D",
        3,
    )
    c0 = p.cover[0]
    assert (c0.shift, c0.skill, c0.date, c0.weekday, c0.need, c0.weight_under, c0.weight_over) == (
        "D",
        None,
        START,
        None,
        5,
        100,
        1,
    )


def test_instance2_zero_max_shifts_stays() -> None:
    d = instance(2).person("D")  # D,E=14|L=0,...
    assert d.contract.max_shifts == {"L": 0}


def test_minus_zero_requirement_in_instance15() -> None:
    # Instance15 writes two requirements as "-0" (lines 858 and 861): read as 0.
    p = instance(15)
    day41 = START + dt.timedelta(days=41)
    needs = {c.shift: c.need for c in p.cover if c.date == day41}
    assert needs["D"] == 0 and needs["n2"] == 0


def test_instance24_the_biggest_parses_whole() -> None:
    # Its parse time (about 0.65 s alone on the 2-core machine, 6.9 s once inside a loaded `make test`) is
    # no test's business: timings belong to the benchmarks.
    problem, _ = timed_load(24)
    assert len(problem.cover) == 11648


def test_load_problem_sniffs_curtois() -> None:
    path = BENCH / "Instance3.txt"
    assert looks_like_curtois(path.read_text())
    assert load_problem(path) == instance(3)


# ---- reference values ---------------------------------------------------------------------------------


def test_reference_tables() -> None:
    assert best_known(1) == (607, 607)
    assert best_known(24) == (40439, 40438)
    assert all(best_known(n)[1] <= best_known(n)[0] for n in range(1, 25))
    assert sorted(GUROBI_60) == list(range(1, 20))
    assert all(GUROBI_60[n] >= best_known(n)[0] for n in GUROBI_60)
    assert sorted(INSTANCE_SIZES) == list(range(1, 25))
    with pytest.raises(ValueError, match="25"):
        best_known(25)


def test_looks_like_curtois() -> None:
    assert looks_like_curtois(SMALL)
    assert not looks_like_curtois('{"horizon": {"start": "2025-03-03", "days": 7}}')


# ---- a small hand-made instance, and broken variants of it ----------------------------------------------

SMALL_LINES = [
    "# A hand-made instance",  # line 1
    "SECTION_HORIZON",  # 2
    "14",  # 3
    "",  # 4
    "SECTION_SHIFTS",  # 5
    "# ShiftID, Length in mins, Shifts which cannot follow this shift | separated",  # 6
    "E,480,",  # 7
    "L,600,E",  # 8
    "",  # 9
    "SECTION_STAFF",  # 10
    "L,E=14|L=0,4800,960,5,1,2,2",  # 11: staff L, who may never work shift L
    "E,E=3|L=14,4800,0,5,2,3,1",  # 12
    "",  # 13
    "SECTION_DAYS_OFF",  # 14
    "L,0,13",  # 15
    "E,",  # 16
    "",  # 17
    "SECTION_SHIFT_ON_REQUESTS",  # 18
    "E,1,L,3",  # 19
    "",  # 20
    "SECTION_SHIFT_OFF_REQUESTS",  # 21
    "L,2,E,1",  # 22
    "",  # 23
    "SECTION_COVER",  # 24
    "0,E,1,100,1",  # 25
    "0,L,2,100,1",  # 26
]
SMALL = "\r\n".join(SMALL_LINES) + "\r\n"


def variant(line: int, new: str | None) -> str:
    """SMALL with 1-based `line` replaced (or removed, when `new` is None)."""
    lines = list(SMALL_LINES)
    if new is None:
        del lines[line - 1]
    else:
        lines[line - 1] = new
    return "\r\n".join(lines)


def test_small_instance() -> None:
    p = parse_curtois(SMALL, "small")
    assert p.name == "small"
    assert [(s.code, s.minutes, s.forbidden_next) for s in p.shift_types] == [
        ("E", 480, []),
        ("L", 600, ["E"]),
    ]
    staff_l, staff_e = p.staff
    assert staff_l.id == "L" and staff_e.id == "E"
    assert staff_l.contract.max_shifts == {"L": 0}  # E=14 is no limit; 0 stays 0
    assert staff_e.contract.max_shifts == {"E": 3}
    assert staff_l.contract.min_consecutive_work == 1
    assert staff_e.contract.min_minutes == 0
    assert staff_l.days_off == [START, START + dt.timedelta(days=13)]
    assert staff_e.days_off == []
    assert [(w.staff, w.kind, w.shift, w.weight) for w in p.wishes] == [
        ("E", WishKind.want, "L", 3),
        ("L", WishKind.avoid, "E", 1),
    ]
    assert check.objective(p, []) == 100 + 200 + 3
    # Same result with LF line endings and stray spaces.
    assert parse_curtois(SMALL.replace("\r\n", "\n").replace(",", " , "), "small") == p


def test_load_curtois_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_text(variant(12, "E,E=3|L=14,4800,0,5,2,3"), newline="")
    with pytest.raises(InputError) as info:
        load_curtois(path)
    assert info.value.field == "broken.txt line 12 (SECTION_STAFF)"
    with pytest.raises(InputError, match="no such file"):
        load_curtois(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("line", "new", "field", "message"),
    [
        # truncated staff line
        (11, "L,E=14|L=0,4800,960,5,1,2", "line 11 (SECTION_STAFF)", "expected 8 fields"),
        # unknown shift in a request (staff L exists, but shift X does not)
        (19, "E,1,X,3", "line 19 (SECTION_SHIFT_ON_REQUESTS)", "unknown shift 'X'"),
        (22, "L,2,Q,1", "line 22 (SECTION_SHIFT_OFF_REQUESTS)", "unknown shift 'Q'"),
        # non-integers
        (
            12,
            "E,E=3|L=14,48x0,0,5,2,3,1",
            "line 12 (SECTION_STAFF)",
            "MaxTotalMinutes: expected a whole number",
        ),
        (
            19,
            "E,1,L,high",
            "line 19 (SECTION_SHIFT_ON_REQUESTS)",
            "Weight: expected a whole number, got 'high'",
        ),
        (25, "0,E,1.5,100,1", "line 25 (SECTION_COVER)", "Requirement: expected a whole number, got '1.5'"),
        (3, "two weeks", "line 3 (SECTION_HORIZON)", "h: expected a whole number"),
        (15, "L,0,x", "line 15 (SECTION_DAYS_OFF)", "DayIndexes: expected a whole number"),
        # other references and ranges
        (15, "Z,0", "line 15 (SECTION_DAYS_OFF)", "unknown staff 'Z'"),
        (19, "E,14,L,3", "line 19 (SECTION_SHIFT_ON_REQUESTS)", "day 14 is outside the horizon 0 … 13"),
        (8, "L,600,E|N", "line 8 (SECTION_SHIFTS)", "unknown shift (cannot follow) 'N'"),
        (11, "L,E=14|X=0,4800,960,5,1,2,2", "line 11 (SECTION_STAFF)", "unknown shift in MaxShifts 'X'"),
        (11, "L,E=14|L,4800,960,5,1,2,2", "line 11 (SECTION_STAFF)", "expected shift=count"),
        (12, "L,E=3,4800,0,5,2,3,1", "line 12 (SECTION_STAFF)", "duplicate staff 'L'"),
        (8, "E,600,", "line 8 (SECTION_SHIFTS)", "duplicate shift 'E'"),
        (26, "0,E,2,100,1", "line 26 (SECTION_COVER)", "already covered on line 25"),
        (25, "0,E,-1,100,1", "line 25 (SECTION_COVER)", "Requirement: must be >= 0"),
        # a value the schema refuses: named with the line too
        (7, "E,1000,", "line 7 (SECTION_SHIFTS)", "minutes: Input should be less than or equal to 960"),
        (
            12,
            "E,E=3|L=14,100,200,5,2,3,1",
            "line 12 (SECTION_STAFF)",
            "min_minutes 200 exceeds max_minutes 100",
        ),
        (12, "E,E=3|L=14,4800,0,5,2,3,1,7", "line 12 (SECTION_STAFF)", "expected 8 fields"),
        (3, "400", "line 3 (SECTION_HORIZON)", "days: Input should be less than or equal to 366"),
    ],
)
def test_bad_line(line: int, new: str, field: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_curtois(variant(line, new), "Instance1", source="Instance1.txt")
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == f"Instance1.txt {field}"
    assert message in err.message
    assert err.message.endswith(f": {new!r}")  # quotes the line as written
    assert str(err) == f"{err.field}: {err.message}"


def test_truncated_staff_line_message() -> None:
    with pytest.raises(InputError) as info:
        parse_curtois(variant(11, "L,E=14|L=0,4800,960,5,1,2"), source="Instance1.txt")
    assert str(info.value) == (
        "Instance1.txt line 11 (SECTION_STAFF): expected 8 fields (ID, MaxShifts, MaxTotalMinutes, "
        "MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends), "
        "got 7: 'L,E=14|L=0,4800,960,5,1,2'"
    )


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (variant(24, None), "small", "missing section SECTION_COVER"),
        (
            variant(2, "SECTION_SHIFTS"),
            "small line 2",
            "SECTION_SHIFTS out of order: expected SECTION_HORIZON",
        ),
        (variant(14, "SECTION_DAYSOFF"), "small line 14", "unknown section 'SECTION_DAYSOFF'"),
        (variant(1, "14"), "small line 1", "data before SECTION_HORIZON"),
        (variant(4, "28"), "small line 4 (SECTION_HORIZON)", "expected one line, got 2"),
        ("", "small", "missing section SECTION_HORIZON"),
    ],
)
def test_bad_structure(text: str, field: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_curtois(text, "small")
    assert info.value.field == field
    assert message in info.value.message
