"""Hard rest rules: forbidden successions (explicit and from the daily rest) and the weekly rest, both
also against the history before the horizon (fixed facts, docs/rules.md "Before the horizon")."""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from solver.clock import Clock
from solver.families import Msg
from solver.problem import MINUTES_PER_DAY, Problem, ShiftType
from solver.variables import Vars

# The clock shape of a day and the day `days_apart` later: each shift's end on the first day and start
# on the later one, in minutes from the first day's midnight. Days of the same shape (all of them
# without a time zone; all but those around a clock change with one) share one succession table.
Shape = tuple[int, tuple[int | None, ...], tuple[int | None, ...]]


def _gap(v: Vars, si: int, d: int, ti: int, later: int) -> int | None:
    """Real minutes from the end of shift `si` worked on day `d` to the start of shift `ti` on day
    `later` (None: a shift without a clock time)."""
    return gap(v.clock, v.shifts, si, d, ti, later)


def gap(clock: Clock, shifts: Sequence[ShiftType], si: int, d: int, ti: int, later: int) -> int | None:
    """`_gap` from a clock and the shift types (for models other than the full one: `solver.dp`)."""
    end, start = clock.end(shifts[si].code, d), clock.start(shifts[ti].code, later)
    return None if end is None or start is None else start - end


def _shape(v: Vars, d: int, days_apart: int) -> Shape:
    base = d * MINUTES_PER_DAY
    ends = tuple(None if (e := v.clock.end(s.code, d)) is None else e - base for s in v.shifts)
    starts = tuple(
        None if (t := v.clock.start(s.code, d + days_apart)) is None else t - base for s in v.shifts
    )
    return days_apart, ends, starts


def forbidden_successors(v: Vars, d: int, days_apart: int) -> dict[int, set[int]]:
    """For each shift position worked on day `d`, the shift positions that may not follow `days_apart`
    days later."""
    return successors_forbidden(v.problem, v.clock, d, days_apart)


def successors_forbidden(problem: Problem, clock: Clock, d: int, days_apart: int) -> dict[int, set[int]]:
    """`forbidden_successors` from the problem and its clock (for `solver.dp`, which builds no model)."""
    shifts = problem.shift_types
    pos = {s.code: i for i, s in enumerate(shifts)}
    result: dict[int, set[int]] = {si: set() for si in range(len(shifts))}
    if days_apart == 1:
        for si, shift in enumerate(shifts):
            result[si].update(pos[c] for c in shift.forbidden_next)
        for a, b in problem.rules.forbidden_successions:
            result[pos[a]].add(pos[b])
    rest = problem.rules.min_rest_minutes
    if rest is not None:
        for si in range(len(shifts)):
            for ti in range(len(shifts)):
                between = gap(clock, shifts, si, d, ti, d + days_apart)
                if between is not None and between < rest:
                    result[si].add(ti)
    return result


def _succession_groups(v: Vars, days_apart: int) -> list[list[tuple[list[int], list[int]]]]:
    """Per day `d`, the (shifts on d, their forbidden followers `days_apart` later) groups: shifts with
    the same forbidden followers share a group."""
    memo: dict[Shape, list[tuple[list[int], list[int]]]] = {}
    out = []
    for d in range(v.days - days_apart):
        key = _shape(v, d, days_apart)
        pairs = memo.get(key)
        if pairs is None:
            groups: dict[frozenset[int], list[int]] = {}
            for si, followers in forbidden_successors(v, d, days_apart).items():
                if followers:
                    groups.setdefault(frozenset(followers), []).append(si)
            pairs = memo[key] = [(firsts, sorted(followers)) for followers, firsts in groups.items()]
        out.append(pairs)
    return out


def add_successions(v: Vars) -> None:
    """No shift follows another too soon: explicit successions and the daily rest (default 11 h).

    Shifts with the same forbidden followers share one constraint per person and day,
    `Σ x[d, group] + Σ x[d + k, followers] <= 1`: a person works at most one shift a day, so this is the
    same rule as one constraint per shift, with fewer rows and a tighter LP (Curtois Instance24: 32 shift
    types, 8 groups). The daily rest is measured in real time (solver/clock.py), so the groups may differ
    on the days around a clock change."""
    for days_apart in (1, 2):
        by_day = _succession_groups(v, days_apart)
        if not any(by_day):
            continue
        add, amo, hard, n_shifts = v.cp.add, v.cp.add_at_most_one, v.hard, len(v.shifts)
        explain = v.explain_mode
        for pi, person in enumerate(v.people):
            rows: list[list[cp_model.IntVar | None]] = [[None] * n_shifts for _ in range(v.days)]
            for d, si, var in v.x_by_person[pi]:
                rows[d][si] = var
            for d in range(v.days - days_apart):
                row, later = rows[d], rows[d + days_apart]
                for firsts, followers in by_day[d]:
                    now = [first for si in firsts if (first := row[si]) is not None]
                    if not now:
                        continue
                    nxt = [follower for ti in followers if (follower := later[ti]) is not None]
                    if not nxt:
                        continue
                    if explain:  # guarded: a linear row takes an enforcement literal
                        ct = add(cp_model.LinearExpr.sum(now + nxt) <= 1)
                        hard(ct, person.id, Msg.SUCCESSION_REST)
                    else:
                        amo(now + nxt)
    _add_successions_after_history(v)


def _add_successions_after_history(v: Vars) -> None:
    """The same rule for a shift of the history (day -1 or -2) and a shift of the horizon: the history is a
    fact, so its forbidden followers are simply not worked."""
    forbidden: dict[tuple[int, int], dict[int, set[int]]] = {}
    for pi, person in enumerate(v.people):
        for d in (-2, -1):
            si = v.past_shift(pi, d)
            if si is None:
                continue
            for days_apart in (1, 2):
                later = d + days_apart
                if not 0 <= later < v.days:
                    continue
                if (d, days_apart) not in forbidden:
                    forbidden[d, days_apart] = forbidden_successors(v, d, days_apart)
                nxt = [
                    var
                    for ti in sorted(forbidden[d, days_apart][si])
                    if (var := v.x.get((pi, later, ti))) is not None
                ]
                if nxt:
                    ct = v.cp.add_bool_and([~var for var in nxt])
                    v.hard(ct, person.id, Msg.SUCCESSION_REST, v.with_history({}))


def add_weekly_rest(v: Vars) -> None:
    """Every 7 consecutive days hold a day off with at least the weekly rest (default 35 h) around it."""
    need = v.problem.rules.weekly_rest_minutes
    if need is None or (v.days < 7 and not any(v.history.values())):
        return
    n_shifts = len(v.shifts)
    memo: dict[Shape, list[tuple[int, int]]] = {}
    short: list[list[tuple[int, int]]] = [[] for _ in range(v.days)]  # by the day off in the middle
    for d in range(1, v.days - 1):
        key = _shape(v, d - 1, 2)
        if key not in memo:
            memo[key] = [
                (si, ti)
                for si in range(n_shifts)
                for ti in range(n_shifts)
                if (gap := _gap(v, si, d - 1, ti, d + 1)) is not None and gap < need
            ]
        short[d] = memo[key]
    for pi, person in enumerate(v.people):
        rest = [v.cp.new_bool_var(f"rest[{person.id},{d}]") for d in range(v.days)]
        for d in range(v.days):
            v.cp.add_implication(rest[d], ~v.work[pi, d])
            if 0 < d < v.days - 1:
                for si, ti in short[d]:
                    a, b = v.x.get((pi, d - 1, si)), v.x.get((pi, d + 1, ti))
                    if a is not None and b is not None:
                        v.cp.add_bool_or([~rest[d], ~a, ~b])
        for start in range(v.days - 6):
            ct = v.cp.add(cp_model.LinearExpr.sum(rest[start : start + 7]) >= 1)
            v.hard(ct, person.id, Msg.WEEKLY_REST_NEEDED, {"hours": need // 60})
        if v.history.get(pi):
            _weekly_rest_after_history(v, pi, need, rest)


def _weekly_rest_after_history(v: Vars, pi: int, need: int, rest: list[cp_model.IntVar]) -> None:
    """The 7-day windows that reach back into the history (starting on day -7 … -1). A day before the
    horizon is a rest day or not by the history alone, except day -1 when it is off after a shift on day
    -2: then the shift on day 0 decides (so the window -7 … -1 is the horizon's matter only then). Day 0
    is no longer exempt: its rest is measured from day -1."""
    person, n_shifts = v.people[pi], len(v.shifts)

    def short(si: int, d: int, ti: int, later: int) -> bool:
        gap = _gap(v, si, d, ti, later)
        return gap is not None and gap < need

    last = v.past_shift(pi, -1)
    if last is not None and v.days > 1:  # with one day, day 0 is the horizon's last day (exempt)
        for ti in range(n_shifts):
            after = v.x.get((pi, 1, ti))
            if after is not None and short(last, -1, ti, 1):
                v.cp.add_bool_or([~rest[0], ~after])
    before: dict[int, cp_model.IntVar | bool] = {}
    for d in range(-7, 0):
        prev, nxt = v.past_shift(pi, d - 1), v.past_shift(pi, d + 1)
        if v.past_shift(pi, d) is not None:
            before[d] = False
        elif prev is None:
            before[d] = True
        elif d < -1:
            before[d] = nxt is None or not short(prev, d - 1, nxt, d + 1)
        else:
            squeezed = [
                var
                for ti in range(n_shifts)
                if (var := v.x.get((pi, 0, ti))) is not None and short(prev, -2, ti, 0)
            ]
            if squeezed:
                maybe = v.cp.new_bool_var(f"rest[{person.id},-1]")
                for var in squeezed:
                    v.cp.add_bool_or([~maybe, ~var])
                before[d] = maybe
            else:
                before[d] = True
    params = v.with_history({"hours": need // 60})
    for start in range(-7, min(0, v.days - 6)):
        window = [before[d] for d in range(start, 0)] + rest[: start + 7]
        decided = [day for day in window if not isinstance(day, bool)]
        if any(day is True for day in window) or not decided:
            continue  # a rest day in the history, or broken by the history alone
        ct = v.cp.add_bool_or(decided)
        v.hard(ct, person.id, Msg.WEEKLY_REST_NEEDED, params)
