"""Person-by-person search: a first rota and best responses, one small CP-SAT model per person.

Without routes, every hard rule concerns one person (days off, successions, shift counts, minutes,
runs, weekends), and every soft cost is either one person's own (wishes, contract target) or a cover
slot's. So, with everybody else's shifts fixed, the full objective as a function of one person's
shifts is their own terms plus, for each cell (day, shift) they could work, a constant: minus the
under-cover weight of every slot there that is still short, plus the over-cover weight of every slot
that is already full. One solve of that person's own model with those costs is an exact best response.

`PersonSearch` builds each person's model once (a one-person `Problem`, through `solver.model.build`)
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

from solver.params import SolveParams
from solver.variables import Vars

# Soft families whose terms belong to one person (or are cover): the only ones this search handles.
_FAMILIES = {"cover", "wish", "contract"}


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
    own: cp_model.LinearExprT
    solution: list[int] | None = None


class PersonSearch:
    """The rota as one shift (or none) per person and day, improved one person at a time."""

    def __init__(self, v: Vars, params: SolveParams) -> None:
        from solver.rules.cover import resolve_cover

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
        self.wishes: dict[str, list] = {}
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
        from solver.model import build  # solver.model imports solver.search, which imports this module

        found = self.models.get(pi)
        if found is not None:
            return found
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
        own = cp_model.LinearExpr.sum([t.weight * t.expr for t in sv.terms]) if sv.terms else 0
        cells = [(d, si, var.index) for (_, d, si), var in sv.x.items()]
        found = _Person(sv, cells, own)
        self.models[pi] = found
        return found

    def _solve(
        self, cp: cp_model.CpModel, time_limit: float, attempt: int, *, first_only: bool
    ) -> tuple[cp_model.CpSolver, int]:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.params.workers
        solver.parameters.random_seed = self.params.seed + self.steps + 101 * attempt
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
        solver.parameters.stop_after_first_solution = first_only
        if attempt % 2 == 0:
            # One presolve pass: for one person of Curtois Instance24 (364 days, 21 shift types) it
            # halved the time to a first rota (0.4–0.8 s vs 0.75–1.7 s), but for two people of
            # Instance22 it took 2.9–5.2 s where the default took 0.4–0.7 s; so retries alternate.
            solver.parameters.max_presolve_iterations = 1
        return solver, solver.solve(cp)

    def _first(
        self, cp: cp_model.CpModel, time_limit: float, deadline: float
    ) -> tuple[cp_model.CpSolver, int]:
        """A rota for one person of the first rota. The time to a person's first rota is heavy-tailed
        (Curtois Instance22, one person: 0.4 s with one seed, nothing in 10 s with another), so after a
        failure the attempts restart with another seed and presolve setting and twice the time."""
        solver, code = self._solve(cp, time_limit, 0, first_only=self.first_only)
        attempt, limit = 0, max(0.5, time_limit)
        while code not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and code != cp_model.INFEASIBLE:
            # Tight hard rules (e.g. Curtois Instance21: exactly 92 long shifts, runs of 2–5): any rota
            # will do, the sweeps improve it later; the people after this one do the same.
            self.first_only = True
            attempt += 1
            left = deadline - time.perf_counter()
            if left < 0.05:
                break
            solver, code = self._solve(cp, min(limit, left), attempt, first_only=True)
            limit = min(8.0, 2 * limit)
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
        cp.clear_hints()
        if m.solution is not None:
            for i, value in enumerate(m.solution):
                cp.add_hint(cp.get_int_var_from_proto_index(i), value)
        if first:
            solver, code = self._first(cp, time_limit, deadline)
        else:
            solver, code = self._solve(cp, time_limit, 0, first_only=False)
        self.steps += 1
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
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
            budget = min(0.3, 0.4 * left / (len(people) - n))
            if self.respond(pi, budget, first=True, deadline=deadline) is None:
                return False
        return True

    def sweep(self, deadline: float, step: float = 0.5) -> int:
        """Best responses for the people in a random order until `deadline`; the number of changes."""
        people = list(range(len(self.v.people)))
        self.rng.shuffle(people)
        before = self.changes
        for pi in people:
            left = deadline - time.perf_counter()
            if left < 0.05:
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
        proto = self.v.cp.proto
        chosen = self.decisions()
        saved = {i: list(proto.variables[i].domain) for i in chosen}
        for i, value in chosen.items():
            domain = proto.variables[i].domain
            domain.clear()
            domain.extend([value, value])
        hints = (list(proto.solution_hint.vars), list(proto.solution_hint.values))
        proto.solution_hint.vars.clear()
        proto.solution_hint.values.clear()
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.params.seed
        solver.parameters.max_time_in_seconds = max(1.0, deadline - time.perf_counter())
        try:
            code = solver.solve(self.v.cp)
        finally:
            for i, old in saved.items():
                domain = proto.variables[i].domain
                domain.clear()
                domain.extend(old)
            proto.solution_hint.vars.extend(hints[0])
            proto.solution_hint.values.extend(hints[1])
        return solver if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
