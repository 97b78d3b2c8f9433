"""One person's cheapest roster by a dynamic programme over days: the pricing of `solver.colgen` without
CP-SAT, where the person's rules are ones it knows.

A *label* is a partial roster from day 0 to day `d`, summed up by what the person's hard rules of
docs/rules.md still need to know of it: the shift worked on day `d` (or off), the length of the run of
worked or off days ending there (capped where longer runs are all alike), whether that run began on day 0
(a run touching day 0 without history is exempt from the minimum runs, rules 10 and 11), the minutes so
far, the weekends worked, and the shifts of each type whose limit can bind. Labels with the same summary
are merged, keeping the cheapest, so the minimum over the final labels is the person's exact cheapest
roster — the state is everything the rules read, not a heuristic. A label that breaks a rule is dropped
when the rule is broken (successions, runs, shift counts, maximum minutes, weekends) or when the rule can
no longer be kept (minimum minutes out of reach); runs touching the last day are exempt (rules 10, 11).

Which people it handles (`DayProgramme.applicable`): no routes in the problem (a route served on any day
would tie days together through continuity and route wishes), no history before the horizon for the
person, no weekly rest rule, no `weekend_off_every`, and no daily rest that reaches two days ahead. The
others keep the CP-SAT pricing. The number of labels is bounded (`max_labels`); a person whose labels
outgrow it is priced by CP-SAT instead (`price` returns None), so the answer is always exact.

Costs are integers ×`scale` (the column generation's duals are multiples of 1/scale): per day and shift
what the master's rows make a shift there cost, plus the person's own costs (wishes, self-picks, kept
cells, the contract target) ×scale and their unmet wish weight × the fairness multiplier. Pure: no
files, no clock but `time.perf_counter`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from solver.clock import Clock
from solver.problem import Problem, WishKind
from solver.rules.rest import successors_forbidden
from solver.rules.sequences import weekends
from solver.rules.workload import max_minutes, target_minutes
from solver.variables import works_shift

OFF = -1
# Labels on one day beyond which the programme gives way to CP-SAT (memory and time stay small).
MAX_LABELS = 200_000


@dataclass(frozen=True)
class Roster:
    """A roster the programme found: its reduced cost (×scale), shifts `(day, shift position)`, own cost
    and unmet wish weight (cost units)."""

    reduced: int
    shifts: frozenset[tuple[int, int]]
    own: int
    unmet: int


class DayProgramme:
    """Person `pi`'s rules and own costs, laid out by day once; `price` runs the programme for one set of
    cell prices."""

    @staticmethod
    def applicable(problem: Problem, pi: int) -> bool:
        person = problem.staff[pi]
        if problem.routes or problem.rules.weekly_rest_minutes is not None:
            return False
        if person.contract.weekend_off_every is not None:
            return False
        if any(h.staff == person.id for h in problem.history):
            return False
        clock = Clock.of(problem)
        return not any(
            successors_forbidden(problem, clock, d, 2)[si]
            for d in range(problem.horizon.days - 2)
            for si in range(len(problem.shift_types))
        )

    def __init__(self, problem: Problem, pi: int) -> None:
        person = problem.staff[pi]
        contract = person.contract
        dates = problem.horizon.dates()
        self.days = days = len(dates)
        shifts = problem.shift_types
        pos = {s.code: i for i, s in enumerate(shifts)}
        clock = Clock.of(problem)
        vetoes = {w.date for w in problem.wishes if w.staff == person.id and w.kind is WishKind.veto}
        kinds = [
            si
            for si, s in enumerate(shifts)
            if works_shift(person, s) and contract.max_shifts.get(s.code) != 0
        ]
        locks = {lock.date: lock.shift for lock in problem.locks if lock.staff == person.id}
        # allowed[d]: the shift positions the person may work on day d (days off, vetoes, locks, skills).
        self.allowed: list[list[int]] = []
        self.off_allowed: list[bool] = []
        for day in dates:
            allowed = [] if person.off_on(day) or day in vetoes else list(kinds)
            off = True
            if day in locks:  # a lock on a day off leaves the day nothing: no roster
                code = locks[day]
                allowed = [si for si in allowed if code is not None and si == pos[code]]
                off = code is None
            self.allowed.append(allowed)
            self.off_allowed.append(off)
        self.length = [[clock.minutes(s.code, d) for s in shifts] for d in range(days)]
        self.forbidden = [successors_forbidden(problem, clock, d, 1) for d in range(days - 1)]
        # Own costs and unmet wish weight: of working shift si on day d, and of being off on day d.
        n = len(shifts)
        self.own_work = [[0] * n for _ in range(days)]
        self.own_off = [0] * days
        self.unmet_work = [[0] * n for _ in range(days)]
        self.unmet_off = [0] * days
        start = problem.horizon.start

        def charge(d: int, shift: int | None, weight: int, want: bool, unmet: bool) -> None:
            tables = [(self.own_work, self.own_off)]
            if unmet:
                tables.append((self.unmet_work, self.unmet_off))
            for work, off in tables:
                if want:  # costs `weight` unless that shift (any shift: the day) is worked
                    off[d] += weight
                    for si in range(n):
                        if shift is not None and si != shift:
                            work[d][si] += weight
                else:  # costs `weight` when that shift (any shift) is worked
                    for si in range(n):
                        if shift is None or si == shift:
                            work[d][si] += weight

        for wish in problem.wishes:
            if (
                wish.staff != person.id
                or wish.kind is WishKind.veto
                or not problem.horizon.contains(wish.date)
            ):
                continue
            shift = None if wish.shift is None else pos[wish.shift]
            charge(
                (wish.date - start).days, shift, person.weighed(wish.weight), wish.kind is WishKind.want, True
            )
        for pick in problem.self_picks:
            if pick.staff == person.id and problem.horizon.contains(pick.date):
                charge((pick.date - start).days, pos[pick.shift], person.weighed(pick.weight), True, True)
        for cell in problem.keep:
            if cell.staff == person.id and problem.horizon.contains(cell.date):
                charge((cell.date - start).days, pos[cell.shift], cell.weight, True, False)
        # What the labels must carry.
        self.max_run = contract.max_consecutive_work
        self.min_run = contract.min_consecutive_work or 0
        self.min_off = contract.min_consecutive_off or 0
        self.cap_work = max(self.max_run or 0, self.min_run, 1)
        self.cap_off = max(self.min_off, 1)
        self.weekend_of: dict[int, bool] = {}  # day → whether it is the first day of its weekend here
        groups = weekends(dates)
        for group in groups:
            for i, d in enumerate(group):
                self.weekend_of[d] = i == 0
        limit = contract.max_weekends
        self.max_weekends = limit if limit is not None and limit < len(groups) else None
        self.counted = [
            si
            for si in kinds
            if (cap := contract.max_shifts.get(shifts[si].code)) is not None
            and cap < sum(si in a for a in self.allowed)
        ]
        self.count_cap = [contract.max_shifts[shifts[si].code] for si in self.counted]
        self.count_index = {si: i for i, si in enumerate(self.counted)}
        self.min_minutes = contract.min_minutes or 0
        self.max_minutes = max_minutes(problem, person)
        self.target = target_minutes(problem, person)
        self.contract_weight = problem.weights.contract_hour if self.target is not None else 0
        self.tolerance = contract.target_tolerance_minutes
        # The most minutes days d… can still add (for dropping labels that cannot reach the minimum).
        self.reach = [0] * (days + 1)
        for d in range(days - 1, -1, -1):
            self.reach[d] = self.reach[d + 1] + max((self.length[d][si] for si in self.allowed[d]), default=0)
        top = self.reach[0]
        self.track_minutes = (
            bool(self.min_minutes)
            or self.contract_weight > 0
            or (self.max_minutes is not None and self.max_minutes < top)
        )
        self.pi = pi

    def contract_cost(self, minutes: int) -> int:
        if not self.contract_weight or self.target is None:
            return 0
        dev = max(0, abs(minutes - self.target) - self.tolerance)
        return self.contract_weight * -(-dev // 60)

    def price(
        self,
        cells: Mapping[tuple[int, int], int],
        fair: int,
        scale: int,
        *,
        best: int = 1,
        deadline: float = math.inf,
        max_labels: int = MAX_LABELS,
        upper: float = math.inf,
    ) -> list[Roster] | None:
        """The `best` cheapest rosters (cheapest first; reduced costs ×scale: `cells` per (day, shift)
        plus own costs ×scale plus unmet weight × `fair`), or None when the labels outgrow `max_labels`
        on a day or `deadline` (a `time.perf_counter()` value) passes. An empty list: no roster keeps
        the person's rules. `upper`: the reduced cost of a roster known to keep the person's rules (one
        of their columns): a label whose cost plus the least the days after it can add exceeds it is
        dropped (bounding; the cheapest roster costs at most `upper`, so it is never dropped)."""
        n = len(self.length[0]) if self.days else 0
        work_cost = [
            [
                cells.get((d, si), 0) + scale * self.own_work[d][si] + fair * self.unmet_work[d][si]
                for si in range(n)
            ]
            for d in range(self.days)
        ]
        off_cost = [scale * self.own_off[d] + fair * self.unmet_off[d] for d in range(self.days)]
        # rest[d]: the least days d… can add, each day alone (off or its cheapest allowed shift).
        rest = [0] * (self.days + 1)
        for d in range(self.days - 1, -1, -1):
            options = [work_cost[d][si] for si in self.allowed[d]]
            if self.off_allowed[d]:
                options.append(off_cost[d])
            rest[d] = rest[d + 1] + min(options, default=0)
        # Contract costs are ≥ 0, so bounding may ignore them.
        counted, count_index, count_cap = self.counted, self.count_index, self.count_cap
        max_run, min_run, min_off = self.max_run, self.min_run, self.min_off
        cap_work, cap_off = self.cap_work, self.cap_off
        max_weekends, track = self.max_weekends, self.track_minutes
        high = self.max_minutes if self.max_minutes is not None else math.inf
        low = self.min_minutes
        # state: (last, run, exempt, minutes, weekends, counts) → (cost, parent state, shift on this day)
        zero_counts = (0,) * len(counted)
        start_state = (OFF, 0, True, 0, 0, zero_counts)
        layer: dict[tuple, tuple[int, tuple | None, int]] = {start_state: (0, None, OFF)}
        layers: list[dict[tuple, tuple[int, tuple | None, int]]] = []
        for d in range(self.days):
            if time.perf_counter() > deadline:
                return None
            nxt: dict[tuple, tuple[int, tuple | None, int]] = {}
            allowed = self.allowed[d]
            forbidden = self.forbidden[d - 1] if d > 0 else None
            weekend = self.weekend_of.get(d)
            reach = self.reach[d + 1]
            limit = upper - rest[d + 1]
            off_c = off_cost[d]
            costs = work_cost[d]
            lengths = self.length[d]
            for state, (cost, _, _) in layer.items():
                last, run, exempt, minutes, wk, counts = state
                # off on day d
                if self.off_allowed[d] and (not track or minutes + reach >= low):
                    if last == OFF:
                        key = (OFF, min(run + 1, cap_off), exempt, minutes, wk, counts)
                        ok = True
                    else:
                        ok = exempt or run >= min_run
                        key = (OFF, 1, False, minutes, wk, counts)
                    c = cost + off_c
                    if ok and c <= limit:
                        found = nxt.get(key)
                        if found is None or c < found[0]:
                            nxt[key] = (c, state, OFF)
                # a shift on day d
                if not allowed:
                    continue
                if last == OFF:
                    if not (exempt or run >= min_off):
                        continue
                    new_run, new_exempt = 1, d == 0
                else:
                    if max_run is not None and run + 1 > max_run:
                        continue
                    new_run, new_exempt = min(run + 1, cap_work), exempt
                new_wk = wk
                if weekend is not None and (weekend or last == OFF):
                    new_wk = wk + 1
                    if max_weekends is not None and new_wk > max_weekends:
                        continue
                if max_weekends is None:
                    new_wk = 0
                blocked = forbidden[last] if forbidden is not None and last != OFF else ()
                for si in allowed:
                    if si in blocked:
                        continue
                    m = minutes
                    if track:
                        m = minutes + lengths[si]
                        if m > high or m + reach < low:
                            continue
                    i = count_index.get(si)
                    new_counts = counts
                    if i is not None:
                        if counts[i] >= count_cap[i]:
                            continue
                        new_counts = counts[:i] + (counts[i] + 1,) + counts[i + 1 :]
                    c = cost + costs[si]
                    if c > limit:
                        continue
                    key = (si, new_run, new_exempt, m, new_wk, new_counts)
                    found = nxt.get(key)
                    if found is None or c < found[0]:
                        nxt[key] = (c, state, si)
            if len(nxt) > max_labels:
                return None
            layers.append(nxt)
            layer = nxt
        finals = sorted(
            (cost + scale * self.contract_cost(state[3]), state)
            for state, (cost, _, _) in layer.items()
            if state[3] >= low or not track
        )
        out = []
        for reduced, state in finals[:best]:
            shifts: list[tuple[int, int]] = []
            at: tuple | None = state
            for d in range(self.days - 1, -1, -1):
                assert at is not None
                _, at, si = layers[d][at]
                if si != OFF:
                    shifts.append((d, si))
            out.append(self._roster(reduced, shifts))
        return out

    def _roster(self, reduced: int, shifts: list[tuple[int, int]]) -> Roster:
        worked = {d: si for d, si in shifts}
        own = unmet = minutes = 0
        for d in range(self.days):
            si = worked.get(d)
            if si is None:
                own += self.own_off[d]
                unmet += self.unmet_off[d]
            else:
                own += self.own_work[d][si]
                unmet += self.unmet_work[d][si]
                minutes += self.length[d][si]
        own += self.contract_cost(minutes)
        return Roster(reduced, frozenset(shifts), own, unmet)
