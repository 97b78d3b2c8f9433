"""Hard rules about who may be where: one shift a day, routes, days off, locks."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from solver.problem import WishKind
from solver.variables import Vars


def add_routes(v: Vars) -> None:
    """A route slot has at most one person; a person serves at most one route, in the shift they work."""
    for (pi, d, si), ys in v.y_by_pds.items():
        v.cp.add(cp_model.LinearExpr.sum(ys) <= v.x[pi, d, si])
    for ys in v.y_by_slot.values():
        if len(ys) > 1:
            v.cp.add_at_most_one(ys)


def add_days_off(v: Vars) -> None:
    """No shift on fixed days off, fixed weekdays off, absences or veto days."""
    p = v.problem
    vetoes: dict[str, list[dt.date]] = {}
    for wish in p.wishes:
        if wish.kind is WishKind.veto:
            vetoes.setdefault(wish.staff, []).append(wish.date)
    for pi, person in enumerate(v.people):
        off: dict[int, str] = {}
        for day in person.days_off:
            off[v.day_index(day)] = f"fixed day off {day}"
        for d, day in enumerate(v.dates):
            if day.weekday() in person.weekdays_off:
                off.setdefault(d, f"fixed day off every {day.strftime('%A')}")
        for absence in person.absences:
            for d, day in enumerate(v.dates):
                if absence.start <= day <= absence.end:
                    reason = f" ({absence.reason})" if absence.reason else ""
                    off.setdefault(d, f"absence {absence.start} … {absence.end}{reason}")
        for day in vetoes.get(person.id, []):
            off[v.day_index(day)] = f"veto day {day}"
        for d, rule in sorted(off.items()):
            v.hard(v.cp.add(v.work[pi, d] == 0), person.id, rule)


def add_locks(v: Vars) -> None:
    """The planner's locks hold: off, or exactly that shift (and route) that day."""
    for lock in v.problem.locks:
        pi = v.person_pos[lock.staff]
        d = v.day_index(lock.date)
        if lock.shift is None:
            v.hard(v.cp.add(v.work[pi, d] == 0), lock.staff, f"lock: off on {lock.date}")
            continue
        si = v.shift_pos[lock.shift]
        rule = f"lock: {lock.shift} on {lock.date}" + (f" route {lock.route}" if lock.route else "")
        target = (
            v.shift_var(pi, d, si) if lock.route is None else v.route_var(pi, d, si, v.route_pos[lock.route])
        )
        if isinstance(target, int):
            v.impossible(lock.staff, rule + " (not qualified or not allowed)")
        else:
            v.hard(v.cp.add(target == 1), lock.staff, rule)
