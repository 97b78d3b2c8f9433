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
so it is exactly the `docs/rules.md` objective. One line per LNS step and sweep goes to this module's
logger at DEBUG (for tuning scripts). Pure: no files, no environment, no clock other than
`time.perf_counter`.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver import stop
from solver.build import build
from solver.cpsat import fix, fixed, found, make_solver, set_hint
from solver.params import SolveParams
from solver.people import PersonSearch, applicable
from solver.solution import Progress
from solver.variables import Vars

log = logging.getLogger(__name__)

# ---- when to search how --------------------------------------------------------------------------------
# "auto" adds the `max_lp` subsolver for route-free models solved with at most this many workers.
MAX_LP_MAX_WORKERS = 3
# Workers of each LNS sub-solve (1 was worse on Instance12: 7608 vs 6082).
SUB_WORKERS = 2
# Route-free models with at least this many days use the LNS under "auto" (see `use_lns`).
LNS_MIN_DAYS = 42
# LNS models with at least this many shift choices start person by person under "auto" (Curtois: Instance20
# has 39 130 shift choices, Instance19 about 13 000).
PEOPLE_MIN_SHIFT_VARS = 30_000

# ---- the LNS driver (`lns`) ------------------------------------------------------------------------------
# Share of the time the full-model phase gets (`full_share`)…
FULL_SHARE = 0.3
# …and on home-care models (routes).
ROUTES_FULL_SHARE = 0.05
# Seconds: with less time than this before the deadline, no first rota is looked for after the full phase.
FALLBACK_MIN_TIME = 0.05
# Seed offset of the full-model retry that looks for any first rota.
FALLBACK_SEED_OFFSET = 1
# Seconds: with less time than this left, the LNS loop ends.
LNS_MIN_STEP_TIME = 0.2
# Share of the rota's (person, day) cells set free by the first LNS step.
START_SHARE = 0.1
# The share set free never grows above this…
MAX_SHARE = 0.9
# …nor shrinks below this.
MIN_SHARE = 0.03
# After a sub-solve that finished (optimal or infeasible) the share set free grows by this factor.
SHARE_GROWTH = 1.2
# After a sub-solve that ran out of time the share set free shrinks by this factor.
SHARE_SHRINK = 0.75
# The seed of LNS step n is `seed + STEP_SEED_STRIDE * n + STEP_SEED_OFFSET`.
STEP_SEED_STRIDE = 7
# See `STEP_SEED_STRIDE`.
STEP_SEED_OFFSET = 3
# Seconds: the time limit of the solve that reads the incumbent back with every variable fixed.
FIX_ALL_TIME = 30.0
# Seconds per model variable the LNS keeps back before the deadline for reading the rota back (`wrap_up`)…
WRAP_UP_PER_VARIABLE = 5e-6
# …but at most this share of the time limit.
WRAP_UP_MAX_SHARE = 0.05

# ---- neighbourhoods (`_neighbourhood`) -------------------------------------------------------------------
# A random draw below this frees a group of people (every day).
PEOPLE_DRAW_BELOW = 0.4
# A draw from `PEOPLE_DRAW_BELOW` up to this frees a window of days (everybody); above it, a block of both.
DAYS_DRAW_BELOW = 0.7
# A neighbourhood frees at least this many people…
MIN_GROUP = 2
# Home care: the share of neighbourhoods that free one district's people over a window of days.
DISTRICT_DRAW_BELOW = 0.5
# …and a window of at least this many days.
MIN_WINDOW_DAYS = 7
# A block frees `sqrt(share) × BLOCK_SCALE` of the people and of the days: about twice the share of each.
BLOCK_SCALE = 1.4

# ---- the person-first search (`_people`) -----------------------------------------------------------------
# Seconds per variable of the full model kept back to read the rota back at the end…
READ_BACK_TIME_PER_VARIABLE = 2.5e-5
# …plus these seconds…
READ_BACK_BASE_TIME = 0.5
# …but at most this share of the time limit.
READ_BACK_MAX_SHARE = 0.4
# Seconds: no sweep starts later than this before the time kept back.
SWEEP_MIN_TIME = 0.1

# ---- a first rota person by person (`_person_by_person`) -------------------------------------------------
# Share of the time left that the people's own solves get (divided among them).
PERSON_SHARE = 0.3
# Seconds: the least time one person's own solve gets.
PERSON_MIN_TIME = 0.05
# Seconds: with less time than this before the deadline, the person-by-person rota is given up.
PERSON_STOP_MARGIN = 1.0
# Seconds: the least time the completion (every shift choice fixed) gets.
COMPLETION_MIN_TIME = 0.5


def portfolio(v: Vars, params: SolveParams) -> tuple[str, ...]:
    """The subsolvers to add to the worker portfolio. With few workers CP-SAT runs only `default_lp`,
    whose LP leaves the cover shortfalls (lin_max) out and so proves nothing; `max_lp` linearizes them. On
    Curtois Instance3 (10 s, 2 workers) that is bound 0 → proven optimal in 4 s, Instance5 bound 1 → 799.
    "auto" picks `max_lp` for models without routes when there are at most `MAX_LP_MAX_WORKERS` workers."""
    choice = params.portfolio
    if choice == "auto":
        choice = "max_lp" if not v.y and params.workers <= MAX_LP_MAX_WORKERS else "default"
    return ("max_lp",) if choice == "max_lp" else ()


def people_first(v: Vars, params: SolveParams) -> bool:
    """Start from the person-by-person rota (`solver/people.py`) instead of a full-model phase: when
    asked ("people"), or ("auto") for LNS models with at least `PEOPLE_MIN_SHIFT_VARS` shift choices
    where that search is exact (no routes, self-picks or soft terms tying people together).

    On Curtois Instances 21–24 the full model found no rota at all in 120 s (nor with the objective
    removed: nothing in 60 s on Instance21), while each person's own model is solved in 0.05–1.5 s."""
    if params.strategy == "people":
        return applicable(v)
    if params.strategy != "auto" or not use_lns(v, params):
        return False
    return len(v.x) >= PEOPLE_MIN_SHIFT_VARS and applicable(v)


def full_share(v: Vars, params: SolveParams) -> float:
    """The share of the time the LNS gives its full-model phase: `SolveParams.lns_full_share` when set,
    else `FULL_SHARE`, or `ROUTES_FULL_SHARE` for home-care models (routes). There the phase proves no
    bound (CP-SAT's stays 0; the column generation gives it) and barely improves the rota: the example
    team at 600 s (`/work/notes/bench/gap.md`) went 2338 → 1550 in its 180 s and 1405 → 1019 in the
    LNS's first 6 s; at 60 s 883 (share 0.3) → 647 (0.05), the 25-person team 761 → 673."""
    if params.lns_full_share is not None:
        return params.lns_full_share
    return ROUTES_FULL_SHARE if v.y else FULL_SHARE


def use_lns(v: Vars, params: SolveParams) -> bool:
    """LNS when asked for, or ("auto") for models of at least `LNS_MIN_DAYS` days.

    Measured on the Curtois instances (2 workers, seed 0, one run each): at 30 s Instance15 7222 vs
    9104 plain, Instance17 8419 vs 10817, and at 20 s Instance14 2191 vs 3143; but on the 4-week
    Instances 8–12 at 20 s it was no better (Instance8 2134 vs 1604–1916, Instance10 5362 vs 5240,
    Instance12 6082–8218 vs 6798–8213), so short horizons keep the plain solve. On 8-week home-care
    teams (`examples/make_team.py`, routes; 2 workers, seed 0, plain → LNS): 10 people 841 → 427 at 10 s,
    368 → 347 at 60 s; 25 people 2062 → 1686 at 10 s, 1366 → 664 at 60 s (seed 1: 1276 → 869); 50
    people 3778 → 3818 at 10 s, 2992 → 2749 at 60 s; 100 people 7332 → 7332 at 10 s, 6574 → 6558 at 60 s.
    """
    if params.strategy != "auto":
        return params.strategy in ("lns", "people")
    return v.days >= LNS_MIN_DAYS


@dataclass
class Outcome:
    """What `lns` found: a solver holding the incumbent's values (for reading the rota) and the bound."""

    code: cp_model.CpSolverStatus
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


def _solver(
    v: Vars, params: SolveParams, time_limit: float, seed: int, workers: int, *, first_only: bool = False
) -> cp_model.CpSolver:
    """A solver for the model `v` (or a one-person model): its portfolio and the search log as asked."""
    return make_solver(
        time_limit,
        workers=workers,
        seed=seed,
        log_progress=params.log,
        subsolvers=portfolio(v, params),
        first_only=first_only,
    )


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


def wrap_up(v: Vars, params: SolveParams) -> float:
    """Seconds the LNS leaves before the deadline for what comes after it (its last sub-solve overrunning
    its limit, reading the rota back, pricing it): `WRAP_UP_PER_VARIABLE` per model variable, at most
    `WRAP_UP_MAX_SHARE` of the time limit. 100 people (narrowed) at 10 s ended at 11.1 s without it: the
    last step ran to 10.5 s and the rest took 0.6 s."""
    per_variable = WRAP_UP_PER_VARIABLE * len(v.cp.proto.variables)
    return min(WRAP_UP_MAX_SHARE * params.time_limit, per_variable)


def lns(v: Vars, params: SolveParams, started: float) -> Outcome:
    """Full solve for a share of the time, then LNS over people and day windows until the limit (less the
    time `wrap_up` keeps for what follows)."""
    deadline = started + params.time_limit - wrap_up(v, params)
    state = _State(started=started, report=params.on_progress)
    if people_first(v, params):
        first = _people(v, params, state, deadline)
        if first is not None:
            return first
    share = full_share(v, params) * (deadline - time.perf_counter())
    full = _solver(v, params, share, params.seed, params.workers)
    with stop.watching(full, params.stop):
        code = full.solve(v.cp, _Best(state))
    state.bound = full.best_objective_bound if found(code) else 0.0
    if (
        code == cp_model.UNKNOWN
        and time.perf_counter() < deadline - FALLBACK_MIN_TIME
        and not stop.requested(params.stop)
    ):
        # No rota yet: build one person by person (their hard rules do not involve each other).
        values = _person_by_person(v, params, deadline)
        if values is not None:
            state.offer(_objective(v, values), values)
            code = cp_model.FEASIBLE
        else:
            full = _solver(
                v,
                params,
                deadline - time.perf_counter(),
                params.seed + FALLBACK_SEED_OFFSET,
                params.workers,
                first_only=True,
            )
            with stop.watching(full, params.stop):
                code = full.solve(v.cp, _Best(state))
            if found(code):
                state.values = list(full.response_proto.solution)
                state.best = round(full.objective_value)
    elif found(code):
        state.values = list(full.response_proto.solution)
        state.best = round(full.objective_value)
    if not found(code):
        return Outcome(code, full, full.best_objective_bound, state.first)
    if code == cp_model.OPTIMAL:
        return Outcome(code, full, full.best_objective_bound, state.first)
    state.bound = max(state.bound, full.best_objective_bound)

    cells = _groups(v)
    staff = sorted({pi for pi, _ in cells})
    districts = _district_people(v)
    work = v.cp.clone()
    rng = random.Random(params.seed)
    size = START_SHARE  # share of the rota set free
    iterations = improvements = 0
    while True:
        left = deadline - time.perf_counter()
        if left < LNS_MIN_STEP_TIME or state.best <= state.bound or stop.requested(params.stop):
            break
        free = _neighbourhood(rng, v, staff, size, districts)
        kept = {i: state.values[i] for key, indexes in cells.items() if key not in free for i in indexes}
        with fixed(work, kept):
            set_hint(work, state.values)
            seed = params.seed + STEP_SEED_STRIDE * iterations + STEP_SEED_OFFSET
            sub = _solver(v, params, min(params.lns_step, left), seed, SUB_WORKERS)
            with stop.watching(sub, params.stop):
                sub_code = sub.solve(work)
        iterations += 1
        log.debug(
            "lns %d size %.3f cells %d code %s obj %s best %s t %.2f",
            iterations,
            size,
            len(free),
            sub.status_name(sub_code),
            sub.objective_value if found(sub_code) else None,
            state.best,
            sub.wall_time,
        )
        if found(sub_code):
            objective = round(sub.objective_value)
            improvements += state.offer(objective, list(sub.response_proto.solution))
        if sub_code == cp_model.OPTIMAL or sub_code == cp_model.INFEASIBLE:
            size = min(MAX_SHARE, size * SHARE_GROWTH)  # solved to the end: a bigger neighbourhood next time
        else:
            size = max(MIN_SHARE, size * SHARE_SHRINK)
    final = _fix_all(v, state.values, params)
    code = cp_model.OPTIMAL if state.best <= state.bound else cp_model.FEASIBLE
    return Outcome(code, final, state.bound, state.first, iterations, improvements)


def _people(v: Vars, params: SolveParams, state: _State, deadline: float) -> Outcome | None:
    """The person-by-person rota, improved by best responses of one person at a time until shortly
    before the deadline, then read back through the full model; None if no rota was built in time."""
    # Reading the rota back solves the full model with every shift fixed: about 25 s for the 1.2 M
    # variables of Curtois Instance24 (measured 28 s), 3 s for Instance21's 124 000.
    reserve = min(
        READ_BACK_MAX_SHARE * params.time_limit,
        READ_BACK_TIME_PER_VARIABLE * len(v.cp.proto.variables) + READ_BACK_BASE_TIME,
    )
    search = PersonSearch(v, params)
    if not search.build_first(deadline - reserve):
        return None
    state.offer(search.objective(), None)
    while time.perf_counter() < deadline - reserve - SWEEP_MIN_TIME and not stop.requested(params.stop):
        changed = search.sweep(deadline - reserve)
        state.offer(search.objective(), None)
        log.debug("sweep: %d changes, objective %d", changed, search.objective())
    solver = search.values(deadline + reserve)
    if solver is None:
        return None
    return Outcome(cp_model.FEASIBLE, solver, 0.0, state.first, search.steps, search.changes)


def _district_people(v: Vars) -> list[list[int]]:
    """Per district of the routes: the people whose favourite districts or routes lie in it (a home-care
    team's natural groups: re-planning one district's people together lets them trade its routes)."""
    routes_of: dict[str, set[str]] = defaultdict(set)
    for route in v.routes:
        if route.district:
            routes_of[route.district].add(route.id)
    groups = []
    for district, routes in sorted(routes_of.items()):
        members = [
            pi
            for pi, person in enumerate(v.people)
            if district in person.favourite_districts or routes & set(person.favourite_routes)
        ]
        if len(members) >= MIN_GROUP:
            groups.append(members)
    return groups


def _neighbourhood(
    rng: random.Random, v: Vars, staff: list[int], size: float, districts: list[list[int]] | None = None
) -> set[tuple[int, int]]:
    """The (person, day) cells set free: a group of people, a window of days, a block of both, or (home
    care) one district's people over a window of days."""
    days = v.days
    if districts and rng.random() < DISTRICT_DRAW_BELOW:
        members = rng.choice(districts)
        width = max(MIN_WINDOW_DAYS, round(min(1.0, size * len(staff) / len(members)) * days))
        start = rng.randrange(0, max(1, days - width + 1))
        return {(pi, d) for pi in members for d in range(start, min(days, start + width))}
    kind = rng.random()
    if kind < PEOPLE_DRAW_BELOW:
        count = max(MIN_GROUP, round(size * len(staff)))
        chosen = rng.sample(staff, min(count, len(staff)))
        return {(pi, d) for pi in chosen for d in range(days)}
    if kind < DAYS_DRAW_BELOW:
        width = max(MIN_WINDOW_DAYS, round(size * days))
        start = rng.randrange(0, max(1, days - width + 1))
        return {(pi, d) for pi in staff for d in range(start, min(days, start + width))}
    # A block: about twice the share of people and of days, so about `size` of the cells overall.
    share = min(1.0, (size**0.5) * BLOCK_SCALE)
    count = max(MIN_GROUP, round(share * len(staff)))
    width = max(MIN_WINDOW_DAYS, round(share * days))
    chosen = rng.sample(staff, min(count, len(staff)))
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
    problem = v.problem
    if v.y or problem.locks or problem.self_picks or problem.keep:
        return None
    chosen: dict[int, int] = {}
    budget = max(PERSON_MIN_TIME, PERSON_SHARE * (deadline - time.perf_counter()) / max(1, len(v.people)))
    for pi, person in enumerate(v.people):
        if time.perf_counter() > deadline - PERSON_STOP_MARGIN:
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
        if not found(solver.solve(sv.cp)):
            return None
        for (_, d, si), var in sv.x.items():
            chosen[v.x[pi, d, si].index] = int(solver.value(var))
    completion = v.cp.clone()
    fix(completion, chosen)
    set_hint(completion, None)
    time_limit = max(COMPLETION_MIN_TIME, deadline - time.perf_counter())
    solver = _solver(v, params, time_limit, params.seed, params.workers, first_only=True)
    if not found(solver.solve(completion)):
        return None
    return list(solver.response_proto.solution)


def _fix_all(v: Vars, values: list[int], params: SolveParams) -> cp_model.CpSolver:
    """A solver whose response holds exactly `values` (read back like any other solve)."""
    every = v.cp.clone()
    fix(every, dict(enumerate(values)))
    solver = _solver(v, params, FIX_ALL_TIME, params.seed, 1)
    solver.solve(every)
    return solver
