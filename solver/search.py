"""Search strategy: when a plain CP-SAT solve is not enough, a large-neighbourhood search around it.

`solver.model.solve` asks `use_lns` whether to hand the search over to `lns` (see there for when).
The LNS driver

1. runs the full model for a share of the time (`SolveParams.lns_full_share`). Small problems are
   usually proven optimal here and nothing else happens; this phase also gives the best bound;
2. then repeatedly keeps most of the incumbent rota fixed (every person outside a random group, or
   every day outside a window of days, or both) and lets CP-SAT re-solve the rest for a short time,
   starting from the incumbent (solution hint). A better or equally good rota becomes the incumbent.
   The neighbourhood grows when sub-solves finish early and shrinks when they time out.

Every objective it reports is the objective of the full model (fixed variables stay in the objective),
so it is exactly the `docs/rules.md` objective. Pure: no files, no environment, no clock other than
`time.perf_counter`.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver import stop
from solver.params import SolveParams
from solver.solution import Progress
from solver.variables import Vars

DEBUG = False  # print one line per LNS step (for tuning scripts)
SUB_WORKERS = 2  # workers of each LNS sub-solve (1 was worse on Instance12: 7608 vs 6082)
LNS_MIN_DAYS = 42
PEOPLE_MIN_SHIFT_VARS = 30_000  # Curtois: Instance20 has 39 130 shift choices, Instance19 about 13 000


def configure(solver: cp_model.CpSolver, v: Vars, params: SolveParams) -> None:
    """The worker portfolio. With few workers CP-SAT runs only `default_lp`, whose LP leaves the
    cover shortfalls (lin_max) out and so proves nothing; `max_lp` linearizes them. On Curtois
    Instance3 (10 s, 2 workers) that is bound 0 → proven optimal in 4 s, Instance5 bound 1 → 799.
    "auto" picks `max_lp` for models without routes when there are at most 3 workers."""
    choice = params.portfolio
    if choice == "auto":
        choice = "max_lp" if not v.y and params.workers <= 3 else "default"
    if choice == "max_lp":
        solver.parameters.subsolvers.append("max_lp")


def people_first(v: Vars, params: SolveParams) -> bool:
    """Start from the person-by-person rota (`solver/people.py`) instead of a full-model phase: when
    asked ("people"), or ("auto") for LNS models with at least `PEOPLE_MIN_SHIFT_VARS` shift choices
    where that search is exact (no routes, self-picks or soft terms tying people together).

    On Curtois Instances 21–24 the full model found no rota at all in 120 s (nor with the objective
    removed: nothing in 60 s on Instance21), while each person's own model is solved in 0.05–1.5 s."""
    from solver import people

    if params.strategy == "people":
        return people.applicable(v)
    if params.strategy != "auto" or not use_lns(v, params):
        return False
    return len(v.x) >= PEOPLE_MIN_SHIFT_VARS and people.applicable(v)


def use_lns(v: Vars, params: SolveParams) -> bool:
    """LNS when asked for, or ("auto") for route-free models of at least `LNS_MIN_DAYS` days.

    Measured on the Curtois instances (2 workers, seed 0, one run each): at 30 s Instance15 7222 vs
    9104 plain, Instance17 8419 vs 10817, and at 20 s Instance14 2191 vs 3143; but on the 4-week
    Instances 8–12 at 20 s it was no better (Instance8 2134 vs 1604–1916, Instance10 5362 vs 5240,
    Instance12 6082–8218 vs 6798–8213), so short horizons keep the plain solve.
    """
    if params.strategy != "auto":
        return params.strategy in ("lns", "people")
    return not v.y and v.days >= LNS_MIN_DAYS


@dataclass
class Outcome:
    """What `lns` found: a solver holding the incumbent's values (for reading the rota) and the bound."""

    code: int
    solver: cp_model.CpSolver
    bound: float
    first: float | None
    iterations: int = 0
    improvements: int = 0


class _Best(cp_model.CpSolverSolutionCallback):
    """Reports only rotas better than any seen so far (sub-solves start from worse ones at times)."""

    def __init__(self, state: _State) -> None:
        super().__init__()
        self.state = state

    def on_solution_callback(self) -> None:
        self.state.bound = max(self.state.bound, self.best_objective_bound)
        self.state.offer(round(self.objective_value), None)


@dataclass
class _State:
    started: float
    report: Callable[[Progress], None] | None
    best: float = float("inf")
    bound: float = 0.0
    first: float | None = None
    values: list[int] = field(default_factory=list)

    def offer(self, objective: int, values: list[int] | None) -> bool:
        elapsed = time.perf_counter() - self.started
        if self.first is None:
            self.first = elapsed
        if values is not None and objective <= self.best:
            self.values = values
        if objective < self.best:
            self.best = objective
            if self.report is not None:
                self.report(Progress(objective=objective, bound=max(0.0, self.bound), elapsed=elapsed))
            return True
        return False


def _solver(v: Vars, params: SolveParams, time_limit: float, seed: int, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    configure(solver, v, params)
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = params.log
    return solver


def _groups(v: Vars) -> dict[tuple[int, int], list[int]]:
    """Proto indexes of the decision variables (shift and route choices) per (person, day)."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (pi, d, _), var in v.x.items():
        cells[pi, d].append(var.index)
    for (pi, d, _, _), var in v.y.items():
        cells[pi, d].append(var.index)
    for (pi, d), var in v.work.items():
        cells[pi, d].append(var.index)
    return cells


def lns(v: Vars, params: SolveParams, started: float) -> Outcome:
    """Full solve for a share of the time, then LNS over people and day windows until the limit."""
    deadline = started + params.time_limit
    state = _State(started=started, report=params.on_progress)
    if people_first(v, params):
        found = _people(v, params, state, deadline)
        if found is not None:
            return found
    share = params.lns_full_share * (deadline - time.perf_counter())
    full = _solver(v, params, share, params.seed, params.workers)
    with stop.watching(full, params.stop):
        code = full.solve(v.cp, _Best(state))
    state.bound = full.best_objective_bound if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0.0
    if code == cp_model.UNKNOWN and time.perf_counter() < deadline - 0.05 and not stop.requested(params.stop):
        # No rota yet: build one person by person (their hard rules do not involve each other).
        values = _person_by_person(v, params, deadline)
        if values is not None:
            state.offer(_objective(v, values), values)
            code = cp_model.FEASIBLE
        else:
            full = _solver(v, params, deadline - time.perf_counter(), params.seed + 1, params.workers)
            full.parameters.stop_after_first_solution = True
            with stop.watching(full, params.stop):
                code = full.solve(v.cp, _Best(state))
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                state.values = list(full.response_proto.solution)
                state.best = round(full.objective_value)
    elif code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        state.values = list(full.response_proto.solution)
        state.best = round(full.objective_value)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome(code, full, full.best_objective_bound, state.first)
    if code == cp_model.OPTIMAL:
        return Outcome(code, full, full.best_objective_bound, state.first)
    state.bound = max(state.bound, full.best_objective_bound)

    cells = _groups(v)
    people = sorted({pi for pi, _ in cells})
    work = v.cp.clone()
    proto = work.proto
    original = {i: list(var.domain) for i, var in enumerate(proto.variables)}
    rng = random.Random(params.seed)
    size = 0.1  # share of the rota set free
    iterations = improvements = 0
    while True:
        left = deadline - time.perf_counter()
        if left < 0.2 or state.best <= state.bound or stop.requested(params.stop):
            break
        free = _neighbourhood(rng, v, people, size)
        fixed: list[int] = []
        for key, indexes in cells.items():
            if key not in free:
                fixed.extend(indexes)
        for i in fixed:
            proto.variables[i].domain.clear()
            proto.variables[i].domain.extend([state.values[i], state.values[i]])
        proto.solution_hint.vars.clear()
        proto.solution_hint.values.clear()
        proto.solution_hint.vars.extend(range(len(state.values)))
        proto.solution_hint.values.extend(state.values)
        sub = _solver(v, params, min(params.lns_step, left), params.seed + 7 * iterations + 3, SUB_WORKERS)
        with stop.watching(sub, params.stop):
            sub_code = sub.solve(work)
        for i in fixed:
            proto.variables[i].domain.clear()
            proto.variables[i].domain.extend(original[i])
        iterations += 1
        if DEBUG:
            print(
                f"lns {iterations} size {size:.3f} cells {len(free)} code {sub.status_name(sub_code)} "
                f"obj {sub.objective_value if sub_code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None} "
                f"best {state.best} t {sub.wall_time:.2f}"
            )
        if sub_code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective = round(sub.objective_value)
            improvements += state.offer(objective, list(sub.response_proto.solution))
        if sub_code == cp_model.OPTIMAL or sub_code == cp_model.INFEASIBLE:
            size = min(0.9, size * 1.2)  # solved to the end: a bigger neighbourhood next time
        else:
            size = max(0.03, size * 0.75)
    final = _fix_all(v, state.values, params)
    code = cp_model.OPTIMAL if state.best <= state.bound else cp_model.FEASIBLE
    return Outcome(code, final, state.bound, state.first, iterations, improvements)


def _people(v: Vars, params: SolveParams, state: _State, deadline: float) -> Outcome | None:
    """The person-by-person rota, improved by best responses of one person at a time until shortly
    before the deadline, then read back through the full model; None if no rota was built in time."""
    from solver.people import PersonSearch

    # Reading the rota back solves the full model with every shift fixed: about 25 s for the 1.2 M
    # variables of Curtois Instance24 (measured 28 s), 3 s for Instance21's 124 000.
    reserve = min(0.4 * params.time_limit, 2.5e-5 * len(v.cp.proto.variables) + 0.5)
    search = PersonSearch(v, params)
    if not search.build_first(deadline - reserve):
        return None
    state.offer(search.objective(), None)
    while time.perf_counter() < deadline - reserve - 0.1 and not stop.requested(params.stop):
        changed = search.sweep(deadline - reserve)
        state.offer(search.objective(), None)
        if DEBUG:
            print(f"sweep: {changed} changes, objective {search.objective()}")
    solver = search.values(deadline + reserve)
    if solver is None:
        return None
    return Outcome(cp_model.FEASIBLE, solver, 0.0, state.first, search.steps, search.changes)


def _neighbourhood(rng: random.Random, v: Vars, people: list[int], size: float) -> set[tuple[int, int]]:
    """The (person, day) cells set free: a group of people, a window of days, or a block of both."""
    kind = rng.random()
    days = v.days
    if kind < 0.4:
        count = max(2, round(size * len(people)))
        chosen = rng.sample(people, min(count, len(people)))
        return {(pi, d) for pi in chosen for d in range(days)}
    if kind < 0.7:
        width = max(7, round(size * days))
        start = rng.randrange(0, max(1, days - width + 1))
        return {(pi, d) for pi in people for d in range(start, min(days, start + width))}
    # A block: about twice the share of people and of days, so about `size` of the cells overall.
    share = min(1.0, (size**0.5) * 1.4)
    count = max(2, round(share * len(people)))
    width = max(7, round(share * days))
    chosen = rng.sample(people, min(count, len(people)))
    start = rng.randrange(0, max(1, days - width + 1))
    return {(pi, d) for pi in chosen for d in range(start, min(days, start + width))}


def _objective(v: Vars, values: list[int]) -> int:
    """The full model's objective at `values` (its proto objective: coefficients, offset, scaling)."""
    obj = v.cp.proto.objective
    total = sum(c * values[i] for i, c in zip(obj.vars, obj.coeffs, strict=True)) + obj.offset
    return round(total * (obj.scaling_factor or 1))


def _person_by_person(v: Vars, params: SolveParams, deadline: float) -> list[int] | None:
    """A full set of values from one small solve per person (their own hard rules and wishes, no cover),
    completed on the full model with every shift choice fixed; None if that fails in time."""
    from solver.model import build  # solver.model imports this module

    problem = v.problem
    if v.y or problem.locks or problem.self_picks or problem.keep:
        return None
    chosen: dict[int, int] = {}
    budget = max(0.05, 0.3 * (deadline - time.perf_counter()) / max(1, len(v.people)))
    for pi, person in enumerate(v.people):
        if time.perf_counter() > deadline - 1:
            return None
        sub = problem.model_copy(
            update={
                "staff": [person],
                "cover": [],
                "wishes": [w for w in problem.wishes if w.staff == person.id],
            }
        )
        sv = build(sub)
        solver = _solver(sv, params, budget, params.seed, 1)
        if solver.solve(sv.cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        for (_, d, si), var in sv.x.items():
            chosen[v.x[pi, d, si].index] = int(solver.value(var))
    fixed = v.cp.clone()
    for i, value in chosen.items():
        fixed.proto.variables[i].domain.clear()
        fixed.proto.variables[i].domain.extend([value, value])
    fixed.clear_hints()
    solver = _solver(v, params, max(0.5, deadline - time.perf_counter()), params.seed, params.workers)
    solver.parameters.stop_after_first_solution = True
    if solver.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.response_proto.solution)


def _fix_all(v: Vars, values: list[int], params: SolveParams) -> cp_model.CpSolver:
    """A solver whose response holds exactly `values` (read back like any other solve)."""
    fixed = v.cp.clone()
    for i, var in enumerate(fixed.proto.variables):
        var.domain.clear()
        var.domain.extend([values[i], values[i]])
    solver = _solver(v, params, 30.0, params.seed, 1)
    solver.solve(fixed)
    return solver
