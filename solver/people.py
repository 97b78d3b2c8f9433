"""Person-by-person search: a first rota and best responses, one small CP-SAT model per person.

Without routes, every hard rule concerns one person (days off, successions, shift counts, minutes,
runs, weekends), and every soft cost is either one person's own (wishes, contract target) or a cover
slot's. So, with everybody else's shifts fixed, the full objective as a function of one person's
shifts is their own terms plus, for each cell (day, shift) they could work, a constant: minus the
under-cover weight of every slot there that is still short, plus the over-cover weight of every slot
that is already full. One solve of that person's own model with those costs is an exact best response.

`PersonSearch` builds each person's model once (a one-person `Problem`, through `solver.build.build`)
and only swaps the cover costs in its objective, so a step costs a presolve of a few thousand
variables instead of the whole model. The first rota takes the people in turn (each sees the cover left
by those before); later sweeps re-solve people one at a time and keep a change when the full objective
does not get worse. `values` turns the rota into values of the full model (one solve with every shift
choice fixed). Pure: no files, no clock other than `time.perf_counter`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.build import build
from solver.cpsat import fixed, found, hinted, make_solver, set_hint
from solver.params import SolveParams
from solver.problem import Wish
from solver.rules.cover import resolve_cover
from solver.variables import Vars

# Soft families whose terms belong to one person (or are cover): the only ones this search handles.
_FAMILIES = {"cover", "wish", "contract"}

# Seconds: the time limit of the first retry of a person's first rota (`PersonSearch._first`).
FIRST_RETRY_TIME = 0.5
# Each retry of a person's first rota gets this many times the time limit of the one before.
FIRST_RETRY_GROWTH = 2
# Seconds: no retry of a person's first rota gets a longer time limit than this.
FIRST_RETRY_MAX_TIME = 8.0
# Seed offset between attempts of one person's solve (the first rota's retries).
ATTEMPT_SEED_STRIDE = 101
# Seconds: with less time than this left, no further person is solved (first-rota retries, sweeps).
MIN_PERSON_TIME = 0.05
# Seconds: the longest one person's solve may take while the first rota is built.
FIRST_ROTA_MAX_STEP = 0.3
# Share of the time left, divided among the people still without a rota, that the next one may take.
FIRST_ROTA_SHARE = 0.4
# Seconds: the default time limit of one best response in a sweep.
SWEEP_STEP = 0.5
# Seconds: the least time the read-back (the full model with every shift fixed) gets.
READ_BACK_MIN_TIME = 1.0


def applicable(v: Vars) -> bool:
    """True when the decomposition above is exact: no routes, self-picks, or soft terms that tie people."""
    p = v.problem
    return (
        not v.y
        and not v.explain_mode
        and not p.routes
        and not p.self_picks
        and not p.keep
        and all(t.family in _FAMILIES for t in v.terms)
        and all(t.family != "cover" or t.staff is None for t in v.terms)
    )


@dataclass
class _Slot:
    need: int
    under: int
    over: int
    count: int = 0

    def cost(self) -> int:
        return self.under * max(0, self.need - self.count) + self.over * max(0, self.count - self.need)

    def delta(self) -> int:
        """What one more person on this slot costs (from the counts of everybody else)."""
        return -self.under if self.count < self.need else self.over


@dataclass
class _Person:
    v: Vars
    cells: list[tuple[int, int, int]]  # (day, shift position, proto index in the person's model)
    own: cp_model.LinearExpr | int  # the person's own soft terms (0 when none)
    solution: list[int] | None = None


class PersonSearch:
    """The rota as one shift (or none) per person and day, improved one person at a time."""

    def __init__(self, v: Vars, params: SolveParams) -> None:
        self.v = v
        self.params = params
        self.rng = random.Random(params.seed)
        self.slots: list[_Slot] = []
        self.cell_slots: dict[tuple[int, int, int], list[int]] = {}
        for (day, code, skill), rule in resolve_cover(v.problem).items():
            d, si = v.day_index(day), v.shift_pos[code]
            under = rule.weight_under if rule.need > 0 else 0
            slot = len(self.slots)
            self.slots.append(_Slot(rule.need, under, rule.weight_over))
            for pi, person in enumerate(v.people):
                if (pi, d, si) in v.x and (skill is None or skill in person.skills):
                    self.cell_slots.setdefault((pi, d, si), []).append(slot)
        self.rota: list[dict[int, int]] = [{} for _ in v.people]  # person → day → shift position
        self.own: list[int] = [0] * len(v.people)
        self.models: dict[int, _Person] = {}
        self.wishes: dict[str, list[Wish]] = {}
        for wish in v.problem.wishes:
            self.wishes.setdefault(wish.staff, []).append(wish)
        self.steps = 0
        self.changes = 0
        self.first_only = False  # set when a person's first rota took longer than its share

    # ---- the objective --------------------------------------------------------------------------------

    def objective(self) -> int:
        return sum(self.own) + sum(s.cost() for s in self.slots)

    def _set(self, pi: int, shifts: dict[int, int], sign: int) -> None:
        for d, si in shifts.items():
            for slot in self.cell_slots.get((pi, d, si), ()):
                self.slots[slot].count += sign

    # ---- one person -----------------------------------------------------------------------------------

    def _model(self, pi: int) -> _Person:
        known = self.models.get(pi)
        if known is not None:
            return known
        problem, person = self.v.problem, self.v.people[pi]
        sub = problem.model_copy(
            update={
                "staff": [person],
                "cover": [],
                "wishes": self.wishes.get(person.id, []),
                "locks": [lock for lock in problem.locks if lock.staff == person.id],
            }
        )
        sv = build(sub)
        own: cp_model.LinearExpr | int = 0
        if sv.terms:
            own = cp_model.LinearExpr.sum([t.weight * t.expr for t in sv.terms])
        cells = [(d, si, var.index) for (_, d, si), var in sv.x.items()]
        person_model = _Person(sv, cells, own)
        self.models[pi] = person_model
        return person_model

    def _solve(
        self, cp: cp_model.CpModel, time_limit: float, attempt: int, *, first_only: bool
    ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
        # One presolve pass on even attempts: for one person of Curtois Instance24 (364 days, 21 shift
        # types) it halved the time to a first rota (0.4–0.8 s vs 0.75–1.7 s), but for two people of
        # Instance22 it took 2.9–5.2 s where the default took 0.4–0.7 s; so retries alternate.
        solver = make_solver(
            time_limit,
            workers=self.params.workers,
            seed=self.params.seed + self.steps + ATTEMPT_SEED_STRIDE * attempt,
            first_only=first_only,
            presolve_iterations=1 if attempt % 2 == 0 else None,
        )
        return solver, solver.solve(cp)

    def _first(
        self, cp: cp_model.CpModel, time_limit: float, deadline: float
    ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
        """A rota for one person of the first rota. The time to a person's first rota is heavy-tailed
        (Curtois Instance22, one person: 0.4 s with one seed, nothing in 10 s with another), so after a
        failure the attempts restart with another seed and presolve setting and twice the time."""
        solver, code = self._solve(cp, time_limit, 0, first_only=self.first_only)
        attempt, limit = 0, max(FIRST_RETRY_TIME, time_limit)
        while not found(code) and code != cp_model.INFEASIBLE:
            # Tight hard rules (e.g. Curtois Instance21: exactly 92 long shifts, runs of 2–5): any rota
            # will do, the sweeps improve it later; the people after this one do the same.
            self.first_only = True
            attempt += 1
            left = deadline - time.perf_counter()
            if left < MIN_PERSON_TIME:
                break
            solver, code = self._solve(cp, min(limit, left), attempt, first_only=True)
            limit = min(FIRST_RETRY_MAX_TIME, FIRST_RETRY_GROWTH * limit)
        return solver, code

    def respond(
        self, pi: int, time_limit: float, *, first: bool = False, deadline: float = float("inf")
    ) -> bool | None:
        """Re-solve person `pi` against everybody else; True if the rota changed for the better or
        equal, False if kept, None if no rota for this person was found in time (only when `first`)."""
        m = self._model(pi)
        old = self.rota[pi]
        self._set(pi, old, -1)
        costs = []
        for d, si, _ in m.cells:
            slots = self.cell_slots.get((pi, d, si))
            costs.append(sum(self.slots[s].delta() for s in slots) if slots else 0)
        cp = m.v.cp
        xs = [cp.get_bool_var_from_proto_index(i) for _, _, i in m.cells]
        cp.minimize(m.own + cp_model.LinearExpr.weighted_sum(xs, costs))
        set_hint(cp, m.solution)
        if first:
            solver, code = self._first(cp, time_limit, deadline)
        else:
            solver, code = self._solve(cp, time_limit, 0, first_only=False)
        self.steps += 1
        if not found(code):
            self._set(pi, old, +1)
            return None if first else False
        before = self.own[pi] + sum(
            c for (d, si, _), c in zip(m.cells, costs, strict=True) if old.get(d) == si
        )
        new = {
            d: si for (d, si, i), _ in zip(m.cells, costs, strict=True) if solver.response_proto.solution[i]
        }
        own = round(solver.value(m.own)) if not isinstance(m.own, int) else 0
        after = own + sum(c for (d, si, _), c in zip(m.cells, costs, strict=True) if new.get(d) == si)
        if first or after <= before:
            self.rota[pi], self.own[pi] = new, own
            m.solution = list(solver.response_proto.solution)
            self._set(pi, new, +1)
            changed = new != old
            self.changes += changed
            return changed
        self._set(pi, old, +1)
        return False

    def build_first(self, deadline: float) -> bool:
        """A first rota, one person after the other; False if some person got none in time.

        Each person gets a share of the time to optimise against the cover left by those before; once a
        person's solve finds nothing in its share (big models: Curtois Instance24 spends 0.6–1.5 s per
        person in presolve), the rest only look for a first rota of their own."""
        people = list(range(len(self.v.people)))
        for n, pi in enumerate(people):
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            budget = min(FIRST_ROTA_MAX_STEP, FIRST_ROTA_SHARE * left / (len(people) - n))
            if self.respond(pi, budget, first=True, deadline=deadline) is None:
                return False
        return True

    def sweep(self, deadline: float, step: float = SWEEP_STEP) -> int:
        """Best responses for the people in a random order until `deadline`; the number of changes."""
        people = list(range(len(self.v.people)))
        self.rng.shuffle(people)
        before = self.changes
        for pi in people:
            left = deadline - time.perf_counter()
            if left < MIN_PERSON_TIME:
                break
            self.respond(pi, min(step, left))
        return self.changes - before

    # ---- back to the full model --------------------------------------------------------------------------

    def decisions(self) -> dict[int, int]:
        """Proto index → value of every shift choice of the full model."""
        chosen = {}
        for (pi, d, si), var in self.v.x.items():
            chosen[var.index] = int(self.rota[pi].get(d) == si)
        return chosen

    def values(self, deadline: float) -> cp_model.CpSolver | None:
        """A solve of the full model with every shift choice fixed to the rota (domains restored after);
        its response holds the values of every variable."""
        cp = self.v.cp
        with fixed(cp, self.decisions()), hinted(cp, None):
            time_limit = max(READ_BACK_MIN_TIME, deadline - time.perf_counter())
            solver = make_solver(time_limit, workers=1, seed=self.params.seed)
            code = solver.solve(cp)
        return solver if found(code) else None
