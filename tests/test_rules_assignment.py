"""Skills, routes, days off, absences, vetoes, locks, shift counts and minutes."""

from __future__ import annotations

from conftest import day, solve_checked, tiny, works


def test_shift_skill_is_required() -> None:
    shifts = [{"code": "nat", "start": "23:00", "minutes": 480, "skills": ["sygeplejerske"]}]
    staff = [{"id": "mette", "skills": ["sygeplejerske"]}, {"id": "ali", "skills": ["sosu-hjaelper"]}]
    problem = tiny(shift_types=shifts, staff=staff, cover=[{"shift": "nat", "need": 2}])
    solution = solve_checked(problem)
    assert solution.objective == 7 * 100
    assert {a.staff for a in solution.assignments} == {"mette"}


def test_route_needs_one_qualified_person_per_slot() -> None:
    routes = [{"id": "r1", "name": "Uldum 1", "shifts": ["dag"], "skills": ["sosu-assistent"]}]
    staff = [{"id": "mette", "skills": ["sosu-assistent"]}, {"id": "ali", "skills": ["sosu-hjaelper"]}]
    solution = solve_checked(tiny(staff=staff, routes=routes))
    assert solution.objective == 0
    on_route = [a for a in solution.assignments if a.route == "r1"]
    assert len(on_route) == 7 and {a.staff for a in on_route} == {"mette"}


def test_route_only_on_its_weekdays() -> None:
    routes = [{"id": "r1", "shifts": ["dag"], "weekdays": [0, 1, 2, 3, 4]}]
    solution = solve_checked(tiny(routes=routes))
    assert sorted(a.date for a in solution.assignments if a.route) == [day(i) for i in range(5)]


def test_days_off_absence_and_veto() -> None:
    staff = [
        {
            "id": "mette",
            "days_off": [day(0).isoformat()],
            "weekdays_off": [1],
            "absences": [{"start": day(2).isoformat(), "end": day(3).isoformat(), "reason": "ferie"}],
        },
    ]
    wishes = [{"staff": "mette", "date": day(4).isoformat(), "kind": "veto"}]
    problem = tiny(staff=staff, wishes=wishes, cover=[{"shift": "dag", "need": 1}])
    solution = solve_checked(problem)
    assert sorted(a.date for a in solution.assignments) == [day(5), day(6)]
    assert solution.objective == 5 * 100


def test_locks_hold_against_cover() -> None:
    locks = [
        {"staff": "mette", "date": day(0).isoformat(), "shift": None},
        {"staff": "ali", "date": day(1).isoformat(), "shift": "aften"},
    ]
    problem = tiny(locks=locks, cover=[{"shift": "dag", "need": 2}])
    solution = solve_checked(problem)
    assert works(solution, "mette", day(0)) is None
    assert works(solution, "ali", day(1)) == "aften"


def test_max_shifts_per_type_and_zero_forbids() -> None:
    staff = [{"id": "mette", "contract": {"max_shifts": {"aften": 0, "dag": 2}}}]
    problem = tiny(staff=staff, cover=[{"shift": "dag", "need": 1}, {"shift": "aften", "need": 1}])
    solution = solve_checked(problem)
    assert [a.shift for a in solution.assignments] == ["dag", "dag"]


def test_minutes_bounds() -> None:
    staff = [{"id": "mette", "contract": {"min_minutes": 3 * 480, "max_minutes": 3 * 480}}]
    problem = tiny(staff=staff, cover=[{"shift": "dag", "need": 1, "weight_over": 1}])
    assert len(solve_checked(problem).assignments) == 3
    idle = tiny(staff=staff)  # nothing needed, but the minimum still holds
    assert len(solve_checked(idle).assignments) == 3


def test_forty_eight_hour_average() -> None:
    rules = {"min_rest_minutes": None, "weekly_rest_minutes": None, "max_average_weekly_hours": 16}
    staff = [{"id": "mette"}]
    problem = tiny(staff=staff, rules=rules, cover=[{"shift": "dag", "need": 1}])
    assert len(solve_checked(problem).assignments) == 2
