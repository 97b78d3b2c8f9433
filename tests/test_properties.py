"""Random small problems: every rota passes the checker, no veto, absence or lock is broken, and the
checker's objective equals the solver's. Each person may carry a history of the days before the horizon
(a shift, a known day off, or nothing known), which the rules at the horizon's start read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import MONDAY, solve_checked
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.problem import Problem

SHIFTS = [
    {"code": "dag", "start": "07:00", "minutes": 480},
    {"code": "aften", "start": "15:00", "minutes": 480},
    {"code": "nat", "start": "23:00", "minutes": 480, "skills": ["sosu-assistent"]},
]
SKILLS = ["sosu-assistent", "sosu-hjaelper"]


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    days = draw(st.integers(3, 10))
    n = draw(st.integers(1, 4))
    # Also the weeks of the two clock changes of 2026, in Danish time (real lengths and rests).
    start = draw(st.sampled_from([MONDAY, dt.date(2026, 10, 19), dt.date(2026, 3, 23)]))
    zone = None if start == MONDAY else draw(st.sampled_from([None, "Europe/Copenhagen"]))
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    staff: list[dict[str, Any]] = []
    for i in range(n):
        contract: dict[str, Any] = {}
        if draw(st.booleans()):
            contract["max_consecutive_work"] = draw(st.integers(2, 5))
        if draw(st.booleans()):
            contract["min_consecutive_off"] = draw(st.integers(1, 2))
        if draw(st.booleans()):
            contract["weekly_hours"] = draw(st.sampled_from([24, 30, 37]))
        if draw(st.booleans()):
            contract["weekend_off_every"] = 2
        staff.append(
            {
                "id": f"p{i}",
                "skills": draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)),
                "contract": contract,
                # Earlier periods' fairness credit (per cent on the person's wish weights).
                "fairness_credit": draw(st.sampled_from([0, 0, 25, 50, 149, 1000])),
            }
        )
    ids = [s["id"] for s in staff]
    date = st.sampled_from(dates).map(dt.date.isoformat)
    history = [
        {"staff": p, "date": (start - dt.timedelta(days=back)).isoformat(), "shift": shift}
        for p in ids
        for back in range(1, 9)
        if (shift := draw(st.sampled_from(["unknown", None, "dag", "aften", "nat"]))) != "unknown"
    ]
    wishes = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "staff": st.sampled_from(ids),
                    "date": date,
                    "kind": st.sampled_from(["want", "avoid"]),
                    "shift": st.sampled_from([None, "dag", "aften", "nat"]),
                    "weight": st.integers(1, 5),
                }
            ),
            max_size=6,
        )
    )
    vetoes = draw(st.lists(st.tuples(st.sampled_from(ids), date), max_size=2, unique=True))
    wishes += [{"staff": s, "date": d, "kind": "veto"} for s, d in vetoes]
    locks = draw(
        st.lists(
            st.fixed_dictionaries(
                {"staff": st.sampled_from(ids), "date": date, "shift": st.sampled_from([None, "dag"])}
            ),
            max_size=2,
            unique_by=lambda lock: (lock["staff"], lock["date"]),
        )
    )
    routes = [{"id": "r1", "district": "Uldum", "shifts": ["dag"]}, {"id": "r2", "shifts": ["aften"]}]
    cover = [
        {"shift": s, "need": draw(st.integers(0, 2)), "weight_over": draw(st.integers(0, 2))}
        for s in ("dag", "nat")
    ]
    return Problem.model_validate(
        {
            "horizon": {"start": start.isoformat(), "days": days, "time_zone": zone},
            "shift_types": SHIFTS,
            "staff": staff,
            "routes": routes,
            "cover": cover,
            "wishes": wishes,
            "locks": locks,
            "history": history,
            "rules": {"max_vetoes": None},
        }
    )


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_rota_passes_the_checker(problem: Problem) -> None:
    solution = solve_checked(problem, time_limit=5)
    if not solution.has_rota:
        assert solution.status == "INFEASIBLE" and solution.conflicts
        return
    worked = {(a.staff, a.date): a for a in solution.assignments}
    for wish in problem.wishes:
        if wish.kind == "veto":
            assert (wish.staff, wish.date) not in worked
    for lock in problem.locks:
        got = worked.get((lock.staff, lock.date))
        assert (got.shift if got else None) == lock.shift
