"""Solve the CP-SAT rota model and read it back; name the rules that clash when there is no rota.

The model itself is built by `solver.build.build` (also importable from here); the search strategies
beyond a plain solve live in `solver.search` (which uses `solver.people`). Imports run one way:
model → search → people → build → variables, all configuring their solvers through `solver.cpsat`.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from solver import check, colgen, families, polish, search, stop
from solver.build import OutOfTime, build
from solver.cpsat import fix, found, make_solver
from solver.families import Msg
from solver.greedy import greedy_rota
from solver.params import SolveParams
from solver.problem import Problem
from solver.solution import Assignment, BrokenRule, Conflict, Penalty, Progress, Solution
from solver.variables import Guard, Vars, outside_favourites, qualified, works_shift

__all__ = ["build", "explain_infeasibility", "solve"]

_STATUS: dict[cp_model.CpSolverStatus, str] = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
}

# Seconds: the least time a completion (the model with every decision fixed) gets…
COMPLETION_MIN_TIME = 0.5
# …else the time limit divided by this.
COMPLETION_TIME_DIVISOR = 10
# Seconds: the least time the search for the rules that clash gets after an infeasible solve.
EXPLAIN_MIN_TIME = 5.0
# Seconds: the least time each solve of a (shrinking) assumption core gets.
CORE_MIN_TIME = 0.1


class _Progress(cp_model.CpSolverSolutionCallback):
    """Records when the first rota appeared and passes every better rota to the caller."""

    def __init__(self, started: float, report: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.started = started
        self.report = report
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        if self.first is None:
            self.first = elapsed
        if self.report is not None:
            self.report(
                Progress(
                    objective=round(self.objective_value),
                    bound=max(0.0, self.best_objective_bound),
                    elapsed=elapsed,
                )
            )


def _add_hint(
    v: Vars, hint: list[Assignment], params: SolveParams, deadline: float | None = None
) -> cp_model.CpSolver | None:
    """Warm start from a rota: unchanged cells stay where they are unless changing them pays.

    When the rota keeps every hard rule, every auxiliary variable is hinted too (CP-SAT then starts
    from it as a first solution) and the solved completion is returned, so that a rota exists even if
    the search finds nothing better in time; otherwise only the shift and route choices are suggested.
    """
    shifts = {(a.staff, a.date, a.shift) for a in hint}
    routes = {(a.staff, a.date, a.shift, a.route) for a in hint if a.route}
    chosen: dict[cp_model.IntVar, int] = {}
    for (pi, d, si), var in v.x.items():
        chosen[var] = int((v.people[pi].id, v.dates[d], v.shifts[si].code) in shifts)
    for (pi, d, si, ri), var in v.y.items():
        chosen[var] = int((v.people[pi].id, v.dates[d], v.shifts[si].code, v.routes[ri].id) in routes)
    # The completion is a solve of its own: not begun when it would end past the deadline.
    if deadline is not None and time.perf_counter() + _completion_time(params) > deadline:
        completion = None
    else:
        completion = _complete(v.cp, chosen, params)
    if completion is None:
        for var, value in chosen.items():
            v.cp.add_hint(var, value)
        return None
    for i in range(len(v.cp.proto.variables)):
        var = v.cp.get_int_var_from_proto_index(i)
        v.cp.add_hint(var, completion.value(var))
    return completion


def _completion_time(params: SolveParams) -> float:
    return max(COMPLETION_MIN_TIME, params.time_limit / COMPLETION_TIME_DIVISOR)


def _complete(
    cp: cp_model.CpModel, chosen: dict[cp_model.IntVar, int], params: SolveParams
) -> cp_model.CpSolver | None:
    """Solve the model with the decisions fixed (variable indexes are those of `cp`), or None if they
    break a hard rule."""
    completion = cp.clone()
    fix(completion, {var.index: value for var, value in chosen.items()})
    solver = make_solver(_completion_time(params), workers=1, seed=params.seed)
    if not found(solver.solve(completion)):
        return None
    return solver


def solve(problem: Problem, params: SolveParams) -> Solution:
    """Solve `problem`; always returns a Solution (with conflicts named when hard rules clash)."""
    started = time.perf_counter()
    deadline = started + params.time_limit
    # A home-care model (routes) never starts person by person, so its greedy rota comes first: checked
    # free of broken hard rules, it is the incumbent from the first second, and a model that cannot be
    # built within the time limit is not waited for (200 people: greedy 4 s, model 13 s).
    greedy: list[Assignment] | None = None
    incumbent: list[Assignment] | None = None
    incumbent_time: float | None = None
    if params.hint is None and problem.routes:
        greedy = greedy_rota(problem)
        if not check.violations(problem, greedy):
            incumbent, incumbent_time = greedy, time.perf_counter() - started
            if params.on_progress is not None:
                cost = check.objective(problem, incumbent)
                params.on_progress(Progress(objective=cost, bound=0.0, elapsed=incumbent_time))
    cg_bound = 0
    if incumbent is not None and _use_colgen(problem, params):
        cg_bound, better = _column_generation(problem, params, started, incumbent)
        if better is not None:
            incumbent, greedy = better, better
    if cg_bound > 0 and params.on_progress is not None:
        report = params.on_progress

        def floored(progress: Progress) -> None:  # CP-SAT's own bound is no news below this one
            report(progress.model_copy(update={"bound": max(progress.bound, float(cg_bound))}))

        params = params.model_copy(update={"on_progress": floored})
    routes_of: dict[int, set[int]] | None = None
    # Narrowed only around a rota that keeps every hard rule: it stays a solution, so the narrowed model
    # always has one (an infeasible narrowed model would say nothing about the problem).
    if problem.routes and route_choices(problem) > NARROW_MIN_ROUTE_CHOICES:
        starts = [rota for rota in (params.hint, incumbent) if rota is not None]
        starts = [rota for rota in starts if rota is incumbent or not check.violations(problem, rota)]
        routes_of = narrowed_routes(problem, starts) if starts else None
    if routes_of is not None and params.on_progress is not None:
        # CP-SAT's bound is then the narrowed model's: only the column generation's is the problem's.
        told = params.on_progress

        def problems_bound(progress: Progress) -> None:
            told(progress.model_copy(update={"bound": float(cg_bound)}))

        params = params.model_copy(update={"on_progress": problems_bound})
    try:
        v = build(problem, deadline=deadline if incumbent is not None else None, routes_of=routes_of)
    except OutOfTime:
        assert incumbent is not None
        solution = _polished(problem, _checked_rota(problem, incumbent, float(cg_bound)), params, started)
        solution.wall_time = time.perf_counter() - started
        solution.first_solution_time = incumbent_time
        return solution
    # Start from the previous rota when given (minimal change), else from a quick greedy rota; big models
    # that start person by person skip the greedy rota (Curtois Instance24: 48 s for the greedy rota and
    # 40 s to complete it, which then broke a hard rule anyway).
    # A starting rota that keeps every hard rule (the independent checker says so) is the incumbent,
    # whether or not CP-SAT completes it in the time it gets.
    if params.hint is not None:
        start = _add_hint(v, params.hint, params, deadline)
    elif search.people_first(v, params):
        start = None
    else:
        if greedy is None:
            greedy = greedy_rota(problem)
            if not check.violations(problem, greedy):
                incumbent, incumbent_time = greedy, time.perf_counter() - started
        start = _add_hint(v, greedy, params, deadline)
    start_time = time.perf_counter() - started
    progress = _Progress(started, params.on_progress)
    # Teams without routes: the column generation's bound after the search, in its share of the time,
    # unless CP-SAT proves its rota optimal first (then the time is not spent at all).
    full_params = search_params = params
    if not problem.routes and _use_colgen(problem, params):
        reserve = params.colgen_share * params.time_limit
        params = search_params = params.model_copy(update={"time_limit": params.time_limit - reserve})
    if search.use_lns(v, params):  # big models: full-model phase, then large-neighbourhood search
        outcome = search.lns(v, params, started)
        solver, code, bound, progress.first = outcome.solver, outcome.code, outcome.bound, outcome.first
    else:
        solver = make_solver(
            params.time_limit - (time.perf_counter() - started),
            workers=params.workers,
            seed=params.seed,
            log_progress=params.log,
            subsolvers=search.portfolio(v, params),
        )
        with stop.watching(solver, params.stop):
            code = solver.solve(v.cp, progress)
        bound = solver.best_objective_bound
    bound = max(bound, float(cg_bound)) if routes_of is None else float(cg_bound)
    if routes_of is not None and code == cp_model.OPTIMAL:
        code = cp_model.FEASIBLE  # optimal among the narrowed choices only
    status = _STATUS.get(code, "UNKNOWN")

    if status in ("OPTIMAL", "FEASIBLE"):
        solution = _read_rota(problem, v, _settled(v, solver, status, params), status, bound)
        if incumbent is not None and status == "FEASIBLE":
            # Never worse than the greedy start (CP-SAT, not given it complete, may find worse rotas).
            kept = _checked_rota(problem, incumbent, bound)
            if (
                kept.objective is not None
                and solution.objective is not None
                and kept.objective < solution.objective
            ):
                solution, progress.first = kept, incumbent_time
    elif status == "INFEASIBLE":
        remaining = max(EXPLAIN_MIN_TIME, params.time_limit - (time.perf_counter() - started))
        solution = Solution(status="INFEASIBLE", conflicts=explain_infeasibility(problem, params, remaining))
    elif start is not None:
        # The search found nothing in time, but the starting rota keeps every hard rule: return it.
        solution = _read_rota(problem, v, start, "FEASIBLE", bound)
        progress.first = start_time
    elif incumbent is not None:
        # Nor could CP-SAT complete the greedy rota in its time, but the checker found no broken rule.
        solution = _checked_rota(problem, incumbent, bound)
        progress.first = incumbent_time
    else:
        solution = Solution(status="UNKNOWN")
    params = full_params
    if params is not search_params and solution.status == "FEASIBLE" and solution.objective is not None:
        solution = _proven_by_columns(problem, solution, params, started)
    solution = _polished(problem, solution, params, started)
    solution.wall_time = time.perf_counter() - started
    solution.first_solution_time = progress.first
    if solution.has_rota and incumbent_time is not None:
        # The checked greedy rota was a rota from then on, whichever rota is returned.
        solution.first_solution_time = min(progress.first or incumbent_time, incumbent_time)
    return solution


def _polished(problem: Problem, solution: Solution, params: SolveParams, started: float) -> Solution:
    """A home-care rota (not proven optimal) with routes swapped between people on the same day and shift
    where that lowers continuity and favourite costs (`solver/polish.py`); kept only when the independent
    checker finds no broken rule and a lower cost, and then priced and explained by it."""
    if not problem.routes or solution.status != "FEASIBLE" or solution.objective is None:
        return solution
    rota = polish.swap_routes(problem, solution.assignments, params.seed)
    if check.violations(problem, rota):
        return solution
    better = _checked_rota(problem, rota, solution.best_bound or 0.0)
    if better.objective is None or better.objective >= solution.objective:
        return solution
    if params.on_progress is not None:
        elapsed = time.perf_counter() - started
        bound = better.best_bound or 0.0
        params.on_progress(Progress(objective=better.objective, bound=bound, elapsed=elapsed))
    return better


# Home-care models with more route choices (person × route slot) than this are built narrowed
# (`narrowed_routes`): 200 people had 815 000 of them (of 887 000 variables), a 19 s build, CP-SAT at
# 3.4 GB, and returned the greedy rota at 60 s.
NARROW_MIN_ROUTE_CHOICES = 40_000


def route_choices(problem: Problem) -> int:
    """How many route variables the full model has (person qualified for the route's skills and shift),
    counted without building it."""
    shifts = {s.code: s for s in problem.shift_types}
    dates = problem.horizon.dates()
    total = 0
    for route in problem.routes:
        days = sum(1 for day in dates if day.weekday() in route.weekdays)
        for code in route.shifts:
            people = sum(
                1
                for person in problem.staff
                if works_shift(person, shifts[code]) and qualified(person, route.skills)
            )
            total += days * people
    return total


def narrowed_routes(problem: Problem, starts: list[list[Assignment]]) -> dict[int, set[int]]:
    """Per person position, the routes they may be put on in a narrowed model: those of their favourite
    routes and districts (every route when they name none), every route a starting rota gives them (so
    it stays a solution of the narrowed model), and every route their locks, wishes, self-picks and kept
    cells name (so none becomes impossible by the narrowing)."""
    pos = {r.id: i for i, r in enumerate(problem.routes)}
    person_pos = {s.id: i for i, s in enumerate(problem.staff)}
    allowed: dict[int, set[int]] = {}
    for pi, person in enumerate(problem.staff):
        allowed[pi] = {ri for ri, route in enumerate(problem.routes) if not outside_favourites(person, route)}
    named: list[tuple[str, str | None]] = [(a.staff, a.route) for rota in starts for a in rota]
    named += [(lock.staff, lock.route) for lock in problem.locks]
    named += [(wish.staff, wish.route) for wish in problem.wishes]
    named += [(pick.staff, pick.route) for pick in problem.self_picks]
    named += [(cell.staff, cell.route) for cell in problem.keep]
    for staff, route in named:
        if route is not None and staff in person_pos and route in pos:
            allowed[person_pos[staff]].add(pos[route])
    return allowed


def _proven_by_columns(problem: Problem, solution: Solution, params: SolveParams, started: float) -> Solution:
    """A team without routes, after the CP-SAT search: column generation until the time limit, from each
    person's own cheapest roster (not the rota's columns), with the master LP's own duals in wide boxes
    (`colgen.BOX_SHARE_NO_ROUTES`). The better bound is the solution's, and a rota at it
    is reported "OPTIMAL". Measured on Curtois (docs/benchmarks.md): the bound reached the optimum of
    Instance 4 (1716) in 1.7 s and of 10 (4631) in 15.6 s, where CP-SAT's own stayed at 1570 / 4620; the
    volume algorithm (right for home care) reached a fifth of it. Run before the search instead, it
    delayed the first rota by its whole share (3 s at 20 s) and cost the rotas more."""
    objective = solution.objective
    assert objective is not None
    deadline = started + params.time_limit
    if deadline - time.perf_counter() < colgen.MIN_TIME:
        return solution
    try:
        result = colgen.run(
            problem,
            deadline,
            [],  # from the rota's columns the master LP's duals sat at its vertex: bound 1573 on 4
            workers=params.workers,
            seed=params.seed,
            integer=False,
            stop=params.stop,
            dual="box",
            box_share=colgen.BOX_SHARE_NO_ROUTES,
            known=objective,
        )
    except colgen.NoRoster:
        return solution
    bound = min(float(result.bound), float(objective))
    if solution.best_bound is not None and bound <= solution.best_bound:
        return solution
    solution.best_bound = bound
    solution.gap = max(0.0, (objective - bound) / max(1, abs(objective)))
    if bound >= objective:
        solution.status = "OPTIMAL"
    if params.on_progress is not None:
        elapsed = time.perf_counter() - started
        params.on_progress(Progress(objective=objective, bound=bound, elapsed=elapsed))
    return solution


def _use_colgen(problem: Problem, params: SolveParams) -> bool:
    """Column generation when asked, or ("auto") for teams of `colgen.MIN_PEOPLE` people or more, where
    CP-SAT's own bound was 0 (growth benchmark, 2026-12-04: 275 for 10 people, 0 from 25 up; the example
    team of 25: 0) and so told a planner nothing; never when its share of the time limit is under
    `colgen.MIN_TIME` or a stop is already requested."""
    if params.colgen == "off" or stop.requested(params.stop) or not colgen.applicable(problem):
        return False
    if params.colgen_share * params.time_limit < colgen.MIN_TIME:
        return False  # its set-up alone (the master's rows, the rota's columns) would eat the time
    if problem.routes:
        return params.colgen == "on" or len(problem.staff) >= colgen.MIN_PEOPLE
    # Teams without routes only when asked: on Curtois at 20 s it proved Instance 4 optimal, but the
    # search's 15 % less time cost rotas on 6 and 7 (2050 / 1169 against 1955 / 1071, paired runs).
    return params.colgen == "on" and len(problem.staff) >= colgen.MIN_PEOPLE_NO_ROUTES


def _column_generation(
    problem: Problem, params: SolveParams, started: float, incumbent: list[Assignment]
) -> tuple[int, list[Assignment] | None]:
    """Column generation for at most `params.colgen_share` of the time limit from the incumbent's
    rosters: its bound, and its rota when the checker finds no broken rule and it costs less than the
    incumbent. Under "auto" the rounds after the first (every person's cheapest roster of their own)
    take the volume algorithm's multipliers (`colgen._Volume`): on the example team the master LP's duals
    (box step) never raised the bound above the first round's 20 in 100 s, the volume algorithm reached
    147 in 40 s (`/work/notes/bench/gap.md`); no integer master (it never beat the incumbent there).
    "on" runs the box step and the integer master in the share."""
    deadline = started + params.colgen_share * params.time_limit
    cost = check.objective(problem, incumbent)

    def heard(bound: int) -> None:
        if params.on_progress is not None:
            elapsed = time.perf_counter() - started
            params.on_progress(Progress(objective=cost, bound=float(min(bound, cost)), elapsed=elapsed))

    try:
        full = params.colgen == "on"
        result = colgen.run(
            problem,
            deadline,
            [incumbent],
            workers=params.workers,
            seed=params.seed,
            integer=full,
            on_bound=heard,
            stop=params.stop,
            dual="box" if full else "volume",
        )
    except colgen.NoRoster:
        return 0, None
    rota = result.rota
    if rota is None or check.violations(problem, rota) or check.objective(problem, rota) >= cost:
        return result.bound, None
    if params.on_progress is not None:
        elapsed = time.perf_counter() - started
        new = check.objective(problem, rota)
        params.on_progress(Progress(objective=new, bound=float(min(result.bound, new)), elapsed=elapsed))
    return result.bound, rota


# Above this many variables the re-evaluation below costs seconds; the big benchmark models skip it.
_SETTLE_MAX_VARIABLES = 300_000


def _settled(v: Vars, solver: cp_model.CpSolver, status: str, params: SolveParams) -> cp_model.CpSolver:
    """The cost of the rota found, re-evaluated with its shifts and routes fixed.

    When the time limit stops CP-SAT, the reported objective was seen (rarely, by 1 on a benchmark
    instance) to exceed the cost the checker computes for the same rota; fixing the decisions and letting
    every auxiliary take its least value gives the rota's true cost, which is what we report.
    """
    if status == "OPTIMAL" or len(v.cp.proto.variables) > _SETTLE_MAX_VARIABLES:
        return solver
    chosen = {var: int(solver.boolean_value(var)) for var in (*v.x.values(), *v.y.values())}
    completion = _complete(v.cp, chosen, params)
    if completion is not None and completion.objective_value <= solver.objective_value:
        return completion
    return solver


def _read_rota(problem: Problem, v: Vars, solver: cp_model.CpSolver, status: str, bound: float) -> Solution:
    assignments = v.assignments(solver)
    penalties = []
    for term in v.terms:
        value = term.expr if isinstance(term.expr, int) else solver.value(term.expr)
        if value * term.weight > 0:
            penalties.append(
                Penalty(
                    family=term.family,
                    cost=value * term.weight,
                    message=term.message,
                    params=term.params(value),
                    staff=term.staff,
                    date=term.date,
                    shift=term.shift,
                    route=term.route,
                )
            )
    objective = round(solver.objective_value)
    # Every cost term is a non-negative count times a positive weight, so 0 is always a valid bound; CP-SAT
    # with several workers reported bounds far below it (-1 179 085 for the example team), which told a
    # planner nothing.
    bound = max(0.0, min(bound, objective))
    return Solution(
        status=status,  # type: ignore[arg-type]
        objective=objective,
        best_bound=bound,
        gap=max(0.0, (objective - bound) / max(1, abs(objective))),
        assignments=assignments,
        penalties=penalties,
        fulfilment=check.fulfilment(problem, assignments),
        coverage=check.coverage(problem, assignments),
    )


def _checked_rota(problem: Problem, assignments: list[Assignment], bound: float) -> Solution:
    """A rota the solver did not produce, priced and explained by the independent checker (its
    penalties carry the same message ids and params as the model's)."""
    penalties = check.penalties(problem, assignments)
    objective = sum(p.cost for p in penalties)
    bound = max(0.0, min(bound, objective)) if math.isfinite(bound) else 0.0
    return Solution(
        status="FEASIBLE",
        objective=objective,
        best_bound=bound,
        gap=max(0.0, (objective - bound) / max(1, abs(objective))),
        assignments=sorted(assignments, key=lambda a: (a.date, a.staff)),
        penalties=penalties,
        fulfilment=check.fulfilment(problem, assignments),
        coverage=check.coverage(problem, assignments),
    )


def explain_infeasibility(
    problem: Problem,
    params: SolveParams,
    time_limit: float,
    extra: Callable[[Vars], object] | None = None,
) -> list[Conflict]:
    """Name the people and hard rules that cannot all hold, from a small CP-SAT assumption core.

    `extra` adds unguarded constraints to the model first (a wish forced granted, `solver.counterfactual`):
    the rules named are then those that clash with it."""
    v = build(problem, explain_mode=True)
    if extra is not None:
        extra(v)
    guards = list(v.guards.values())
    core = _core(v, [g.literal for g in guards], params, time_limit)
    if core is None:
        return [Conflict(staff=None, rules=[], message=Msg.CONFLICT_UNKNOWN)]
    chosen = [g for g in guards if g.literal.index in core]
    by_staff: dict[str | None, list[Guard]] = defaultdict(list)
    for guard in chosen:
        by_staff[guard.staff].append(guard)
    causes = [
        BrokenRule(family=families.family_of(g.message), staff=g.staff, message=g.message, params=g.params)
        for gs in by_staff.values()
        for g in gs
    ]
    names = {p.id: p.label for p in problem.staff}
    if len(by_staff) == 1:
        staff, chosen = next(iter(by_staff.items()))
        rules = [g.rule for g in chosen]
        said = {"who": names.get(staff or "", "the team"), "staff": staff or "", "rules": "; ".join(rules)}
        return [Conflict(staff=staff, rules=rules, causes=causes, message=Msg.CONFLICT_PERSON, params=said)]
    parts = [f"{names.get(s or '', 'team')}: {', '.join(g.rule for g in gs)}" for s, gs in by_staff.items()]
    return [
        Conflict(
            staff=None,
            rules=[g.rule for gs in by_staff.values() for g in gs],
            causes=causes,
            message=Msg.CONFLICT_PEOPLE,
            params={"rules": "; ".join(parts)},
        )
    ]


def _core(
    v: Vars, literals: list[cp_model.IntVar], params: SolveParams, time_limit: float
) -> set[int] | None:
    """A small set of guard literal indexes that cannot all be true (deletion-minimised when cheap)."""
    deadline = time.perf_counter() + time_limit

    def infeasible_core(lits: list[cp_model.IntVar]) -> list[int] | None:
        v.cp.clear_assumptions()
        v.cp.add_assumptions(lits)
        solver = make_solver(max(CORE_MIN_TIME, deadline - time.perf_counter()), workers=1, seed=params.seed)
        if solver.solve(v.cp) != cp_model.INFEASIBLE:
            return None
        return list(solver.sufficient_assumptions_for_infeasibility())

    found = infeasible_core(literals)
    if found is None:
        return None
    core = set(found)
    by_index = {lit.index: lit for lit in literals}
    for index in sorted(core):
        if index not in core:
            continue
        if len(core) <= 1 or time.perf_counter() > deadline:
            break
        trial = [by_index[i] for i in core if i != index]
        smaller = infeasible_core(trial)
        if smaller is not None:
            core = set(smaller)
    return core
