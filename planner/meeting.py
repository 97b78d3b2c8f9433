"""The rota meeting's questions, answered from a rota and its problem (pure: no database).

`slot_candidates`: who could work a cell without breaking a hard rule, and what the move does to the cost.
The services (`services.slot_candidates`) read the rota and check who may ask; the benchmark in
`docs/benchmarks.md` times this function on the Uldum team.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from solver import check
from solver.problem import Problem
from solver.solution import Assignment


def slot_candidates(
    problem: Problem, assignments: list[Assignment], day: dt.date, shift: str, route: str | None
) -> list[dict[str, Any]]:
    """Who could work `shift` (and `route`) on `day` without breaking a hard rule, cheapest change first:
    for each person, the rota with them moved there (their own cell that day replaced; a route's holder
    keeps the shift without the route), checked by the independent checker against `problem` (its rules,
    wishes, locks) — for the person, the route's holder and the team. Each with the person's cell that day
    now and the change in the rota's cost (negative: cheaper)."""
    before = check.objective(problem, assignments)
    names = {p.id: p.name or p.id for p in problem.staff}
    out = []
    for person in problem.staff:
        mine = next((a for a in assignments if a.staff == person.id and a.date == day), None)
        if mine is not None and mine.shift == shift and mine.route == route:
            continue  # already there
        moved, touched = [], {person.id, None}
        for a in assignments:
            if a.staff == person.id and a.date == day:
                continue
            if route is not None and a.date == day and a.route == route:
                a = Assignment(staff=a.staff, date=a.date, shift=a.shift)  # the holder keeps the shift
                touched.add(a.staff)
            moved.append(a)
        moved.append(Assignment(staff=person.id, date=day, shift=shift, route=route))
        if any(v.staff in touched for v in check.violations(problem, moved)):
            continue
        out.append(
            {
                "staff": person.id,
                "name": names[person.id],
                "now": None if mine is None else {"shift": mine.shift, "route": mine.route},
                "cost_change": check.objective(problem, moved) - before,
            }
        )
    return sorted(out, key=lambda c: (c["cost_change"], c["name"]))
