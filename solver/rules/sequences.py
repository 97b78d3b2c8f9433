"""Hard sequence rules: consecutive working days, consecutive days off, weekends; the runs and the
weekend rhythm go on from the history before the horizon (docs/rules.md "Before the horizon")."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from solver.families import Msg
from solver.variables import Vars


def add_max_consecutive_work(v: Vars) -> None:
    """No run of worked days longer than the contract's maximum."""
    for pi, person in enumerate(v.people):
        k = person.contract.max_consecutive_work
        if k is None:
            continue
        works = [v.work[pi, d] for d in range(v.days)]
        for start in range(v.days - k):
            ct = v.cp.add(cp_model.LinearExpr.sum(works[start : start + k + 1]) <= k)
            v.hard(ct, person.id, Msg.MAX_CONSECUTIVE_WORK_LIMIT, {"n": k})
        # The run the history ends with (m days up to day -1) goes on from day 0: days 0 … k-m are not all
        # worked (day 0 is off when the history alone has k or more).
        m = _past_run(v, pi, True)
        first = max(0, k - m) + 1
        if m > 0 and first <= v.days:
            ct = v.cp.add(cp_model.LinearExpr.sum(works[:first]) <= first - 1)
            v.hard(ct, person.id, Msg.MAX_CONSECUTIVE_WORK_LIMIT, v.with_history({"n": k}))


def _past_run(v: Vars, pi: int, worked: bool) -> int:
    """How many days before the horizon, up to day -1, the history says `pi` worked (or was off)."""
    m = 0
    while v.past_known(pi, -1 - m, worked):
        m += 1
    return m


def _forbid_short_runs(v: Vars, pi: int, k: int, worked: bool, message: str) -> None:
    """Forbid off/on, 1..k-1 days of the other kind, off/on strictly inside the horizon; and a run that
    the history starts (m known days up to day -1, after a known day of the other kind) ending before it
    is k days long, on day 0 (m >= 1) or later inside the horizon."""
    staff = v.people[pi].id
    lits = [v.work[pi, d] if worked else ~v.work[pi, d] for d in range(v.days)]
    for length in range(1, k):
        for a in range(0, v.days - length - 1):
            b = a + length + 1
            clause = [lits[a]] + [~lits[d] for d in range(a + 1, b)] + [lits[b]]
            v.hard(v.cp.add_bool_or(clause), staff, message, {"n": k})
    m = _past_run(v, pi, worked)
    if not v.past_known(pi, -1 - m, not worked):
        return  # the run's start is not known (a run touching the edge of what is known is exempt)
    for b in range(0 if m else 1, min(k - m, v.days)):
        clause = [~lits[d] for d in range(b)] + [lits[b]]
        v.hard(v.cp.add_bool_or(clause), staff, message, v.with_history({"n": k}))


def add_min_consecutive_work(v: Vars) -> None:
    """A block of worked days inside the horizon is at least the contract's minimum long."""
    for pi, person in enumerate(v.people):
        k = person.contract.min_consecutive_work
        if k is not None and k > 1:
            _forbid_short_runs(v, pi, k, True, Msg.MIN_CONSECUTIVE_WORK_LIMIT)


def add_min_consecutive_off(v: Vars) -> None:
    """A block of days off inside the horizon is at least the contract's minimum long."""
    for pi, person in enumerate(v.people):
        k = person.contract.min_consecutive_off
        if k is not None and k > 1:
            _forbid_short_runs(v, pi, k, False, Msg.MIN_CONSECUTIVE_OFF_LIMIT)


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
            v.hard(ct, person.id, Msg.WEEKENDS_AT_MOST, {"n": most})
        if every is not None:
            for start in range(len(groups) - every + 1):
                ct = v.cp.add(cp_model.LinearExpr.sum(worked[start : start + every]) <= every - 1)
                v.hard(ct, person.id, Msg.WEEKENDS_OFF_EVERY, {"n": every})
            if v.history.get(pi):
                _weekends_after_history(v, pi, every, worked)


def _weekends_after_history(v: Vars, pi: int, every: int, worked: list[cp_model.IntVar]) -> None:
    """The windows of `every` consecutive weekends that reach back into the history. A weekend before
    the horizon is worked when the history has a shift on its Saturday or Sunday; the first weekend of the
    horizon, when it starts on a Sunday, also when the history has a shift on that Saturday. A window is
    broken only when it also holds a weekend worked inside the horizon: the history alone breaks nothing
    here (that was the previous period's rule)."""
    first = v.dates[0]
    saturday = v.dates[weekends(v.dates)[0][0]]
    saturday -= dt.timedelta(days=saturday.weekday() - 5)  # of the first weekend touching the horizon

    def past_worked(day: dt.date) -> bool:
        return day < first and v.past_shift(pi, (day - first).days) is not None

    # past[j]: weekend j before the first one of the horizon worked (j = 1 … every-1)
    past = [False] + [
        any(past_worked(saturday - dt.timedelta(days=7 * j - extra)) for extra in (0, 1))
        for j in range(1, every)
    ]
    cut_saturday = past_worked(saturday)
    params = v.with_history({"n": every})
    for back in range(every):  # the window: `back` weekends before the horizon, then every-back in it
        inside = worked[: every - back]
        if len(inside) < every - back:
            continue  # the horizon has too few weekends for this window
        known = sum(past[1 : back + 1])
        terms: list[cp_model.IntVar] = list(inside)
        if cut_saturday and len(inside) > 1:  # a full weekend of the horizon is in the window too
            known, terms = known + 1, terms[1:]
        if known + len(terms) > every - 1 and known > 0:
            ct = v.cp.add(cp_model.LinearExpr.sum(terms) <= every - 1 - known)
            v.hard(ct, v.people[pi].id, Msg.WEEKENDS_OFF_EVERY, params)
