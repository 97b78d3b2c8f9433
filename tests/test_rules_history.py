"""The rules at the horizon's start read the history (docs/rules.md, "Before the horizon").

Tiny hand-made problems (Mette alone, a few days from Monday 2025-03-03) whose answer is known by hand:
per boundary rule a feasible and an infeasible case, the checker's violation on a hand-written rota, and
the model agreeing with the checker on that rota (the rota's shifts fixed in the CP-SAT model). A
hypothesis property at the end compares model and checker on random rotas with random histories.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import day, solve_checked, tiny, works
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from pydantic import ValidationError

from solver import SolveParams, check, solve
from solver.model import build
from solver.problem import Problem
from solver.solution import Assignment

ROOT = Path(__file__).resolve().parents[1]
OFF = None
NO_RULES: dict[str, Any] = {
    "min_rest_minutes": None,
    "weekly_rest_minutes": None,
    "max_average_weekly_hours": None,
    "max_vetoes": None,
}


def problem(days: int = 7, *, start: dt.date | None = None, **fields: Any) -> Problem:
    """Mette alone (day and evening shifts), `days` days, only the rules asked for."""
    contract = fields.pop("contract", {})
    rules = {**NO_RULES, **fields.pop("rules", {})}
    horizon = {"start": (start or day(0)).isoformat(), "days": days}
    staff = [{"id": "mette", "name": "Mette", "contract": contract}]
    return tiny(horizon=horizon, staff=staff, rules=rules, **fields)


def past(*cells: tuple[int, str | None], staff: str = "mette") -> list[dict[str, Any]]:
    """History entries: (day index < 0, shift or OFF)."""
    return [{"staff": staff, "date": day(i).isoformat(), "shift": s} for i, s in cells]


def need(shift: str, *days: int) -> list[dict[str, Any]]:
    return [{"shift": shift, "date": day(i).isoformat(), "need": 1} for i in days]


def rota(*cells: tuple[int, str], staff: str = "mette") -> list[Assignment]:
    return [Assignment(staff=staff, date=day(i), shift=s) for i, s in cells]


# The checker's rule for each hard rule the model names (with or without ", counting the days before …").
FAMILIES = {
    "daily rest and shift successions": "succession",
    "weekly rest of": "weekly_rest",
    "days off in a row": "min_consecutive_off",
    "at most": "max_consecutive_work",
    "at least": "min_consecutive_work",
    "a weekend off in every": "weekends",
}


def _family(rule: str) -> str:
    return next((family for words, family in FAMILIES.items() if words in rule), rule)


def model_breaks(problem: Problem, roster: list[Assignment]) -> set[str]:
    """The rule families the CP-SAT model finds broken by exactly this rota: every shift variable fixed,
    each (person, rule) guard of the explaining model required on its own."""
    v = build(problem, explain_mode=True)
    chosen = {(a.staff, a.date, a.shift) for a in roster}
    assert all((v.person_pos[a.staff], v.day_index(a.date), v.shift_pos[a.shift]) in v.x for a in roster)
    for (pi, d, si), var in v.x.items():
        v.cp.add(var == int((v.people[pi].id, v.dates[d], v.shifts[si].code) in chosen))
    out = set()
    for guard in v.guards.values():
        v.cp.clear_assumptions()
        v.cp.add_assumptions([guard.literal])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 1
        solver.parameters.max_time_in_seconds = 10
        if solver.solve(v.cp) == cp_model.INFEASIBLE:
            out.add(_family(guard.rule))
    return out


def broken(problem: Problem, roster: list[Assignment]) -> list[check.Violation]:
    """The checker's violations of the rota, after requiring the model to find the same rules broken."""
    found = check.violations(problem, roster)
    assert model_breaks(problem, roster) == {v.rule for v in found}, found
    return found


def conflict_rules(problem: Problem) -> list[str]:
    solution = solve(problem, SolveParams(time_limit=10, workers=1, seed=1))
    assert solution.status == "INFEASIBLE"
    (conflict,) = solution.conflicts
    return sorted(conflict.rules)


# ---- the format --------------------------------------------------------------------------------------


def test_history_entries_are_validated_with_their_field_paths() -> None:
    history = [
        {"staff": "nobody", "date": day(-1).isoformat(), "shift": "dag"},
        {"staff": "mette", "date": day(-2).isoformat(), "shift": "nat"},
        {"staff": "mette", "date": day(0).isoformat(), "shift": "dag"},
        {"staff": "mette", "date": day(-1).isoformat(), "shift": None},
        {"staff": "mette", "date": day(-1).isoformat(), "shift": "aften"},
    ]
    with pytest.raises(ValidationError) as info:
        problem(history=history)
    text = str(info.value)
    assert "history[0].staff: unknown staff id 'nobody'" in text
    assert "history[1].shift: unknown shift 'nat'" in text
    assert "history[2].date: date 2025-03-03 is not before the horizon start 2025-03-03" in text
    assert "history[4]: staff 'mette' already has a history day on 2025-03-02" in text
    assert "history[3]" not in text


def test_history_days_is_the_longest_window_of_any_rule() -> None:
    assert problem().history_days() == 2
    assert problem(rules={"weekly_rest_minutes": 2100}).history_days() == 8
    assert problem(contract={"max_consecutive_work": 10}).history_days() == 10
    assert problem(contract={"min_consecutive_off": 3}).history_days() == 3
    assert problem(contract={"weekend_off_every": 3}).history_days() == 15


def test_the_documented_history_is_valid_and_does_what_the_doc_says() -> None:
    """The `jsonc` block of docs/problem-format.md on the worked example: Bo's Sunday evening forbids
    Monday's day shift."""
    doc = (ROOT / "docs" / "problem-format.md").read_text(encoding="utf-8")
    example = json.loads(re.findall(r"^```json\n(.*?)^```", doc, re.DOTALL | re.MULTILINE)[0])
    [fragment] = re.findall(r"^```jsonc\n(.*?)^```", doc, re.DOTALL | re.MULTILINE)
    documented = Problem.model_validate({**example, **json.loads("{" + fragment + "}")})
    monday = documented.horizon.start
    bo = [Assignment(staff="bo", date=monday, shift="dag")]
    [v] = [v for v in check.violations(documented, bo) if v.rule == "succession"]
    assert (
        v.message
        == "Bo L.: 2027-02-28 aften (before the horizon) then 2027-03-01 dag leaves 8 h rest, 11 h required"
    )
    assert works(solve_checked(documented), "bo", monday) != "dag"


# ---- daily rest and successions ------------------------------------------------------------------------


def test_an_evening_before_the_horizon_forbids_the_day_shift_on_day_0() -> None:
    rules = {"min_rest_minutes": 660}
    assert solve_checked(problem(2, rules=rules, cover=need("dag", 0))).objective == 0
    solution = solve_checked(problem(2, rules=rules, cover=need("dag", 0), history=past((-1, "aften"))))
    assert solution.objective == 100  # 23:00 → 07:00 is 8 h: day 0 stays empty
    assert works(solution, "mette", day(0)) is None


def test_the_checker_names_the_shift_before_the_horizon() -> None:
    p = problem(2, rules={"min_rest_minutes": 660}, history=past((-2, "dag"), (-1, "aften")))
    [v] = broken(p, rota((0, "dag")))
    assert (v.rule, v.staff, v.date) == ("succession", "mette", day(-1))
    assert v.message == (
        "Mette: 2025-03-02 aften (before the horizon) then 2025-03-03 dag leaves 8 h rest, 11 h required"
    )
    assert broken(p, rota((0, "aften"), (1, "dag"))) != []  # the horizon's own pairs are still checked
    assert broken(p, rota((0, "aften"))) == []


def test_the_rest_reaches_two_days_back() -> None:
    # 33 h 20 min of rest: an evening two days before (ends 23:00) leaves 32 h until 07:00 on day 0.
    rules = {"min_rest_minutes": 2000}
    p = problem(2, rules=rules, cover=need("dag", 0), history=past((-2, "aften")))
    assert solve_checked(p).objective == 100
    [v] = broken(p, rota((0, "dag")))
    assert v.message.startswith(
        "Mette: 2025-03-01 aften (before the horizon) then 2025-03-03 dag leaves 32 h"
    )
    far = problem(2, rules=rules, cover=need("dag", 0), history=past((-3, "aften")))
    assert solve_checked(far).objective == 0


def test_a_forbidden_succession_from_the_history() -> None:
    p = problem(2, rules={"forbidden_successions": [["aften", "dag"]]}, history=past((-1, "aften")))
    [v] = broken(p, rota((0, "dag")))
    assert v.message.endswith("is forbidden by rules.forbidden_successions")
    assert broken(p, rota((0, "aften"), (1, "aften"))) == []


def test_a_lock_against_the_history_is_a_conflict_that_names_the_history() -> None:
    locks = [{"staff": "mette", "date": day(0).isoformat(), "shift": "dag"}]
    p = problem(2, rules={"min_rest_minutes": 660}, history=past((-1, "aften")), locks=locks)
    assert conflict_rules(p) == [
        "daily rest and shift successions, counting the days before 2025-03-03",
        "lock: dag on 2025-03-03",
    ]


# ---- weekly rest --------------------------------------------------------------------------------------

WEEKLY = {"weekly_rest_minutes": 35 * 60}


def test_six_days_worked_before_the_horizon_make_day_0_a_rest_day() -> None:
    history = past(*[(i, "dag") for i in range(-6, 0)])
    assert solve_checked(problem(6, rules=WEEKLY, cover=need("dag", *range(6)))).objective == 0
    solution = solve_checked(problem(6, rules=WEEKLY, cover=need("dag", *range(6)), history=history))
    assert solution.objective == 100
    assert works(solution, "mette", day(0)) is None
    p = problem(6, rules=WEEKLY, history=history)
    [v] = broken(p, rota(*[(i, "dag") for i in range(6)]))
    assert (v.rule, v.date) == ("weekly_rest", day(-6))
    assert v.message == (
        "Mette: no rest day of 35 h in 2025-02-25 … 2025-03-08 (12 days), one in every 7 required"
    )


def test_after_evenings_day_0_off_is_not_rest_enough_before_a_day_shift() -> None:
    # Evening until 23:00 on day -1, then 07:00 on day 1: 32 h, less than 35. Days 0 and 1 stay empty.
    history = past(*[(i, "aften") for i in range(-6, 0)])
    solution = solve_checked(problem(6, rules=WEEKLY, cover=need("dag", *range(6)), history=history))
    assert solution.objective == 200
    p = problem(6, rules=WEEKLY, history=history)
    assert broken(p, rota((1, "dag"))) != []
    assert broken(p, rota((1, "aften"))) == []  # 40 h


def test_the_last_day_off_before_the_horizon_is_squeezed_by_day_0() -> None:
    # Day shifts -7 … -3, an evening on -2, nothing known on -1: day -1 is a rest day unless day 0's shift
    # starts less than 35 h after 23:00 on day -2 (a day shift at 07:00: 32 h).
    history = past(*[(i, "dag") for i in range(-7, -2)], (-2, "aften"))
    assert solve_checked(problem(3, rules=WEEKLY, cover=need("dag", 0), history=history)).objective == 100
    assert solve_checked(problem(3, rules=WEEKLY, cover=need("aften", 0), history=history)).objective == 0
    p = problem(3, rules=WEEKLY, history=history)
    [v] = broken(p, rota((0, "dag")))
    assert v.message.startswith("Mette: no rest day of 35 h in 2025-02-24 … 2025-03-03 (8 days)")


def test_the_window_that_ends_on_day_minus_1_counts_only_when_day_0_decides_it() -> None:
    # Seven day shifts -8 … -2 break the weekly rest by themselves: the previous period's matter.
    history = past(*[(i, "dag") for i in range(-8, -1)])
    p = problem(3, rules=WEEKLY, history=history)
    assert broken(p, []) == []
    assert broken(p, rota((0, "aften"))) == []  # 15:00 on day 0 is 48 h after 15:00 on day -2
    assert broken(p, rota((0, "dag"))) == []  # 40 h: day -1 is a rest day
    evening = problem(3, rules=WEEKLY, history=past(*[(i, "dag") for i in range(-8, -2)], (-2, "aften")))
    [v] = broken(evening, rota((0, "dag")))  # now day -1 is the only possible rest day, and 32 h short
    assert v.message.startswith("Mette: no rest day of 35 h in 2025-02-23 … 2025-03-03")


def test_without_history_day_0_is_ruled_as_before() -> None:
    p = problem(7, rules=WEEKLY)
    assert broken(p, rota(*[(i, "dag") for i in range(1, 7)])) == []
    assert [v.rule for v in broken(p, rota(*[(i, "dag") for i in range(7)]))] == ["weekly_rest"]


def test_a_locked_week_against_the_history_is_a_conflict_that_names_the_history() -> None:
    locks = [{"staff": "mette", "date": day(0).isoformat(), "shift": "dag"}]
    p = problem(3, rules=WEEKLY, history=past(*[(i, "dag") for i in range(-6, 0)]), locks=locks)
    assert conflict_rules(p) == [
        "lock: dag on 2025-03-03",
        "weekly rest of 35 h in every 7 days, counting the days before 2025-03-03",
    ]


# ---- consecutive working days ------------------------------------------------------------------------


def test_the_longest_run_goes_on_from_the_history() -> None:
    contract = {"max_consecutive_work": 5}
    assert solve_checked(problem(4, contract=contract, cover=need("dag", *range(4)))).objective == 0
    history = past((-3, "dag"), (-2, "aften"), (-1, "dag"))
    p = problem(4, contract=contract, cover=need("dag", *range(4)), history=history)
    assert solve_checked(p).objective == 100  # 3 + 2 days, then a day off
    [v] = broken(p, rota((0, "dag"), (1, "dag"), (2, "dag")))
    assert (v.rule, v.date) == ("max_consecutive_work", day(-3))
    assert v.message == "Mette: works 6 days in a row, 2025-02-28 … 2025-03-05, at most 5"
    assert broken(p, rota((0, "dag"), (1, "dag"), (3, "dag"))) == []


def test_a_run_the_history_alone_makes_too_long_keeps_day_0_off() -> None:
    p = problem(3, contract={"max_consecutive_work": 5}, history=past(*[(i, "dag") for i in range(-7, 0)]))
    assert broken(p, []) == []  # seven days before the horizon are the previous period's matter
    assert broken(p, rota((1, "dag"), (2, "dag"))) == []
    [v] = broken(p, rota((0, "dag")))
    assert v.message == "Mette: works 8 days in a row, 2025-02-24 … 2025-03-03, at most 5"


def test_a_day_not_in_the_history_ends_the_run() -> None:
    p = problem(3, contract={"max_consecutive_work": 2}, history=past((-3, "dag"), (-1, "dag")))
    assert broken(p, rota((0, "dag"))) == []
    assert [v.rule for v in broken(p, rota((0, "dag"), (1, "dag")))] == ["max_consecutive_work"]


def test_locked_days_after_a_long_run_are_a_conflict_that_names_the_history() -> None:
    locks = [{"staff": "mette", "date": day(i).isoformat(), "shift": "dag"} for i in range(3)]
    p = problem(
        4,
        contract={"max_consecutive_work": 5},
        history=past(*[(i, "dag") for i in range(-3, 0)]),
        locks=locks,
    )
    rules = conflict_rules(p)
    assert "at most 5 working days in a row, counting the days before 2025-03-03" in rules
    assert {r for r in rules if r.startswith("lock")} == {
        "lock: dag on 2025-03-03",
        "lock: dag on 2025-03-04",
        "lock: dag on 2025-03-05",
    }


# ---- shortest runs of work and of days off -------------------------------------------------------------


def test_a_run_of_work_the_history_starts_is_finished_in_the_horizon() -> None:
    contract = {"min_consecutive_work": 3}
    started = past((-3, OFF), (-2, "dag"), (-1, "dag"))
    p = problem(4, contract=contract, history=started)
    [v] = broken(p, [])
    assert (v.rule, v.date) == ("min_consecutive_work", day(-2))
    assert v.message == "Mette: works 2 days in a row, 2025-03-01 … 2025-03-02, at least 3 required"
    assert broken(p, rota((0, "dag"))) == []
    # Day 0 must be worked: a wish to be off that day is the price (7).
    avoid = [{"staff": "mette", "date": day(0).isoformat(), "kind": "avoid", "weight": 7}]
    assert solve_checked(problem(4, contract=contract, history=started, wishes=avoid)).objective == 7
    # Without the known day off before it, the run's start is not known: exempt, as at the horizon's edge.
    unknown = problem(4, contract=contract, history=past((-2, "dag"), (-1, "dag")))
    assert broken(unknown, []) == []


def test_a_run_of_work_that_starts_on_day_0_after_a_known_day_off() -> None:
    contract = {"min_consecutive_work": 2}
    p = problem(4, contract=contract, history=past((-1, OFF)))
    [v] = broken(p, rota((0, "dag")))
    assert v.message == "Mette: works 1 day in a row, 2025-03-03, at least 2 required"
    assert broken(p, rota((0, "dag"), (1, "aften"))) == []
    assert broken(problem(4, contract=contract), rota((0, "dag"))) == []  # no history: exempt, as before
    m = problem(4, contract={"min_consecutive_work": 3}, history=past((-2, OFF), (-1, "dag")))
    [v] = broken(m, rota((0, "dag")))
    assert v.message == "Mette: works 2 days in a row, 2025-03-02 … 2025-03-03, at least 3 required"


def test_a_single_day_off_before_the_horizon_is_made_longer() -> None:
    contract = {"min_consecutive_off": 2}
    p = problem(3, contract=contract, history=past((-2, "dag"), (-1, OFF)))
    [v] = broken(p, rota((0, "dag")))
    assert (v.rule, v.date) == ("min_consecutive_off", day(-1))
    assert v.message == "Mette: off 1 day in a row, 2025-03-02, at least 2 required"
    assert broken(p, rota((1, "dag"))) == []
    assert (
        solve_checked(
            problem(3, contract=contract, cover=need("dag", 0), history=past((-2, "dag"), (-1, OFF)))
        ).objective
        == 100
    )
    # A shift on day -1 and day 0 off, day 1 worked: one day off, inside the horizon now.
    q = problem(3, contract=contract, history=past((-1, "dag")))
    assert [v.rule for v in broken(q, rota((1, "dag")))] == ["min_consecutive_off"]
    assert broken(problem(3, contract=contract), rota((1, "dag"))) == []  # no history: exempt
    assert broken(problem(3, contract=contract, history=past((-2, "dag"))), rota((0, "dag"))) == []


# ---- weekends -----------------------------------------------------------------------------------------


def test_a_weekend_worked_before_the_horizon_starts_the_row() -> None:
    contract = {"weekend_off_every": 2}
    sunday = past((-1, "dag"))  # Sunday 2 March
    p = problem(7, contract=contract, history=sunday)
    [v] = broken(p, rota((5, "dag")))
    assert (v.rule, v.date) == ("weekends", dt.date(2025, 3, 1))
    assert v.message == "Mette: works 2 weekends in a row from 2025-03-01, one off in every 2 required"
    assert broken(p, rota((4, "dag"))) == []
    assert broken(problem(7, contract=contract), rota((5, "dag"))) == []
    assert solve_checked(problem(7, contract=contract, history=sunday, cover=need("dag", 5))).objective == 100
    # The quota of the period counts its own weekends only.
    assert broken(problem(7, contract={"max_weekends": 1}, history=sunday), rota((5, "dag"))) == []


def test_a_horizon_that_starts_on_a_sunday_finishes_the_weekend_the_history_started() -> None:
    sunday = day(6)  # 9 March; the history has Saturday 8 March
    contract = {"weekend_off_every": 2}
    saturday = past((5, "dag"))
    p = problem(8, start=sunday, contract=contract, history=saturday)
    assert broken(p, []) == []
    assert broken(p, rota((6, "dag"))) == []  # Sunday is the same weekend
    [v] = broken(p, rota((12, "dag")))  # Saturday 15 March: the next weekend
    assert v.message == "Mette: works 2 weekends in a row from 2025-03-09, one off in every 2 required"
    # The weekend before, and the Saturday: worked by the history alone, not this period's matter.
    both = problem(8, start=sunday, contract=contract, history=past((-1, "dag"), (5, "dag")))
    assert broken(both, []) == []
    assert [v.rule for v in broken(both, rota((6, "dag")))] == ["weekends"]


def test_every_third_weekend_reaches_two_weekends_back() -> None:
    contract = {"weekend_off_every": 3}
    two = past((-9, "dag"), (-2, "aften"))  # Saturdays 22 February and 1 March
    p = problem(7, contract=contract, history=two)
    assert [v.rule for v in broken(p, rota((6, "dag")))] == ["weekends"]
    assert broken(problem(7, contract=contract, history=past((-9, "dag"))), rota((6, "dag"))) == []


# ---- the conflict's words ----------------------------------------------------------------------------


def test_every_rule_that_reads_the_history_has_danish_words() -> None:
    from api.web.conflicts import known, rule_text

    contract = {
        "max_consecutive_work": 3,
        "min_consecutive_work": 2,
        "min_consecutive_off": 2,
        "weekend_off_every": 2,
    }
    history = past((-3, OFF), (-2, "aften"), (-1, "aften"))
    p = problem(7, contract=contract, rules={"min_rest_minutes": 660, **WEEKLY}, history=history)
    guards = build(p, explain_mode=True).guards.values()
    rules = {g.rule for g in guards if "counting the days before" in g.rule}
    assert len(rules) >= 4, rules
    for rule in rules:
        assert known(rule), rule
        danish = rule_text(rule, "da")
        assert "medregnet dagene før" in danish and not re.search(r"\d{4}-\d\d-\d\d", danish), danish


# ---- model and checker agree on random rotas with random histories ------------------------------------

SHIFTS = [
    {"code": "dag", "start": "07:00", "minutes": 480},
    {"code": "aften", "start": "15:00", "minutes": 480},
    {"code": "nat", "start": "23:00", "minutes": 480},
]


@st.composite
def cases(draw: st.DrawFn) -> tuple[Problem, list[Assignment]]:
    days = draw(st.integers(1, 9))
    start = draw(st.sampled_from([day(0), day(6), dt.date(2026, 3, 28), dt.date(2026, 10, 24)]))
    zone = draw(st.sampled_from([None, "Europe/Copenhagen"]))
    contract: dict[str, Any] = {}
    for term, low, high in (
        ("max_consecutive_work", 1, 5),
        ("min_consecutive_work", 1, 3),
        ("min_consecutive_off", 1, 3),
        ("weekend_off_every", 1, 3),
    ):
        if draw(st.booleans()):
            contract[term] = draw(st.integers(low, high))
    if contract.get("min_consecutive_work", 0) > contract.get("max_consecutive_work", 9):
        del contract["min_consecutive_work"]
    rules = {
        "min_rest_minutes": draw(st.sampled_from([None, 660, 2000])),
        "weekly_rest_minutes": draw(st.sampled_from([None, 2100])),
        "max_average_weekly_hours": None,
        "max_vetoes": None,
    }
    codes = st.sampled_from([None, "dag", "aften", "nat"])
    history = [
        {"staff": "mette", "date": (start - dt.timedelta(days=i)).isoformat(), "shift": shift}
        for i in range(1, 17)
        if (shift := draw(st.sampled_from(["unknown", None, "dag", "aften", "nat"]))) != "unknown"
    ]
    roster = [
        Assignment(staff="mette", date=start + dt.timedelta(days=i), shift=shift)
        for i in range(days)
        if (shift := draw(codes)) is not None
    ]
    data = {
        "horizon": {"start": start.isoformat(), "days": days, "time_zone": zone},
        "shift_types": SHIFTS,
        "staff": [{"id": "mette", "name": "Mette", "contract": contract}],
        "rules": rules,
        "history": history,
    }
    return Problem.model_validate(data), roster


@settings(deadline=None, max_examples=300)
@given(cases())
def test_model_and_checker_agree_on_every_rota_with_a_history(case: tuple[Problem, list[Assignment]]) -> None:
    problem, roster = case
    broken(problem, roster)
