"""Hard sequence rules: consecutive working days, consecutive days off, weekends."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from solver.variables import Vars


def add_max_consecutive_work(v: Vars) -> None:
    """No run of worked days longer than the contract's maximum."""
    for pi, person in enumerate(v.people):
        k = person.contract.max_consecutive_work
        if k is None or k >= v.days:
            continue
        works = [v.work[pi, d] for d in range(v.days)]
        for start in range(v.days - k):
            ct = v.cp.add(cp_model.LinearExpr.sum(works[start : start + k + 1]) <= k)
            v.hard(ct, person.id, f"at most {k} working days in a row")


def _forbid_short_runs(v: Vars, pi: int, k: int, worked: bool, rule: str) -> None:
    """Forbid off/on, 1..k-1 days of the other kind, off/on strictly inside the horizon."""
    staff = v.people[pi].id
    lits = [v.work[pi, d] if worked else ~v.work[pi, d] for d in range(v.days)]
    for length in range(1, k):
        for a in range(0, v.days - length - 1):
            b = a + length + 1
            clause = [lits[a]] + [~lits[d] for d in range(a + 1, b)] + [lits[b]]
            v.hard(v.cp.add_bool_or(clause), staff, rule)


def add_min_consecutive_work(v: Vars) -> None:
    """A block of worked days inside the horizon is at least the contract's minimum long."""
    for pi, person in enumerate(v.people):
        k = person.contract.min_consecutive_work
        if k is not None and k > 1:
            _forbid_short_runs(v, pi, k, True, f"at least {k} working days in a row")


def add_min_consecutive_off(v: Vars) -> None:
    """A block of days off inside the horizon is at least the contract's minimum long."""
    for pi, person in enumerate(v.people):
        k = person.contract.min_consecutive_off
        if k is not None and k > 1:
            _forbid_short_runs(v, pi, k, False, f"at least {k} days off in a row")


def weekends(dates: list[dt.date]) -> list[list[int]]:
    """Day indexes of each weekend (Saturday and Sunday of one ISO week) touching the horizon."""
    groups: dict[tuple[int, int], list[int]] = {}
    for d, day in enumerate(dates):
        if day.weekday() >= 5:
            year, week, _ = day.isocalendar()
            groups.setdefault((year, week), []).append(d)
    return list(groups.values())


def add_weekends(v: Vars) -> None:
    """At most the contract's worked weekends, and a weekend off in every n consecutive weekends."""
    groups = weekends(v.dates)
    if not groups:
        return
    for pi, person in enumerate(v.people):
        most, every = person.contract.max_weekends, person.contract.weekend_off_every
        if most is None and every is None:
            continue
        worked = []
        for k, days in enumerate(groups):
            ww = v.cp.new_bool_var(f"weekend[{person.id},{k}]")
            for d in days:
                v.cp.add_implication(v.work[pi, d], ww)
            worked.append(ww)
        if most is not None and most < len(groups):
            ct = v.cp.add(cp_model.LinearExpr.sum(worked) <= most)
            v.hard(ct, person.id, f"at most {most} working weekends")
        if every is not None:
            for start in range(len(groups) - every + 1):
                ct = v.cp.add(cp_model.LinearExpr.sum(worked[start : start + every]) <= every - 1)
                v.hard(ct, person.id, f"a weekend off in every {every}")
