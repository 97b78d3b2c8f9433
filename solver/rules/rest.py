"""Hard rest rules: forbidden successions (explicit and from the daily rest) and the weekly rest."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.problem import MINUTES_PER_DAY, ShiftType
from solver.variables import Vars


def _gap(first: ShiftType, second: ShiftType, days_apart: int) -> int | None:
    """Minutes from the end of `first` to the start of `second` that many days later (None: no clock)."""
    if first.start_minute is None or second.start_minute is None:
        return None
    return days_apart * MINUTES_PER_DAY + second.start_minute - (first.start_minute + first.minutes)


def forbidden_successors(v: Vars, days_apart: int) -> dict[int, set[int]]:
    """For each shift position, the shift positions that may not follow `days_apart` days later."""
    p = v.problem
    result: dict[int, set[int]] = {si: set() for si in range(len(v.shifts))}
    if days_apart == 1:
        for si, shift in enumerate(v.shifts):
            result[si].update(v.shift_pos[c] for c in shift.forbidden_next)
        for a, b in p.rules.forbidden_successions:
            result[v.shift_pos[a]].add(v.shift_pos[b])
    rest = p.rules.min_rest_minutes
    if rest is not None:
        for si, first in enumerate(v.shifts):
            for ti, second in enumerate(v.shifts):
                gap = _gap(first, second, days_apart)
                if gap is not None and gap < rest:
                    result[si].add(ti)
    return result


def add_successions(v: Vars) -> None:
    """No shift follows another too soon: explicit successions and the daily rest (default 11 h).

    Shifts with the same forbidden followers share one constraint per person and day,
    `Σ x[d, group] + Σ x[d + k, followers] <= 1`: a person works at most one shift a day, so this is the
    same rule as one constraint per shift, with fewer rows and a tighter LP (Curtois Instance24: 32 shift
    types, 8 groups)."""
    for days_apart in (1, 2):
        groups: dict[frozenset[int], list[int]] = {}
        for si, followers in forbidden_successors(v, days_apart).items():
            if followers:
                groups.setdefault(frozenset(followers), []).append(si)
        if not groups:
            continue
        pairs = [(firsts, sorted(followers)) for followers, firsts in groups.items()]
        add, amo, hard, n_shifts = v.cp.add, v.cp.add_at_most_one, v.hard, len(v.shifts)
        explain = v.explain_mode
        for pi, person in enumerate(v.people):
            rows: list[list[cp_model.IntVar | None]] = [[None] * n_shifts for _ in range(v.days)]
            for d, si, var in v.x_by_person[pi]:
                rows[d][si] = var
            for d in range(v.days - days_apart):
                row, later = rows[d], rows[d + days_apart]
                for firsts, followers in pairs:
                    now = [var for si in firsts if (var := row[si]) is not None]
                    if not now:
                        continue
                    nxt = [var for ti in followers if (var := later[ti]) is not None]
                    if not nxt:
                        continue
                    if explain:  # guarded: a linear row takes an enforcement literal
                        ct = add(cp_model.LinearExpr.sum(now + nxt) <= 1)
                        hard(ct, person.id, "daily rest and shift successions")
                    else:
                        amo(now + nxt)


def add_weekly_rest(v: Vars) -> None:
    """Every 7 consecutive days hold a day off with at least the weekly rest (default 35 h) around it."""
    need = v.problem.rules.weekly_rest_minutes
    if need is None or v.days < 7:
        return
    short = [
        (si, ti)
        for si, first in enumerate(v.shifts)
        for ti, second in enumerate(v.shifts)
        if (gap := _gap(first, second, 2)) is not None and gap < need
    ]
    for pi, person in enumerate(v.people):
        rest = [v.cp.new_bool_var(f"rest[{person.id},{d}]") for d in range(v.days)]
        for d in range(v.days):
            v.cp.add_implication(rest[d], ~v.work[pi, d])
            if 0 < d < v.days - 1:
                for si, ti in short:
                    a, b = v.x.get((pi, d - 1, si)), v.x.get((pi, d + 1, ti))
                    if a is not None and b is not None:
                        v.cp.add_bool_or([~rest[d], ~a, ~b])
        for start in range(v.days - 6):
            ct = v.cp.add(cp_model.LinearExpr.sum(rest[start : start + 7]) >= 1)
            v.hard(ct, person.id, f"weekly rest of {need // 60} h in every 7 days")
