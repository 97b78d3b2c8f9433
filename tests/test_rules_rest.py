"""Daily rest, shift successions and weekly rest, on instances small enough to check by hand."""

from __future__ import annotations

from conftest import day, solve_checked, tiny, works

ONE = [{"id": "mette", "name": "Mette"}]


def cover(*cells: tuple[int, str]) -> list[dict[str, object]]:
    return [{"shift": s, "date": day(i).isoformat(), "need": 1} for i, s in cells]


def test_evening_then_day_breaks_eleven_hours_rest() -> None:
    rules = {"min_rest_minutes": 660, "weekly_rest_minutes": None, "max_average_weekly_hours": None}
    problem = tiny(staff=ONE, rules=rules, cover=cover((0, "aften"), (1, "dag")))
    solution = solve_checked(problem)
    # 23:00 → 07:00 is 8 h: only one of the two shifts can be worked, one slot stays empty.
    assert solution.objective == 100
    assert [c.date for c in solution.unfilled()] in ([day(0)], [day(1)])


def test_without_rest_rule_evening_then_day_is_allowed() -> None:
    problem = tiny(staff=ONE, cover=cover((0, "aften"), (1, "dag")))
    solution = solve_checked(problem)
    assert solution.objective == 0
    assert works(solution, "mette", day(0)) == "aften"
    assert works(solution, "mette", day(1)) == "dag"


def test_exactly_eleven_hours_is_enough() -> None:
    shifts = [
        {"code": "sen", "start": "12:00", "minutes": 480},  # ends 20:00
        {"code": "tidlig", "start": "07:00", "minutes": 480},  # 11 h later
    ]
    rules = {"min_rest_minutes": 660, "weekly_rest_minutes": None, "max_average_weekly_hours": None}
    problem = tiny(staff=ONE, shift_types=shifts, rules=rules, cover=cover((0, "sen"), (1, "tidlig")))
    assert solve_checked(problem).objective == 0


def test_explicit_forbidden_succession() -> None:
    shifts = [
        {"code": "A", "minutes": 480, "forbidden_next": ["B"]},
        {"code": "B", "minutes": 480},
    ]
    problem = tiny(staff=ONE, shift_types=shifts, cover=cover((0, "A"), (1, "B"), (3, "B"), (4, "A")))
    solution = solve_checked(problem)
    assert solution.objective == 100  # B after A is forbidden; A after B is fine


def test_weekly_rest_needs_a_day_off_in_seven() -> None:
    rules = {"min_rest_minutes": None, "weekly_rest_minutes": 35 * 60, "max_average_weekly_hours": None}
    problem = tiny(staff=ONE, rules=rules, cover=cover(*[(i, "dag") for i in range(7)]))
    solution = solve_checked(problem)
    assert solution.objective == 100
    assert len(solution.assignments) == 6


def test_weekly_rest_single_day_between_evening_and_day_is_too_short() -> None:
    # Work every day but day 3; evening on day 2 and day shift on day 4 leave 32 h: not a weekly rest.
    rules = {"min_rest_minutes": None, "weekly_rest_minutes": 35 * 60, "max_average_weekly_hours": None}
    cells = [(0, "dag"), (1, "dag"), (2, "aften"), (4, "dag"), (5, "dag"), (6, "dag")]
    problem = tiny(staff=ONE, rules=rules, cover=cover(*cells))
    solution = solve_checked(problem)
    assert solution.objective == 100
