"""Who can take a route slot (planner/meeting.py): the slot's holder keeps the shift without the route,
unless that breaks one of the holder's own rules — then nobody can take the slot from them."""

from __future__ import annotations

from conftest import day, tiny

from planner.meeting import slot_candidates
from solver import check
from solver.solution import Assignment

ROUTES = [{"id": "r1", "name": "Uldum 1", "shifts": ["dag"]}]


def _rota() -> list[Assignment]:
    return [Assignment(staff="mette", date=day(1), shift="dag", route="r1")]


def test_someone_off_can_take_a_held_route_and_the_holder_keeps_the_shift() -> None:
    problem = tiny(routes=ROUTES)
    assert check.violations(problem, _rota()) == []
    found = slot_candidates(problem, _rota(), day(1), "dag", "r1")
    assert [(c["staff"], c["now"]) for c in found] == [("ali", None)]  # Mette holds it already


def test_a_holder_locked_to_the_route_keeps_it() -> None:
    locks = [{"staff": "mette", "date": day(1).isoformat(), "shift": "dag", "route": "r1"}]
    problem = tiny(routes=ROUTES, locks=locks)
    assert check.violations(problem, _rota()) == []
    assert slot_candidates(problem, _rota(), day(1), "dag", "r1") == []
    # without the route the same shift is still open to Ali (Mette keeps her locked route)
    assert [c["staff"] for c in slot_candidates(problem, _rota(), day(1), "dag", None)] == ["ali"]


def test_a_veto_day_rules_a_person_out() -> None:
    wishes = [{"staff": "ali", "date": day(1).isoformat(), "kind": "veto"}]
    problem = tiny(routes=ROUTES, wishes=wishes)
    assert slot_candidates(problem, _rota(), day(1), "dag", "r1") == []
