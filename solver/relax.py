"""The smallest fixes of an infeasible period: relaxations of clashing hard rules that make a rota possible.

When hard rules cannot all hold, `solver.model.explain_infeasibility` names them (a small core). Each rule
of the core that is a choice rather than a fact suggests one relaxation:

- a veto day (`days_off.veto`): drop the veto;
- a lock (`lock.*`): remove it;
- a minimum of hours (`minutes.at_least`): lower it to the most the person can work under the other
  rules (a solve that maximises their hours; whole hours), a maximum (`minutes.at_most`): raise it to the
  least they can work;
- a limit on days in a row, weekends or shifts of a type: one more (or one fewer for a minimum);

absences, fixed days off and weekdays off are facts, and the daily and weekly rests the law: they are
never relaxed. Each candidate is checked by a feasibility solve of the problem with it made (a short
limit); when no single relaxation is enough, pairs are tried (the first relaxation, then one from the
core of what is left). The fixes that give a rota are returned smallest first (`size`: days, shifts or
8-hour blocks the rules move by). Pure: a `Problem` in, `Fix`es out; `apply` gives the relaxed problem.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Literal

from ortools.sat.python import cp_model

from solver.build import build
from solver.cpsat import found, make_solver
from solver.families import Msg
from solver.params import SolveParams
from solver.problem import Problem, WishKind
from solver.solution import BrokenRule, _Explained, _Out

__all__ = ["Fix", "Relaxation", "apply", "candidates", "smallest_fixes"]

RelaxKind = Literal[
    "drop_veto",
    "drop_lock",
    "min_hours",
    "max_hours",
    "max_consecutive_work",
    "min_consecutive_work",
    "min_consecutive_off",
    "max_weekends",
    "weekend_off_every",
    "max_shifts",
]

# Minutes in the block a change of hours is measured by (one day shift).
HOURS_BLOCK = 8 * 60

_COUNTS: dict[str, tuple[str, str, int]] = {
    # cause message -> (relaxation kind, contract field, step)
    Msg.MAX_CONSECUTIVE_WORK_LIMIT: ("max_consecutive_work", "max_consecutive_work", 1),
    Msg.MIN_CONSECUTIVE_WORK_LIMIT: ("min_consecutive_work", "min_consecutive_work", -1),
    Msg.MIN_CONSECUTIVE_OFF_LIMIT: ("min_consecutive_off", "min_consecutive_off", -1),
    Msg.WEEKENDS_AT_MOST: ("max_weekends", "max_weekends", 1),
    Msg.WEEKENDS_OFF_EVERY: ("weekend_off_every", "weekend_off_every", 1),
}
_MESSAGES: dict[str, str] = {
    "drop_veto": Msg.FIX_DROP_VETO,
    "drop_lock": Msg.FIX_DROP_LOCK,
    "min_hours": Msg.FIX_MIN_HOURS,
    "max_hours": Msg.FIX_MAX_HOURS,
    "max_consecutive_work": Msg.FIX_MAX_CONSECUTIVE_WORK,
    "min_consecutive_work": Msg.FIX_MIN_CONSECUTIVE_WORK,
    "min_consecutive_off": Msg.FIX_MIN_CONSECUTIVE_OFF,
    "max_weekends": Msg.FIX_MAX_WEEKENDS,
    "weekend_off_every": Msg.FIX_WEEKEND_OFF_EVERY,
    "max_shifts": Msg.FIX_MAX_SHIFTS,
}


class Relaxation(_Explained):
    """One change of the input: `kind`, whose, on which date (veto, lock), of which shift type
    (max_shifts), and the new value (`value`: minutes for hours, a count otherwise; None: no limit)."""

    kind: RelaxKind
    staff: str
    date: dt.date | None = None
    shift: str | None = None
    value: int | None = None
    size: int = 1


class Fix(_Out):
    """Relaxations that together make a rota possible (checked by a solve), smallest first."""

    relaxations: list[Relaxation]
    size: int
    checked_seconds: float = 0.0


# ---- candidates from a core -------------------------------------------------------------------------


def candidates(
    problem: Problem, causes: list[BrokenRule], *, per_solve: float = 1.0, seed: int = 0
) -> list[Relaxation]:
    """The relaxations the clashing rules suggest (see the module docstring), smallest first."""
    out: list[Relaxation] = []
    seen: set[tuple[str, str, str, str]] = set()
    for cause in causes:
        staff = str(cause.params.get("staff") or cause.staff or "")
        if staff not in {p.id for p in problem.staff}:
            continue
        found_ = _candidate(problem, cause, staff, per_solve, seed)
        if found_ is None:
            continue
        key = (found_.kind, found_.staff, str(found_.date), found_.shift or "")
        if key not in seen:
            seen.add(key)
            out.append(found_)
    return sorted(out, key=lambda r: (r.size, list(_MESSAGES).index(r.kind), r.staff))


def _candidate(
    problem: Problem, cause: BrokenRule, staff: str, per_solve: float, seed: int
) -> Relaxation | None:
    person = problem.person(staff)
    contract = person.contract
    message = cause.message
    day = cause.params.get("date")
    if message == Msg.DAYS_OFF_VETO and isinstance(day, str):
        return _said(problem, "drop_veto", staff, date=dt.date.fromisoformat(day))
    if message in (Msg.LOCK_OFF, Msg.LOCK_SHIFT, Msg.LOCK_IMPOSSIBLE) and isinstance(day, str):
        return _said(problem, "drop_lock", staff, date=dt.date.fromisoformat(day))
    if message == Msg.MINUTES_AT_LEAST and contract.min_minutes is not None:
        most = _reach(problem, staff, maximise=True, time_limit=per_solve, seed=seed)
        if most is None or most >= contract.min_minutes:
            return None
        value = most // 60 * 60
        size = math.ceil((contract.min_minutes - value) / HOURS_BLOCK)
        return _said(problem, "min_hours", staff, value=value, size=size, old=contract.min_minutes)
    if message == Msg.MINUTES_AT_MOST and contract.max_minutes is not None:
        least = _reach(problem, staff, maximise=False, time_limit=per_solve, seed=seed)
        if least is None or least <= contract.max_minutes:
            return None
        value = -(-least // 60) * 60
        size = math.ceil((value - contract.max_minutes) / HOURS_BLOCK)
        return _said(problem, "max_hours", staff, value=value, size=size, old=contract.max_minutes)
    if message == Msg.MAX_SHIFTS_LIMIT:
        shift = str(cause.params.get("shift") or "")
        if shift not in contract.max_shifts:
            return None
        return _said(problem, "max_shifts", staff, shift=shift, value=contract.max_shifts[shift] + 1)
    if message in _COUNTS:
        kind, field, step = _COUNTS[message]
        old = getattr(contract, field)
        if old is None:
            return None
        new = old + step
        return _said(problem, kind, staff, value=new if new >= 1 else None, old=old)  # type: ignore[arg-type]
    return None


def _said(
    problem: Problem,
    kind: RelaxKind,
    staff: str,
    *,
    date: dt.date | None = None,
    shift: str | None = None,
    value: int | None = None,
    size: int = 1,
    old: int | None = None,
) -> Relaxation:
    """A relaxation with its message and params (`fix.*`)."""
    person = problem.person(staff)
    params: dict[str, str | int | float] = {"who": person.label, "staff": staff}
    if date is not None:
        params["date"] = date.isoformat()
    if kind in ("min_hours", "max_hours"):
        params["hours"] = (old or 0) / 60
        params["to"] = (value or 0) / 60
    elif kind == "max_shifts":
        params.update(shift=shift or "", n=(value or 1) - 1, to=value or 0)
    elif kind not in ("drop_veto", "drop_lock"):
        params.update(n=old or 0, to=value or 0)
    return Relaxation(
        kind=kind,
        staff=staff,
        date=date,
        shift=shift,
        value=value,
        size=size,
        message=_MESSAGES[kind],
        params=params,
    )


def _reach(problem: Problem, staff: str, *, maximise: bool, time_limit: float, seed: int) -> int | None:
    """The most (or least) minutes the person can work under every hard rule but their own bound."""
    loose = apply(problem, Relaxation(kind="min_hours" if maximise else "max_hours", staff=staff, value=None))
    v = build(loose)
    v.cp.clear_objective()
    minutes = v.minutes(v.person_pos[staff])
    if maximise:
        v.cp.maximize(minutes)
    else:
        v.cp.minimize(minutes)
    solver = make_solver(time_limit, workers=1, seed=seed)
    code = solver.solve(v.cp)
    if not found(code):
        return None
    # A bound proven optimal is exact; else the best found (a fix that is then checked by a solve).
    return round(solver.objective_value)


# ---- applying and checking --------------------------------------------------------------------------


def apply(problem: Problem, relaxation: Relaxation) -> Problem:
    """The problem with one relaxation made (a copy; the input is not changed)."""
    data = problem.model_dump(mode="json")
    r = relaxation
    if r.kind == "drop_veto":
        data["wishes"] = [
            w
            for w in data["wishes"]
            if not (w["staff"] == r.staff and w["kind"] == WishKind.veto and w["date"] == str(r.date))
        ]
    elif r.kind == "drop_lock":
        data["locks"] = [
            lk for lk in data["locks"] if not (lk["staff"] == r.staff and lk["date"] == str(r.date))
        ]
    else:
        person = next(p for p in data["staff"] if p["id"] == r.staff)
        contract = person["contract"]
        if r.kind == "min_hours":
            contract["min_minutes"] = r.value
        elif r.kind == "max_hours":
            contract["max_minutes"] = r.value
        elif r.kind == "max_shifts":
            contract["max_shifts"][r.shift or ""] = r.value
        else:
            contract[r.kind] = r.value
    return Problem.model_validate(data)


def _feasible(problem: Problem, time_limit: float, seed: int) -> bool | None:
    """True: a rota exists; False: proven none; None: not known in the time."""
    v = build(problem)
    v.cp.clear_objective()
    solver = make_solver(time_limit, workers=1, seed=seed, first_only=True)
    code = solver.solve(v.cp)
    if found(code):
        return True
    return False if code == cp_model.INFEASIBLE else None


def _core(problem: Problem, time_limit: float, seed: int) -> list[BrokenRule]:
    from solver.model import explain_infeasibility  # model imports the searches: only when needed

    conflicts = explain_infeasibility(
        problem, SolveParams(time_limit=time_limit, workers=1, seed=seed), time_limit
    )
    return [cause for c in conflicts for cause in c.causes]


def smallest_fixes(
    problem: Problem,
    causes: list[BrokenRule] | None = None,
    *,
    time_limit: float = 20.0,
    per_solve: float = 2.0,
    seed: int = 0,
    most: int = 5,
) -> list[Fix]:
    """Up to `most` fixes that make `problem` solvable, smallest first, found within `time_limit`
    seconds (each solve at most `per_solve`). `causes`: the clashing rules, when known (else found
    here). Empty when the problem has a rota already or no fix was found in time."""
    deadline = time.perf_counter() + time_limit

    def left() -> float:
        return min(per_solve, deadline - time.perf_counter())

    if causes is None:
        causes = _core(problem, max(0.5, left()), seed)
    singles = candidates(problem, causes, per_solve=max(0.1, left()), seed=seed)
    fixes: list[Fix] = []
    unresolved: list[tuple[Relaxation, Problem]] = []
    for relaxation in singles:
        if left() <= 0:
            break
        began = time.perf_counter()
        relaxed = apply(problem, relaxation)
        ok = _feasible(relaxed, left(), seed)
        if ok:
            fixes.append(
                Fix(
                    relaxations=[relaxation],
                    size=relaxation.size,
                    checked_seconds=time.perf_counter() - began,
                )
            )
        elif ok is False:
            unresolved.append((relaxation, relaxed))
    if not fixes:  # no single change is enough: one more from what still clashes
        for first, relaxed in unresolved:
            if left() <= 0:
                break
            for second in candidates(
                relaxed, _core(relaxed, max(0.1, left()), seed), per_solve=max(0.1, left()), seed=seed
            ):
                if left() <= 0:
                    break
                began = time.perf_counter()
                if _feasible(apply(relaxed, second), left(), seed):
                    fixes.append(
                        Fix(
                            relaxations=[first, second],
                            size=first.size + second.size,
                            checked_seconds=time.perf_counter() - began,
                        )
                    )
    fixes.sort(key=lambda f: f.size)
    return fixes[:most]
