"""The real reasons for unmet wishes and unfilled slots: each stated cost is the cost of a rota that grants
the item, and a solve of its own with the item granted reproduces it."""

from __future__ import annotations

from typing import Any

from conftest import day, solve_checked, tiny

from solver import check
from solver.counterfactual import Item, Reason, apply_changes, reasons, unmet_items
from solver.families import Msg
from solver.problem import Problem
from solver.solution import Assignment


def _team(**extra: Any) -> Problem:
    """Three people; one on the day shift (more costs 20), an evening shift needed on day 1 only. Mette
    and Ali both want the day shift on day 2 (Ali's wish weighs more); Kris is locked off on day 4 and
    wants to work it; nobody wants the evening of day 1."""
    staff = [{"id": "mette", "name": "Mette"}, {"id": "ali", "name": "Ali"}, {"id": "kris", "name": "Kris"}]
    cover = [
        {"shift": "dag", "need": 1, "weight_under": 50, "weight_over": 20},
        {"shift": "aften", "date": day(1).isoformat(), "need": 1, "weight_under": 1},
    ]
    wishes = [
        {"staff": "mette", "date": day(2).isoformat(), "kind": "want", "shift": "dag", "weight": 3},
        {"staff": "ali", "date": day(2).isoformat(), "kind": "want", "shift": "dag", "weight": 5},
        {"staff": "kris", "date": day(4).isoformat(), "kind": "want", "shift": "dag", "weight": 4},
        *(
            {"staff": s, "date": day(1).isoformat(), "kind": "avoid", "shift": "aften", "weight": 2}
            for s in ("mette", "ali", "kris")
        ),
    ]
    locks = [{"staff": "kris", "date": day(4).isoformat(), "shift": None}]
    return tiny(staff=staff, cover=cover, wishes=wishes, locks=locks, **extra)


def _granted(problem: Problem, rota: list[Assignment], item: Item) -> bool:
    """The checker no longer charges the item in `rota`."""
    family = "cover" if item.kind == "cover" else "wish"
    return not [
        p
        for p in check.penalties(problem, rota)
        if p.family == family
        and p.message != Msg.COVER_OVER
        and (p.date, p.shift, p.staff) == (item.date, item.shift, item.staff)
    ]


def _by(reasons_: list[Reason], staff: str | None, kind: str) -> Reason:
    return next(r for r in reasons_ if r.item.staff == staff and r.item.kind == kind)


def test_each_stated_cost_is_the_cost_of_a_rota_that_grants_it_and_a_solve_reproduces_it() -> None:
    problem = _team()
    base = solve_checked(problem)
    assert base.status == "OPTIMAL"
    items = unmet_items(problem, base.assignments)
    assert {(i.kind, i.staff) for i in items} == {("wish", "mette"), ("wish", "kris"), ("cover", None)}

    found = reasons(problem, base.assignments, budget=30, per_item=5, window=7)
    assert [r.item for r in found] == items
    for reason in found:
        if reason.status != "priced":
            continue
        # The rota the reason speaks of: the stored rota with its changes made.
        forced = apply_changes(base.assignments, reason.changes)
        assert check.violations(problem, forced) == []
        assert _granted(problem, forced, reason.item)
        assert reason.local_gain == 0  # the rota was optimal: nothing to better without the item
        assert reason.cost == check.objective(problem, forced) - check.objective(problem, base.assignments)
        assert sum(reason.by_family.values()) == reason.cost
        assert reason.proven

    mette = _by(found, "mette", "wish")
    # Granting Mette's day shift: Ali loses his (5) instead of hers (3), or the day has two (20).
    assert (mette.status, mette.cost, mette.by_family) == ("priced", 2, {"wish": 2})
    said = {(b.message, b.params.get("staff"), b.params.get("names")) for b in mette.because}
    assert (Msg.REASON_LOSES_WISH, "ali", None) in said
    assert (Msg.REASON_ALSO_WANTED, None, "Ali") in said
    assert mette.explanation == "granting it alone would cost 2 more"
    # A solve of its own, with her wish granted (locked), costs exactly that much more.
    lock = {"staff": "mette", "date": day(2).isoformat(), "shift": "dag"}
    problem_locked = _team()
    problem_locked.locks.append(type(problem.locks[0]).model_validate(lock))
    granted = solve_checked(problem_locked)
    assert granted.status == "OPTIMAL"
    assert granted.objective is not None and base.objective is not None
    assert granted.objective - base.objective == mette.cost

    cover = _by(found, None, "cover")
    assert (cover.status, cover.cost) == ("priced", 1)  # someone's avoid (2) instead of the shortage (1)
    assert cover.explanation == "filling it would cost 1 more"
    assert [b.message for b in cover.because] == [Msg.REASON_LOSES_WISH]


def test_a_wish_that_breaks_a_hard_rule_names_the_rule() -> None:
    problem = _team()
    base = solve_checked(problem)
    (kris,) = reasons(
        problem, base.assignments, [i for i in unmet_items(problem, base.assignments) if i.staff == "kris"]
    )
    assert kris.status == "impossible" and kris.cost is None
    assert [(b.message, b.staff) for b in kris.because] == [(Msg.LOCK_OFF, "kris")]
    assert kris.explanation == "could not be granted without breaking a rule: lock: off on 2025-03-07"


def test_items_the_budget_does_not_reach_say_so() -> None:
    problem = _team()
    base = solve_checked(problem)
    found = reasons(problem, base.assignments, budget=0.0)
    assert found and all(r.status == "not_reached" for r in found)
    assert found[0].explanation == "not worked out: the time for reasons ran out first"


def test_what_the_search_betters_anyway_is_not_put_down_to_the_item() -> None:
    """A rota worse than it need be near the item (a second person on the day shift of day 3, 20 more):
    the stated cost counts from the better rota the same search finds there without the item."""
    problem = _team()
    base = solve_checked(problem)
    on_dag = {a.staff for a in base.assignments if a.date == day(3) and a.shift == "dag"}
    second = next(s for s in ("kris", "ali") if s not in on_dag)
    worse = [
        *(a for a in base.assignments if not (a.staff == second and a.date == day(3))),
        Assignment(staff=second, date=day(3), shift="dag"),
    ]
    assert check.violations(problem, worse) == []
    extra = check.objective(problem, worse) - check.objective(problem, base.assignments)
    assert extra > 0
    (mette,) = reasons(
        problem, worse, [i for i in unmet_items(problem, worse) if i.staff == "mette"], window=1, per_item=5
    )
    assert mette.status == "priced" and mette.local_gain == extra
    assert mette.cost == 2  # as from the optimal rota
    forced = apply_changes(worse, mette.changes)
    assert check.violations(problem, forced) == []
    assert check.objective(problem, forced) - check.objective(problem, worse) == mette.cost - mette.local_gain
