"""Hard rules about who may be where: one shift a day, routes, days off, locks."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from solver.families import Msg, Params
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
        off: dict[int, tuple[str, Params]] = {}
        for day in person.days_off:
            off[v.day_index(day)] = (Msg.DAYS_OFF_FIXED, {"date": day.isoformat()})
        for d, day in enumerate(v.dates):
            if day.weekday() in person.weekdays_off:
                off.setdefault(d, (Msg.DAYS_OFF_WEEKDAY, {"weekday": day.weekday()}))
        for absence in person.absences:
            for d, day in enumerate(v.dates):
                if absence.start <= day <= absence.end:
                    params: Params = {
                        "start": absence.start.isoformat(),
                        "end": absence.end.isoformat(),
                        "reason": absence.reason,
                    }
                    off.setdefault(d, (Msg.DAYS_OFF_ABSENCE, params))
        for day in vetoes.get(person.id, []):
            off[v.day_index(day)] = (Msg.DAYS_OFF_VETO, {"date": day.isoformat()})
        for d, (message, params) in sorted(off.items(), key=lambda item: item[0]):
            v.hard(v.cp.add(v.work[pi, d] == 0), person.id, message, params)


def add_locks(v: Vars) -> None:
    """The planner's locks hold: off, or exactly that shift (and route) that day."""
    for lock in v.problem.locks:
        pi = v.person_pos[lock.staff]
        d = v.day_index(lock.date)
        if lock.shift is None:
            v.hard(v.cp.add(v.work[pi, d] == 0), lock.staff, Msg.LOCK_OFF, {"date": lock.date.isoformat()})
            continue
        si = v.shift_pos[lock.shift]
        params: Params = {"date": lock.date.isoformat(), "shift": lock.shift, "route": lock.route or ""}
        target = (
            v.shift_var(pi, d, si) if lock.route is None else v.route_var(pi, d, si, v.route_pos[lock.route])
        )
        if isinstance(target, int):
            v.impossible(lock.staff, Msg.LOCK_IMPOSSIBLE, params)
        else:
            v.hard(v.cp.add(target == 1), lock.staff, Msg.LOCK_SHIFT, params)
