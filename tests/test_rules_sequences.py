"""Consecutive working days, consecutive days off and weekends."""

from __future__ import annotations

from conftest import day, solve_checked, tiny, works

ONE_DAY_SHIFT = [{"code": "dag", "start": "07:00", "minutes": 480}]


def person(**contract: object) -> list[dict[str, object]]:
    return [{"id": "mette", "name": "Mette", "contract": contract}]


def every_day(days: int) -> list[dict[str, object]]:
    return [{"shift": "dag", "date": day(i).isoformat(), "need": 1} for i in range(days)]


def test_max_consecutive_working_days() -> None:
    problem = tiny(
        horizon={"start": day(0).isoformat(), "days": 7},
        shift_types=ONE_DAY_SHIFT,
        staff=person(max_consecutive_work=3),
        cover=every_day(7),
    )
    solution = solve_checked(problem)
    # 3 on, 1 off, 3 on is the best: one day short.
    assert solution.objective == 100
    assert len(solution.assignments) == 6


def test_min_consecutive_working_days_inside_horizon() -> None:
    # Only day 3 is wanted; a lone working day inside the horizon is forbidden with min 2,
    # so the solver works two days (one extra, cost 1) rather than leave day 3 empty (cost 100).
    cover = [{"shift": "dag", "date": day(i).isoformat(), "need": 1 if i == 3 else 0} for i in range(7)]
    problem = tiny(shift_types=ONE_DAY_SHIFT, staff=person(min_consecutive_work=2), cover=cover)
    solution = solve_checked(problem)
    assert solution.objective == 1
    assert works(solution, "mette", day(3)) == "dag"


def test_min_consecutive_working_days_exempt_at_horizon_start() -> None:
    cover = [{"shift": "dag", "date": day(i).isoformat(), "need": 1 if i == 0 else 0} for i in range(7)]
    problem = tiny(shift_types=ONE_DAY_SHIFT, staff=person(min_consecutive_work=3), cover=cover)
    assert solve_checked(problem).objective == 0


def test_min_consecutive_days_off() -> None:
    # Needed every day but day 3 (need 0 there, extra costs 1): a single day off is forbidden with
    # min 2 days off, so the person works day 3 too (cost 1) or takes 2 days off (cost 100).
    cover = [{"shift": "dag", "date": day(i).isoformat(), "need": 0 if i == 3 else 1} for i in range(7)]
    problem = tiny(shift_types=ONE_DAY_SHIFT, staff=person(min_consecutive_off=2), cover=cover)
    solution = solve_checked(problem)
    assert solution.objective == 1
    assert len(solution.assignments) == 7


def test_max_weekends_and_every_other_weekend_off() -> None:
    horizon = {"start": day(0).isoformat(), "days": 21}
    cover = every_day(21)
    most = solve_checked(
        tiny(horizon=horizon, shift_types=ONE_DAY_SHIFT, staff=person(max_weekends=1), cover=cover)
    )
    assert most.objective == 4 * 100  # two weekends of two days stay empty
    every = solve_checked(
        tiny(horizon=horizon, shift_types=ONE_DAY_SHIFT, staff=person(weekend_off_every=2), cover=cover)
    )
    assert every.objective == 2 * 100  # weekends 1 and 3 worked, weekend 2 off
    assert works(every, "mette", day(12)) is None and works(every, "mette", day(13)) is None


def test_weekend_cut_by_horizon_edge_still_counts() -> None:
    horizon = {"start": day(6).isoformat(), "days": 7}  # Sunday … Saturday
    problem = tiny(
        horizon=horizon,
        shift_types=ONE_DAY_SHIFT,
        staff=person(max_weekends=1),
        cover=[{"shift": "dag", "need": 1}],
    )
    solution = solve_checked(problem)
    assert solution.objective == 100  # the lone Sunday and the lone Saturday are two weekends
