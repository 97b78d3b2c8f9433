"""Who can take this slot (issue 14, first part): for a cell of a draft, the people who could work it
without breaking a hard rule, each with their cell now and what the move does to the rota's cost — every
answer checked by moving the person and running the independent checker."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from planner import mapping
from planner.models import Rota
from service.helpers import START, World, ok, solve_period
from solver import check
from solver.solution import Assignment


def _moved(assignments: list[Assignment], staff: str, day: str, shift: str) -> list[Assignment]:
    kept = [a for a in assignments if not (a.staff == staff and a.date.isoformat() == day)]
    return [*kept, Assignment(staff=staff, date=dt.date.fromisoformat(day), shift=shift)]


def test_the_candidates_are_exactly_those_the_checker_lets_move_and_their_cost_is_true(world: World) -> None:
    rota = solve_period(world)
    with Session(world.engine) as session:
        stored = session.get(Rota, rota["id"])
        assert stored is not None
        problem, assignments = mapping.rota_problem(stored), mapping.rota_assignments(stored)
    before = check.objective(problem, assignments)
    for offset in range(7):
        day = (START + dt.timedelta(days=offset)).isoformat()
        for shift in ("dag", "aften"):
            found = ok(
                world.get("planner", f"/rotas/{rota['id']}/candidates", params={"date": day, "shift": shift})
            )
            by_person = {c["staff"]: c for c in found}
            for person in problem.staff:
                now = next(
                    (a for a in assignments if a.staff == person.id and a.date.isoformat() == day), None
                )
                if now is not None and now.shift == shift and now.route is None:
                    assert person.id not in by_person  # already there
                    continue
                moved = _moved(assignments, person.id, day, shift)
                fine = not [v for v in check.violations(problem, moved) if v.staff in (person.id, None)]
                assert (person.id in by_person) == fine, (day, shift, person.id)
                if fine:
                    c = by_person[person.id]
                    assert c["cost_change"] == check.objective(problem, moved) - before
                    assert c["now"] == (None if now is None else {"shift": now.shift, "route": now.route})
            costs = [c["cost_change"] for c in found]
            assert costs == sorted(costs)


def test_candidates_are_the_planners_and_name_a_wrong_field(world: World) -> None:
    rota = solve_period(world)
    url = f"/rotas/{rota['id']}/candidates"
    day = START.isoformat()
    assert world.get("mette", url, params={"date": day, "shift": "dag"}).status_code == 403
    wrong = world.get("planner", url, params={"date": day, "shift": "natten"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "shift"]
    outside = world.get("planner", url, params={"date": "2030-01-01", "shift": "dag"})
    assert outside.status_code == 404
