"""Exact costs of the soft rules: wishes, self-picks, contract target, continuity, favourites, fairness."""

from __future__ import annotations

from conftest import day, solve_checked, tiny, works


def test_want_and_avoid_shift_are_granted_when_free() -> None:
    wishes = [
        {"staff": "mette", "date": day(0).isoformat(), "kind": "want", "shift": "aften", "weight": 5},
        {"staff": "ali", "date": day(0).isoformat(), "kind": "avoid", "shift": "dag", "weight": 3},
    ]
    solution = solve_checked(
        tiny(wishes=wishes, cover=[{"shift": "dag", "date": day(0).isoformat(), "need": 1}])
    )
    assert works(solution, "mette", day(0)) == "aften"
    # Someone must take the day shift: Ali breaking his avoid costs 3, Mette losing her evening 5.
    assert solution.objective == 3
    assert [p.explanation for p in solution.penalties] == ["Ali, 2025-03-03: asked to avoid dag"]


def test_want_day_off_and_want_to_work() -> None:
    wishes = [
        {"staff": "mette", "date": day(2).isoformat(), "kind": "want", "weight": 4},
        {"staff": "mette", "date": day(3).isoformat(), "kind": "avoid", "weight": 4},
    ]
    solution = solve_checked(tiny(wishes=wishes, cover=[{"shift": "dag", "need": 1, "weight_under": 0}]))
    assert works(solution, "mette", day(2)) is not None
    assert works(solution, "mette", day(3)) is None
    assert solution.objective == 0


def test_conflicting_wishes_cost_the_lighter_one() -> None:
    wishes = [
        {"staff": "mette", "date": day(1).isoformat(), "kind": "want", "shift": "dag", "weight": 5},
        {"staff": "mette", "date": day(1).isoformat(), "kind": "avoid", "weight": 2},
    ]
    solution = solve_checked(tiny(wishes=wishes))
    assert solution.objective == 2
    fulfil = {f.staff: f for f in solution.fulfilment}["mette"]
    assert (fulfil.made, fulfil.granted, fulfil.weight_made, fulfil.weight_granted) == (2, 1, 7, 5)


def test_self_pick_is_kept_and_its_change_is_reported() -> None:
    routes = [{"id": "r1", "shifts": ["dag"]}]
    picks = [{"staff": "ali", "date": day(0).isoformat(), "shift": "dag", "route": "r1", "weight": 10}]
    locks = [{"staff": "ali", "date": day(1).isoformat(), "shift": None}]
    picks.append({"staff": "ali", "date": day(1).isoformat(), "shift": "dag", "weight": 10})
    solution = solve_checked(tiny(routes=routes, self_picks=picks, locks=locks))
    assert any(a.staff == "ali" and a.date == day(0) and a.route == "r1" for a in solution.assignments)
    assert solution.objective == 10
    assert [p.family for p in solution.penalties] == ["self_pick"]
    assert "own pick" in solution.penalties[0].explanation


def test_contract_target_costs_per_started_hour() -> None:
    # 37 h/week over one week: target 2220 min. Exactly 4 day shifts (1920) leave 300 min = 5 started
    # hours below, minus a 60 min tolerance: 4 hours, × weight 5 = 20. Five shifts: 180 over → 2 h → 10.
    staff = [
        {
            "id": "mette",
            "contract": {"weekly_hours": 37, "target_tolerance_minutes": 60, "max_minutes": 1920},
        },
        {"id": "ali", "contract": {"weekly_hours": 37, "target_tolerance_minutes": 60}},
    ]
    weights = {"contract_hour": 5, "continuity": 0, "fairness": 0, "route_not_favourite": 0}
    solution = solve_checked(tiny(staff=staff, weights=weights))
    costs = {p.staff: p.cost for p in solution.penalties}
    assert costs == {"mette": 20, "ali": 10}


def test_public_holiday_lowers_the_target() -> None:
    staff = [{"id": "mette", "contract": {"weekly_hours": 40}}]
    horizon = {"start": day(0).isoformat(), "days": 7, "public_holidays": [day(0).isoformat()]}
    weights = {"contract_hour": 1, "continuity": 0, "fairness": 0, "route_not_favourite": 0}
    solution = solve_checked(tiny(staff=staff, horizon=horizon, weights=weights))
    assert solution.objective == 0 and len(solution.assignments) == 4  # 32 h = 4 × 8 h


def test_continuity_prefers_the_same_carer() -> None:
    routes = [{"id": "r1", "shifts": ["dag"]}]
    weights = {"contract_hour": 0, "continuity": 7, "fairness": 0, "route_not_favourite": 0}
    solution = solve_checked(tiny(routes=routes, weights=weights))
    assert len({a.staff for a in solution.assignments if a.route == "r1"}) == 1
    assert solution.objective == 0
    # Forcing two carers costs exactly one continuity penalty.
    locks = [
        {"staff": "mette", "date": day(0).isoformat(), "shift": "dag", "route": "r1"},
        {"staff": "ali", "date": day(1).isoformat(), "shift": "dag", "route": "r1"},
    ]
    forced = solve_checked(tiny(routes=routes, weights=weights, locks=locks))
    assert forced.objective == 7
    assert forced.penalties[0].explanation == "route r1: 2 different carers"


def test_route_favourites() -> None:
    routes = [
        {"id": "r1", "district": "Uldum", "shifts": ["dag"]},
        {"id": "r2", "district": "Tørring", "shifts": ["dag"]},
    ]
    staff = [{"id": "mette", "favourite_districts": ["Uldum"]}, {"id": "ali", "favourite_routes": ["r2"]}]
    weights = {"contract_hour": 0, "continuity": 0, "fairness": 0, "route_not_favourite": 3}
    solution = solve_checked(tiny(routes=routes, staff=staff, weights=weights))
    assert solution.objective == 0
    assert {a.staff for a in solution.assignments if a.route == "r1"} == {"mette"}


def test_fairness_spreads_unmet_wishes() -> None:
    # One day shift on days 0–3, both people want it every day with weight 1: 4 wishes stay unmet.
    # Without fairness any split is optimal; with it, 2 + 2 beats 4 + 0.
    wishes = [
        {"staff": s, "date": day(i).isoformat(), "kind": "want", "shift": "dag", "weight": 1}
        for s in ("mette", "ali")
        for i in range(4)
    ]
    cover = [{"shift": "dag", "need": 1, "weight_over": 50}]
    weights = {"contract_hour": 0, "continuity": 0, "fairness": 1, "route_not_favourite": 0}
    solution = solve_checked(tiny(wishes=wishes, cover=cover, weights=weights))
    unmet = {f.staff: f.made - f.granted for f in solution.fulfilment}
    assert unmet == {"mette": 2, "ali": 2}
    assert solution.objective == 4 + 2  # four unmet wishes, and the worst-off person has two


def test_the_cover_rule_in_force_is_the_same_for_one_slot_and_for_all() -> None:
    """`in_force` (one slot: what the open-slots list reads) and `resolve_cover` (every slot: what the
    model and the greedy start read) pick the same rule: a date beats a weekday beats every day."""
    from solver.rules.cover import in_force, resolve_cover

    cover = [
        {"shift": "dag", "need": 1},
        {"shift": "dag", "need": 2, "weekday": 2},  # Wednesdays
        {"shift": "dag", "need": 3, "date": day(1).isoformat()},
        {"shift": "dag", "skill": "nurse", "need": 1, "weekday": 2},
        {"shift": "aften", "need": 5, "date": day(3).isoformat()},
    ]
    problem = tiny(cover=cover)
    everything = resolve_cover(problem)
    for d in problem.horizon.dates():
        for shift in ("dag", "aften"):
            for skill in (None, "nurse"):
                assert in_force(problem.cover, d, shift, skill) is everything.get((d, shift, skill))
    chosen = [in_force(problem.cover, day(i), "dag", None) for i in range(3)]
    assert [c.need if c else None for c in chosen] == [1, 3, 2]  # Monday, the dated Tuesday, Wednesday
