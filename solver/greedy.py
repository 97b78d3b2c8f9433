"""A fast constructive rota used as the solver's starting point (solution hint).

Day by day it fills locks, then self-picks and kept draft cells, then route slots and cover needs,
choosing for each slot the person whose wishes, favourites, route history and remaining contract hours
fit best, and skipping anyone for whom the slot would break a rule that can be checked looking backwards
(days off, skills, rest, consecutive days, weekends, weekly rest, hour limits; the rests and the longest
run also against the history before the horizon, not the weekend rhythm). It is only a hint:
CP-SAT repairs what a greedy cannot see (minimum hours, minimum runs) and improves the rest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from itertools import count

from solver import families
from solver.clock import Clock
from solver.problem import Cover, KeepCell, Problem, SelfPick, Staff, WishKind
from solver.rules.cover import resolve_cover
from solver.rules.sequences import weekends
from solver.rules.workload import max_minutes, target_minutes
from solver.solution import Assignment


class State:
    """What has been decided so far, per person: what a family's greedy cost function
    (`solver.families.FamilySpec.greedy`) reads."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.dates = problem.horizon.dates()
        self.shift = {s.code: s for s in problem.shift_types}
        self.clock = Clock.of(problem)
        self.worked: dict[str, dict[int, tuple[str, str | None]]] = defaultdict(dict)
        self.minutes: dict[str, int] = defaultdict(int)
        self.count: dict[tuple[str, str], int] = defaultdict(int)
        self.route_carers: dict[str, set[str]] = defaultdict(set)
        self.weekend_of = {d: k for k, days in enumerate(weekends(self.dates)) for d in days}
        self.weekends_worked: dict[str, set[int]] = defaultdict(set)
        self.blocked: dict[str, set[int]] = defaultdict(set)
        self.max_minutes = {p.id: max_minutes(problem, p) for p in problem.staff}
        self.target = {p.id: target_minutes(problem, p) for p in problem.staff}
        self.avoid: dict[tuple[str, int], list[tuple[str | None, str | None, int]]] = defaultdict(list)
        self.want: dict[tuple[str, int], list[tuple[str | None, str | None, int]]] = defaultdict(list)
        people = {p.id: p for p in problem.staff}
        for wish in problem.wishes:
            d = problem.horizon.index(wish.date)
            weight = people[wish.staff].weighed(wish.weight)
            if wish.kind is WishKind.veto:
                self.blocked[wish.staff].add(d)
            elif wish.kind is WishKind.avoid:
                self.avoid[wish.staff, d].append((wish.shift, wish.route, weight))
            else:
                self.want[wish.staff, d].append((wish.shift, wish.route, weight))
        for person in problem.staff:
            for d, day in enumerate(self.dates):
                if person.off_on(day):
                    self.blocked[person.id].add(d)
        for lock in problem.locks:
            if lock.shift is None:
                self.blocked[lock.staff].add(problem.horizon.index(lock.date))
        # The shifts before the horizon (negative days) count for rest and runs, not for hours or counts.
        for past in problem.history:
            if past.shift is not None:
                self.worked[past.staff][problem.horizon.index(past.date)] = (past.shift, None)

    def _gap_ok(self, person: Staff, d: int, code: str) -> bool:
        rules = self.problem.rules
        for back in (1, 2):
            prev = self.worked[person.id].get(d - back)
            if prev is None:
                continue
            before = self.shift[prev[0]]
            if back == 1 and (
                code in before.forbidden_next or (before.code, code) in rules.forbidden_successions
            ):
                return False
            if rules.min_rest_minutes is not None:
                gap = self._gap(before.code, d - back, code, d)
                if gap is not None and gap < rules.min_rest_minutes:
                    return False
        return True

    def _gap(self, first: str, d: int, then: str, e: int) -> int | None:
        end, start = self.clock.end(first, d), self.clock.start(then, e)
        return None if end is None or start is None else start - end

    def _is_rest_day(self, person: Staff, d: int, worked: dict[int, tuple[str, str | None]]) -> bool:
        if d in worked:
            return False
        if d == len(self.dates) - 1 or d - 1 not in worked or d + 1 not in worked:
            return True
        need = self.problem.rules.weekly_rest_minutes or 0
        gap = self._gap(worked[d - 1][0], d - 1, worked[d + 1][0], d + 1)
        return gap is None or gap >= need

    def can_work(self, person: Staff, d: int, code: str) -> bool:
        """Whether `person` may take `code` on day `d`, judged from the days already decided."""
        c = person.contract
        shift = self.shift[code]
        mine = self.worked[person.id]
        if d in mine or d in self.blocked[person.id]:
            return False
        if shift.skills and not any(s in person.skills for s in shift.skills):
            return False
        if self.count[person.id, code] >= c.max_shifts.get(code, 10**9):
            return False
        limit = self.max_minutes[person.id]
        if limit is not None and self.minutes[person.id] + self.clock.minutes(code, d) > limit:
            return False
        if not self._gap_ok(person, d, code):
            return False
        if c.max_consecutive_work is not None:
            run = next(k for k in count(1) if d - k not in mine)
            if run > c.max_consecutive_work:
                return False
        if c.min_consecutive_off is not None and c.min_consecutive_off > 1 and d - 1 not in mine:
            off = next((k for k in range(1, d - min(mine, default=0) + 1) if d - k in mine), None)
            if off is not None and off - 1 < c.min_consecutive_off:
                return False
        if d in self.weekend_of:
            k = self.weekend_of[d]
            done = self.weekends_worked[person.id] | {k}
            if c.max_weekends is not None and len(done) > c.max_weekends:
                return False
            n = c.weekend_off_every
            if n is not None and any(
                all(j in done for j in range(s, s + n)) for s in range(k - n + 1, k + 1)
            ):
                return False
        need = self.problem.rules.weekly_rest_minutes
        if need is not None:  # the windows that end on day d (reaching back into the history, if any)
            trial = dict(mine)
            trial[d] = (code, None)
            if not any(self._is_rest_day(person, e, trial) for e in range(d - 6, d + 1)):
                return False
        return True

    def take(self, person: Staff, d: int, code: str, route: str | None) -> None:
        self.worked[person.id][d] = (code, route)
        self.minutes[person.id] += self.clock.minutes(code, d)
        self.count[person.id, code] += 1
        if route is not None:
            self.route_carers[route].add(person.id)
        if d in self.weekend_of:
            self.weekends_worked[person.id].add(self.weekend_of[d])

    def score(self, person: Staff, d: int, code: str, route: str | None) -> float:
        """Lower is better: the sum of every family's greedy cost of the slot (exactly rounded, so the
        order of the families does not change a tie)."""
        return math.fsum(
            f.greedy(self, person, d, code, route) for f in families.soft_families() if f.greedy is not None
        )


def wish_cost(state: State, person: Staff, d: int, code: str, route: str | None) -> float:
    """The wishes the slot breaks: avoided and not what was wanted."""
    cost = 0.0
    for shift, rte, weight in state.avoid.get((person.id, d), []):
        if (shift in (None, code)) and (rte in (None, route)):
            cost += weight
    for shift, rte, weight in state.want.get((person.id, d), []):
        if not ((shift in (None, code)) and (rte in (None, route))):
            cost += weight
    return cost


def continuity_cost(state: State, person: Staff, d: int, code: str, route: str | None) -> float:
    """A new face on a route that has carers already."""
    if route is None:
        return 0.0
    carers = state.route_carers[route]
    return float(state.problem.weights.continuity) if carers and person.id not in carers else 0.0


def favourite_cost(state: State, person: Staff, d: int, code: str, route: str | None) -> float:
    """A route outside the person's favourite routes and districts, when they have any."""
    if route is None or not (person.favourite_routes or person.favourite_districts):
        return 0.0
    the_route = next(r for r in state.problem.routes if r.id == route)
    if route in person.favourite_routes or the_route.district in person.favourite_districts:
        return 0.0
    return float(state.problem.weights.route_not_favourite)


def contract_cost(state: State, person: Staff, d: int, code: str, route: str | None) -> float:
    """Minus the hours still owed, relative to the days left: people behind their target go first."""
    target = state.target[person.id]
    if target is None:
        return 0.0
    left = len(state.dates) - d
    owed = (target - state.minutes[person.id]) / max(1, left)
    return -owed / 60.0 * max(1, state.problem.weights.contract_hour)


def greedy_rota(problem: Problem) -> list[Assignment]:
    """A quick rota that keeps the backward-checkable hard rules; a starting point, not an answer."""
    state = State(problem)
    people = {p.id: p for p in problem.staff}
    cover = resolve_cover(problem)
    locks = defaultdict(list)
    for lock in problem.locks:
        if lock.shift is not None:
            locks[problem.horizon.index(lock.date)].append(lock)
    picks: defaultdict[int, list[SelfPick | KeepCell]] = defaultdict(list)
    own_first: list[SelfPick | KeepCell] = [*problem.self_picks, *problem.keep]  # then the draft's cells
    for pick in own_first:
        picks[problem.horizon.index(pick.date)].append(pick)
    for d, day in enumerate(state.dates):
        for lock in locks[d]:
            assert lock.shift is not None
            state.take(people[lock.staff], d, lock.shift, lock.route)
        cells = [state.worked[p].get(d) for p in people]  # (shift, route) of each person at work that day
        taken_routes = {(r, c) for c, r in filter(None, cells) if r}
        for pick in picks[d]:
            person = people[pick.staff]
            if (pick.route, pick.shift) in taken_routes and pick.route is not None:
                continue
            if state.can_work(person, d, pick.shift):
                state.take(person, d, pick.shift, pick.route)
                if pick.route:
                    taken_routes.add((pick.route, pick.shift))
        _fill(problem, state, d, _route_slots(problem, day, state, taken_routes))
        _fill(problem, state, d, _cover_slots(problem, day, d, state, cover))
    return [
        Assignment(staff=pid, date=state.dates[d], shift=code, route=route)
        for pid, days in state.worked.items()
        for d, (code, route) in sorted(days.items())
        if d >= 0
    ]


def _fill(problem: Problem, state: State, d: int, slots: list[tuple[str, str | None, list[str]]]) -> None:
    """Give each slot to the best-fitting person who may still take it."""
    for code, route, skills in slots:
        candidates = [
            p
            for p in problem.staff
            if (not skills or any(s in p.skills for s in skills)) and state.can_work(p, d, code)
        ]
        if candidates:
            best = min(candidates, key=lambda p: (state.score(p, d, code, route), p.id))
            state.take(best, d, code, route)


def _route_slots(
    problem: Problem, day: dt.date, state: State, taken_routes: set[tuple[str, str]]
) -> list[tuple[str, str | None, list[str]]]:
    """The open route slots of the day, those needing the scarcest skills first."""
    slots: list[tuple[str, str | None, list[str]]] = []
    for route in problem.routes:
        if day.weekday() not in route.weekdays:
            continue
        for code in route.shifts:
            if (route.id, code) not in taken_routes:
                slots.append((code, route.id, list(route.skills) or list(state.shift[code].skills)))
    slots.sort(key=lambda s: (len(s[2]) == 0, len(s[2])))
    return slots


def _cover_slots(
    problem: Problem, day: dt.date, d: int, state: State, cover: dict[tuple[dt.date, str, str | None], Cover]
) -> list[tuple[str, str | None, list[str]]]:
    """One slot per person still missing from a cover rule, skill rules first."""
    people = {p.id: p for p in problem.staff}
    on_shift: dict[str, list[str]] = defaultdict(list)
    for pid, days in state.worked.items():
        if d in days:
            on_shift[days[d][0]].append(pid)
    slots: list[tuple[str, str | None, list[str]]] = []
    for (cday, code, skill), rule in sorted(cover.items(), key=lambda kv: (kv[0][2] is None, str(kv[0]))):
        if cday != day or rule.weight_under == 0:
            continue
        have = sum(1 for pid in on_shift[code] if skill is None or skill in people[pid].skills)
        slots.extend((code, None, [skill] if skill else []) for _ in range(max(0, rule.need - have)))
    return slots
