"""Workload rules: shifts per type, total minutes (hard) and the contract target (soft)."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from ortools.sat.python import cp_model

from solver.families import Family, Msg, Params
from solver.problem import Problem, Staff
from solver.variables import Term, Vars


def max_minutes(problem: Problem, person: Staff) -> int | None:
    """The effective upper bound on minutes: the contract's, and the average-weekly-hours rule's."""
    bounds = []
    if person.contract.max_minutes is not None:
        bounds.append(person.contract.max_minutes)
    if problem.rules.max_average_weekly_hours is not None:
        # Exact decimal arithmetic on the value as typed, so 37.5 h or 2.05 h never round the wrong way.
        hours = Fraction(str(problem.rules.max_average_weekly_hours))
        bounds.append(math.floor(hours * 60 * problem.horizon.days / 7))
    return min(bounds) if bounds else None


def target_minutes(problem: Problem, person: Staff) -> int | None:
    """Contract target over the horizon: weekly hours × weekdays not lost to holidays or absences / 5."""
    hours = person.contract.weekly_hours
    if hours is None:
        return None
    holidays = set(problem.horizon.public_holidays)
    count = sum(
        1
        for day in problem.horizon.dates()
        if day.weekday() < 5 and day not in holidays and not person.absent_on(day)
    )
    return round(Fraction(str(hours)) * 60 * count / 5)


def add_max_shifts(v: Vars) -> None:
    """At most the contract's number of shifts of each type over the horizon."""
    for pi, person in enumerate(v.people):
        by_shift: dict[int, list[cp_model.IntVar]] = {}
        for _, si, var in v.x_by_person[pi]:  # in day order
            by_shift.setdefault(si, []).append(var)
        for code, limit in person.contract.max_shifts.items():
            xs = by_shift.get(v.shift_pos[code], [])
            if xs and limit < len(xs):
                ct = v.cp.add(cp_model.LinearExpr.sum(xs) <= limit)
                v.hard(ct, person.id, Msg.MAX_SHIFTS_LIMIT, {"n": limit, "shift": code})


def add_minutes(v: Vars) -> None:
    """Total worked minutes stay within the contract's hard bounds and the 48-hour average."""
    for pi, person in enumerate(v.people):
        total = v.minutes(pi)
        low, high = person.contract.min_minutes, max_minutes(v.problem, person)
        if low:
            v.hard(v.cp.add(total >= low), person.id, Msg.MINUTES_AT_LEAST, {"hours": low / 60})
        if high is not None:
            v.hard(v.cp.add(total <= high), person.id, Msg.MINUTES_AT_MOST, {"hours": high / 60})


def _off_target_params(person: Staff, target: int) -> Callable[[int], Params]:
    """The params of a contract term: `n` hours off the target of `target` minutes."""
    return lambda n: {"who": person.label, "staff": person.id, "hours": n, "target": target / 60}


def penalize_contract_target(v: Vars) -> None:
    """Each started hour outside the contract target ± tolerance costs `weights.contract_hour`."""
    weight = v.problem.weights.contract_hour
    if weight == 0:
        return
    for pi, person in enumerate(v.people):
        target = target_minutes(v.problem, person)
        if target is None:
            continue
        tol = person.contract.target_tolerance_minutes
        total = v.minutes(pi)
        top = target + 24 * 60 * v.days
        dev = v.cp.new_int_var(0, top, f"off_target_minutes[{person.id}]")
        v.cp.add_max_equality(dev, [total - (target + tol), (target - tol) - total, 0])
        hours = v.cp.new_int_var(0, top // 60 + 1, f"off_target_hours[{person.id}]")
        v.cp.add(60 * hours >= dev)  # hours = ceil(dev / 60), exactly
        v.cp.add(60 * hours <= dev + 59)
        v.soft(
            Term(
                Family.CONTRACT,
                weight,
                hours,
                Msg.CONTRACT_OFF_TARGET,
                _off_target_params(person, target),
                staff=person.id,
            )
        )
