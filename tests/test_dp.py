"""The day programme (solver/dp.py): one person's cheapest roster, found without CP-SAT, is exactly the
one CP-SAT's pricing model proves cheapest, and it keeps every one of the person's hard rules.

Random one-team problems without routes (the programme's scope): runs, shift counts, minutes, weekends,
successions and the daily rest across the clock change, locks, vetoes, days off, wishes, self-picks,
kept cells, the contract target and fairness credits; random prices on the cells and on unmet wishes,
as the column generation's multipliers give them."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from conftest import MONDAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import check, colgen
from solver.colgen import SCALE, ColumnGeneration, _Prices
from solver.dp import DayProgramme
from solver.problem import Problem
from solver.solution import Assignment

SHIFTS = [
    {"code": "dag", "start": "07:00", "minutes": 480},
    {"code": "aften", "start": "15:00", "minutes": 480, "forbidden_next": ["dag"]},
    {"code": "nat", "start": "23:00", "minutes": 480, "skills": ["sosu-assistent"]},
    {"code": "kort", "minutes": 300},
]
SKILLS = ["sosu-assistent", "sosu-hjaelper"]


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(5, 16))
    n = draw(st.integers(1, 3))
    start = draw(st.sampled_from([MONDAY, dt.date(2026, 10, 21), dt.date(2026, 3, 25)]))
    zone = None if start == MONDAY else "Europe/Copenhagen"
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    date = st.sampled_from(dates).map(dt.date.isoformat)
    staff: list[dict[str, Any]] = []
    for i in range(n):
        contract: dict[str, Any] = {}
        if draw(st.booleans()):
            contract["max_consecutive_work"] = draw(st.integers(3, 5))
        if draw(st.booleans()):
            contract["min_consecutive_work"] = draw(st.integers(2, 3))
        if draw(st.booleans()):
            contract["min_consecutive_off"] = draw(st.integers(1, 3))
        if draw(st.booleans()):
            contract["weekly_hours"] = draw(st.sampled_from([15, 24, 37]))
            contract["target_tolerance_minutes"] = draw(st.sampled_from([0, 90]))
        if draw(st.booleans()):
            contract["min_minutes"] = draw(st.integers(0, days * 100))
        if draw(st.booleans()):
            contract["max_minutes"] = draw(st.integers(days * 100, days * 400))
        if draw(st.booleans()):
            contract["max_weekends"] = draw(st.integers(0, 2))
        if draw(st.booleans()):
            contract["max_shifts"] = {
                draw(st.sampled_from(["dag", "aften", "nat", "kort"])): draw(st.integers(0, 4))
            }
        staff.append(
            {
                "id": f"p{i}",
                "skills": draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)),
                "contract": contract,
                "days_off": draw(st.lists(date, max_size=2, unique=True)),
                "fairness_credit": draw(st.sampled_from([0, 50, 149])),
            }
        )
    ids = [s["id"] for s in staff]
    shift = st.sampled_from(["dag", "aften", "nat", "kort"])
    wishes = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "staff": st.sampled_from(ids),
                    "date": date,
                    "kind": st.sampled_from(["want", "avoid"]),
                    "shift": st.one_of(st.none(), shift),
                    "weight": st.integers(1, 5),
                }
            ),
            max_size=8,
        )
    )
    vetoes = draw(st.lists(st.tuples(st.sampled_from(ids), date), max_size=2, unique=True))
    wishes += [{"staff": s, "date": d, "kind": "veto"} for s, d in vetoes]
    cell = st.fixed_dictionaries({"staff": st.sampled_from(ids), "date": date, "shift": shift})
    picks = draw(st.lists(cell.map(lambda c: {**c, "weight": 7}), max_size=3))
    keep = draw(st.lists(cell.map(lambda c: {**c, "weight": 3}), max_size=3))
    locks = draw(
        st.lists(
            st.fixed_dictionaries(
                {"staff": st.sampled_from(ids), "date": date, "shift": st.one_of(st.none(), shift)}
            ),
            max_size=2,
            unique_by=lambda lock: (lock["staff"], lock["date"]),
        )
    )
    return Problem.model_validate(
        {
            "horizon": {"start": start.isoformat(), "days": days, "time_zone": zone},
            "shift_types": SHIFTS,
            "staff": staff,
            "wishes": wishes,
            "self_picks": picks,
            "keep": keep,
            "locks": locks,
            "cover": [{"shift": "dag", "need": 1}],
            "rules": {"max_vetoes": None, "weekly_rest_minutes": None, "max_average_weekly_hours": 37},
            "weights": {"contract_hour": draw(st.integers(0, 3)), "fairness": 2},
        }
    )


def _prices(cg: ColumnGeneration, draw: st.DrawFn) -> _Prices:
    """Random multipliers in the ranges the column generation gives them (×SCALE)."""
    cells = [
        {(d, si): draw(st.integers(-3 * SCALE, 2 * SCALE)) for d in range(len(cg.dates)) for si in range(4)}
        for _ in cg.people
    ]
    return _Prices(
        cells=cells,
        slots={},
        serves={},
        unmet={pi: draw(st.integers(0, SCALE)) for pi in range(len(cg.people))},
        convexity=[2**62] * len(cg.people),
    )


def _alone(problem: Problem, pi: int) -> Problem:
    """The person's own problem: their hard rules and own costs, no cover."""
    mine = problem.staff[pi].id
    return problem.model_copy(
        update={
            "staff": [problem.staff[pi]],
            "cover": [],
            "wishes": [w for w in problem.wishes if w.staff == mine],
            "self_picks": [s for s in problem.self_picks if s.staff == mine],
            "keep": [k for k in problem.keep if k.staff == mine],
            "locks": [lock for lock in problem.locks if lock.staff == mine],
            "weights": problem.weights.model_copy(update={"fairness": 0}),
        }
    )


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_the_day_programme_finds_the_same_minimum_as_cp_sat(problem: Problem, data: st.DataObject) -> None:
    dp = ColumnGeneration(problem, pricing="dp")
    cpsat = ColumnGeneration(problem, pricing="cpsat")
    prices = _prices(dp, data.draw)
    for pi, person in enumerate(problem.staff):
        assert DayProgramme.applicable(problem, pi)
        try:
            expected, _, proven = cpsat.price(pi, prices, time.perf_counter() + 20)
        except colgen.NoRoster:
            try:
                dp.price(pi, prices, time.perf_counter() + 20)
            except colgen.NoRoster:
                continue
            raise AssertionError(f"{person.id}: CP-SAT finds no roster, the day programme does") from None
        assert proven
        found, columns, exact = dp.price(pi, prices, time.perf_counter() + 20)
        assert exact and dp.programmes[pi] is not None  # priced by the programme, not by CP-SAT
        assert found == expected
        # Bounded by a roster of that very cost (as by a column of the person's), it finds it still.
        programme = dp.programmes[pi]
        assert programme is not None
        bounded = programme.price(prices.cells[pi], prices.unmet[pi], SCALE, upper=expected)
        assert bounded is not None and bounded[0].reduced == expected
        assert columns, "the cheapest roster enters the master"
        best = columns[0]
        # The roster keeps the person's hard rules, and its own cost and unmet weight are the checker's.
        alone = _alone(problem, pi)
        rota = [
            Assignment(staff=person.id, date=dp.dates[d], shift=problem.shift_types[si].code)
            for d, si in sorted(best.shifts)
        ]
        assert check.violations(alone, rota) == []
        own = unmet = 0
        for penalty in check.penalties(alone, rota):
            own += penalty.cost
            if penalty.family in {"wish", "self_pick"}:
                unmet += penalty.cost
        assert (best.cost, best.unmet) == (own, unmet)
        cells = prices.cells[pi]
        reduced = sum(cells[cell] for cell in best.shifts) + SCALE * own + prices.unmet[pi] * unmet
        assert reduced == found


def _one(contract: dict[str, Any], days: int = 14, **extra: Any) -> Problem:
    return Problem.model_validate(
        {
            "horizon": {"start": MONDAY.isoformat(), "days": days},
            "shift_types": [{"code": "dag", "start": "07:00", "minutes": 480}],
            "staff": [{"id": "a", "contract": contract}],
            "rules": {"weekly_rest_minutes": None},
            **extra,
        }
    )


def test_no_roster_when_the_minimum_minutes_cannot_be_reached() -> None:
    # 14 days, at most 5 in a row: at most 12 shifts = 96 h; 100 h asked.
    problem = _one({"max_consecutive_work": 5, "min_minutes": 100 * 60})
    cg = ColumnGeneration(problem, pricing="dp")
    prices = _Prices(cells=[{}], slots={}, serves={}, unmet={}, convexity=[0])
    try:
        cg.price(0, prices, time.perf_counter() + 5)
    except colgen.NoRoster as error:
        assert str(error) == "a"
    else:
        raise AssertionError("a roster was reported where none exists")


def test_who_the_programme_leaves_to_cp_sat() -> None:
    assert DayProgramme.applicable(_one({}), 0)
    # a weekly rest rule, a weekend off in every n, a history before the horizon, routes
    assert not DayProgramme.applicable(_one({}, rules={"weekly_rest_minutes": 35 * 60}), 0)
    assert not DayProgramme.applicable(_one({"weekend_off_every": 2}), 0)
    history = [{"staff": "a", "date": (MONDAY - dt.timedelta(days=1)).isoformat(), "shift": "dag"}]
    assert not DayProgramme.applicable(_one({}, history=history), 0)
    routes = [{"id": "r", "shifts": ["dag"]}]
    assert not DayProgramme.applicable(_one({}, routes=routes), 0)


def test_a_programme_that_outgrows_its_labels_gives_way_to_cp_sat() -> None:
    problem = _one({"max_consecutive_work": 5, "min_minutes": 40 * 60, "max_minutes": 80 * 60})
    programme = DayProgramme(problem, 0)
    assert programme.price({}, 0, SCALE, max_labels=2) is None
    rosters = programme.price({}, 0, SCALE)
    assert rosters is not None and rosters[0].reduced == 0


def test_auto_pricing_hands_a_person_cp_sat_left_unproven_to_the_programme(monkeypatch: Any) -> None:
    problem = _one({"max_consecutive_work": 4, "min_consecutive_off": 2, "min_minutes": 50 * 60})
    cells = {(d, 0): (-2 if d % 3 else 1) * SCALE for d in range(14)}
    prices = _Prices(cells=[cells], slots={}, serves={}, unmet={}, convexity=[2**62])
    exact = ColumnGeneration(problem, pricing="cpsat").price(0, prices, time.perf_counter() + 10)
    assert exact[2]
    cg = ColumnGeneration(problem, pricing="auto")

    def cut_short(pi: int, prices: _Prices, deadline: float, n: int) -> tuple[int, list[Any], bool]:
        return cg._free_bound(pi, prices), [], False  # as a CP-SAT solve out of time

    monkeypatch.setattr(cg, "_price_cpsat", cut_short)
    bound, columns, proven = cg.price(0, prices, time.perf_counter() + 10)
    assert proven and cg._free_bound(0, prices) < bound == exact[0]
    assert columns and min(c.cost for c in columns) >= 0
