"""Hours for payroll (issue 15): every worked minute in exactly one band, split at the bands' edges and
at midnight, in real clock time — the payroll rows reconcile with the rota's shifts to the minute, also
across the October and March clock changes."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from planner.payroll import KINDS, Bands, hours, payroll_csv
from solver import check
from solver.clock import Clock
from solver.greedy import greedy_rota
from solver.problem import Problem
from solver.solution import Assignment

ROOT = Path(__file__).resolve().parents[1]


def _problem(
    start: str, days: int, zone: str | None = "Europe/Copenhagen", holidays: list[str] | None = None
) -> Problem:
    return Problem.model_validate(
        {
            "horizon": {"start": start, "days": days, "time_zone": zone, "public_holidays": holidays or []},
            "shift_types": [
                {"code": "dag", "start": "07:00", "minutes": 480},
                {"code": "aften", "start": "15:00", "minutes": 480},
                {"code": "nat", "start": "23:00", "minutes": 480},
            ],
            "staff": [{"id": "mette", "name": "Mette"}],
        }
    )


def _bands(problem: Problem, *cells: tuple[str, str]) -> dict[str, dict[str, int]]:
    rows = hours(problem, [Assignment(staff="mette", date=d, shift=s) for d, s in cells])
    return {r.week: {k: v for k, v in r.minutes.items() if v} for r in rows}


def test_a_weekday_evening_and_a_friday_night_are_split_at_the_bands() -> None:
    problem = _problem("2026-03-02", 7, zone=None)  # Monday 2 March 2026
    rows = _bands(problem, ("2026-03-02", "aften"), ("2026-03-06", "nat"), ("2026-03-03", "dag"))
    # evening 15–23: 2 h day, 6 h evening; Friday night 23–07: 1 h night, then Saturday 7 h;
    # day 07–15: 8 h day
    assert rows["2026-W10"] == {"day": 600, "evening": 360, "night": 60, "saturday": 420}
    assert rows["all"] == rows["2026-W10"]


def test_a_sunday_night_belongs_to_two_weeks_and_a_holiday_is_its_own_band() -> None:
    problem = _problem("2026-04-05", 3, zone=None, holidays=["2026-04-06"])  # Easter Sunday, Monday
    rows = _bands(problem, ("2026-04-05", "nat"), ("2026-04-06", "dag"))
    assert rows["2026-W14"] == {"sunday": 60}
    assert rows["2026-W15"] == {"holiday": 420 + 480}
    assert sum(rows["all"].values()) == 960


def test_nights_across_the_clock_changes_count_the_real_hours() -> None:
    # Saturday 24 October 2026 23:00 → Sunday 07:00 lasts 9 hours (the clocks go back at 03:00).
    october = _bands(_problem("2026-10-24", 2), ("2026-10-24", "nat"))
    assert october["all"] == {"saturday": 60, "sunday": 480}
    # Saturday 28 March 2026 23:00 → Sunday 07:00 lasts 7 hours (the clocks go forward at 02:00).
    march = _bands(_problem("2026-03-28", 2), ("2026-03-28", "nat"))
    assert march["all"] == {"saturday": 60, "sunday": 360}
    # A Wednesday night in a week without a change: 1 h night, 6 h night, 1 h day.
    plain = _bands(_problem("2026-10-21", 2), ("2026-10-21", "nat"))
    assert plain["all"] == {"night": 60 + 360, "day": 60}


def test_the_payroll_rows_reconcile_with_the_example_rota_to_the_minute() -> None:
    problem = Problem.model_validate(json.loads((ROOT / "examples" / "uldum.json").read_text()))
    rota = greedy_rota(problem)
    assert check.violations(problem, rota) == []
    clock = Clock.of(problem)
    worked = Counter[str]()
    for a in rota:
        worked[a.staff] += clock.minutes(a.shift, problem.horizon.index(a.date))
    rows = hours(problem, rota)
    totals = {r.staff: r.total for r in rows if r.week == "all"}
    assert totals == dict(worked)
    for person in totals:
        assert sum(r.total for r in rows if r.staff == person and r.week != "all") == totals[person]
    text = payroll_csv(problem, rota, excel=True)
    assert text.startswith("\ufeffstaff_id;staff_name;week;day_hours;")
    assert text.count("\r\n") == len(rows) + 1


def test_a_teams_own_bands_move_the_split() -> None:
    problem = _problem("2026-03-02", 7, zone=None)  # Monday
    bands = Bands.of(dt.time(7), dt.time(18), dt.time(22))
    rows = hours(problem, [Assignment(staff="mette", date="2026-03-02", shift="aften")], bands=bands)
    # 15–23 with evening from 18 and night from 22: 3 h day, 4 h evening, 1 h night
    assert {k: v for k, v in rows[-1].minutes.items() if v} == {"day": 180, "evening": 240, "night": 60}
    early = hours(problem, [Assignment(staff="mette", date="2026-03-03", shift="dag")], bands=bands)
    assert {k: v for k, v in early[-1].minutes.items() if v} == {"day": 480}  # 07–15, day from 07
    danish = hours(problem, [Assignment(staff="mette", date="2026-03-02", shift="aften")])
    assert {k: v for k, v in danish[-1].minutes.items() if v} == {"day": 120, "evening": 360}


def test_months_split_a_night_at_midnight_and_october_counts_nine_hours() -> None:
    # Saturday 31 October 2026 23:00 → Sunday 1 November 07:00: 1 h Saturday in October, 7 h Sunday in
    # November; the night of Saturday 24 October (the clocks go back) is 9 h, all in October.
    problem = _problem("2026-10-24", 9)
    cells = [Assignment(staff="mette", date=d, shift="nat") for d in ("2026-10-24", "2026-10-31")]
    rows = {r.week: {k: v for k, v in r.minutes.items() if v} for r in hours(problem, cells, by="month")}
    assert rows == {
        "2026-10": {"saturday": 60 + 60, "sunday": 480},
        "2026-11": {"sunday": 420},
        "all": {"saturday": 120, "sunday": 900},
    }
    text = payroll_csv(problem, cells, excel=True, by="month")
    assert text.startswith("\ufeffstaff_id;staff_name;month;day_hours;")
    assert "\r\nmette;Mette;2026-11;0,00;0,00;0,00;0,00;7,00;0,00;7,00\r\n" in text


def _minutes(text: str, excel: bool) -> dict[tuple[str, str], int]:
    """(person, week or month) → total minutes read back from the CSV text (hours with two decimals)."""
    sep = ";" if excel else ","
    lines = text.lstrip("\ufeff").splitlines()
    head = lines[0].split(sep)
    out = {}
    for line in lines[1:]:
        cells = dict(zip(head, line.split(sep), strict=True))
        bands = sum(float(cells[f"{k}_hours"].replace(",", ".")) for k in KINDS)
        total = float(cells["total_hours"].replace(",", "."))
        assert abs(bands - total) < 0.06  # the bands add up to the total (each rounded to 0.01 h)
        out[(cells["staff_id"], cells[head[2]])] = round(total * 60)
    return out


def test_the_export_reconciles_with_a_rota_across_the_october_clock_change_to_the_minute() -> None:
    data = json.loads((ROOT / "examples" / "uldum.json").read_text())
    data["horizon"].update(start="2026-10-05", public_holidays=["2026-11-02"])  # a made-up holiday
    for key in ("wishes", "self_picks", "locks", "keep", "history"):
        data.pop(key, None)
    for person in data["staff"]:
        for key in ("days_off", "absences"):
            person.pop(key, None)
    problem = Problem.model_validate(data)
    rota = greedy_rota(problem)
    assert check.violations(problem, rota) == []
    clock = Clock.of(problem)
    change = dt.date(2026, 10, 24)  # the Saturday night into the change
    assert any(a.date == change and a.shift == "nat" for a in rota)
    assert clock.minutes("nat", problem.horizon.index(change)) == 540
    worked = Counter[str]()
    for a in rota:
        worked[a.staff] += clock.minutes(a.shift, problem.horizon.index(a.date))
    for by in ("week", "month"):
        for excel in (False, True):
            read = _minutes(payroll_csv(problem, rota, excel=excel, by=by), excel)  # type: ignore[arg-type]
            assert {s: m for (s, span), m in read.items() if span == "all"} == dict(worked)
            for person, total in worked.items():
                spans = [m for (s, span), m in read.items() if s == person and span != "all"]
                assert abs(sum(spans) - total) <= len(spans) // 2  # rounding of each row to 0.01 h
    exact = hours(problem, rota, by="month")
    for person, total in worked.items():
        assert sum(r.total for r in exact if r.staff == person and r.week != "all") == total
    assert {r.week for r in exact} == {"2026-10", "2026-11", "all"}
