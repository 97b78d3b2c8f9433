"""Column generation: a valid lower bound on the objective, and rotas put together from whole rosters.

The decomposition is by person (docs/solver.md, "Column generation"). A *column* is one person's whole
roster for the period that keeps every one of their own hard rules (every hard rule of docs/rules.md
concerns one person, except "a route slot has at most one person", a row below). Its *cost* is the part of the
objective that is the person's own: wishes, self-picks, kept draft cells, the contract target and route
favourites (`OWN`). Everything that spans several people is a row of the restricted master LP:

- cover, per (day, shift, skill): `Σ a·λ + under − over = need`, `under` priced `weight_under`, `over`
  priced `weight_over` (the objective's `max(0, need − n)` and `max(0, n − need)`, exactly);
- route slots: `Σ on·λ + unfilled = 1` (at most one person, hard; `unfilled` priced `weight_unfilled`);
- continuity, per route: `Σ serves·λ − extra ≤ 1`, `extra` priced `weights.continuity` (with whole
  rosters `serves` is 0/1 and `extra` is the objective's `max(0, k − 1)`);
- fairness, per person with wishes or self-picks: `worst − Σ unmet·λ ≥ 0`, `worst` priced
  `weights.fairness` (the objective's `max_p unmet(p)`);
- convexity, per person: `Σ λ = 1`.

So the master with integer λ is the problem itself, and its LP is a relaxation. The bound does not rest
on the LP's own optimality or precision: for any multipliers `π` of the coupling rows that keep every
slack's reduced cost ≥ 0 (`π_cover ∈ [−weight_over, weight_under]`, `π_route ≤ weight_unfilled`,
`π_continuity ∈ [−weights.continuity, 0]`, `π_fairness ≥ 0` with `Σ π_fairness ≤ weights.fairness`)

    L(π) = Σ_rows π·rhs + Σ_persons min over their rosters x of (cost(x) − π·a(x))

is a lower bound on the objective of every rota (Lagrangian relaxation of the coupling rows). The
master's duals are clipped into that set and rounded to multiples of 1/`SCALE`, so the pricing problems
have integer objectives and L is computed in exact integers. Each person's minimum is found by their
own CP-SAT model (`solver.build.build` on a one-person problem, kept between rounds; only the objective
changes) and, when not proven in its time, replaced by CP-SAT's bound on it, or by a cheap bound that
ignores the person's hard rules (`_free_bound`), whichever is higher; so a round cut short by the
deadline still gives a valid bound. The best L over the rounds is the bound. Round 0 prices at π = 0
(every person's cheapest roster of their own); later rounds at the master's duals, each kept in a box
around the multipliers of the best bound so far (box step: the master is very degenerate, and its own
duals gave Lagrangian values of −100 000 and below on the example team), or — what `solve` uses — at the
volume algorithm's multipliers (`_Volume`: no LP; on the example team no restricted master ever left
the greedy rota's vertex, while the volume rounds raised the bound from 20 to 146 in 18 s).

Every roster a pricing solve finds with a negative reduced cost becomes a column. At the end a CP-SAT
model over the columns (one per person, the coupling rows, the full objective) picks the best rota
they make, which the caller checks with `solver.check` like any other. Pure: no files, no environment,
no clock but `time.perf_counter`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver import check, families
from solver.build import build
from solver.cpsat import make_solver
from solver.dp import DayProgramme
from solver.families import WISH_FAMILIES, Family
from solver.problem import Problem, WishKind
from solver.rules.cover import resolve_cover
from solver.solution import Assignment
from solver.stop import requested as stopped
from solver.variables import Vars

log = logging.getLogger(__name__)

# The soft families that belong to one person: the cost of a column.
OWN: frozenset[str] = frozenset(
    {Family.WISH, Family.SELF_PICK, Family.KEEP, Family.CONTRACT, Family.FAVOURITE}
)
# The soft families the master handles as rows.
COUPLING: frozenset[str] = frozenset({Family.COVER, Family.ROUTE, Family.CONTINUITY, Family.FAIRNESS})
# Duals are rounded to multiples of 1/SCALE, so that pricing objectives and the bound are exact integers.
SCALE = 1000
# At most this many new columns per person and round (the pricing solve's improving solutions).
COLUMNS_PER_PRICING = 4
# The box step (`ColumnGeneration.box`): each row's dual within ± this share of its price range around
# the best multipliers so far… (example team, 40 s, 2 workers: ±0.5 % kept the Lagrangian values of the
# rounds at −12 … −135 and the master's value falling 802 → 104; ±10 % gave −5 569 … −14 307 and a master
# stuck at 1033)
BOX_SHARE = 0.005
# …on teams without routes, whose master is not that degenerate, boxes as wide as each row's whole range
# (Curtois Instance 10: the bound reached the optimum, 4631, in 15.6 s; with ±0.5 % it was 331 after 20 s
# under load; Instance 8: 1297 at 23.0 s against 25.9 s).
BOX_SHARE_NO_ROUTES = 1.0
# …but at least ± this (cost units).
MIN_BOX = 0.1
# …and the boxes grow by this factor after a round in which nothing priced out.
BOX_GROWTH = 2.0
# "auto" runs column generation for teams of at least this many people (`solver.model._use_colgen`).
MIN_PEOPLE = 20
# …and, under "on", teams without routes of at least this many (`solver.model._proven_by_columns`):
# Curtois Instance 4 (10 people), where CP-SAT's bound stayed below the optimum this one reached in 2 s.
MIN_PEOPLE_NO_ROUTES = 10
# Seconds: `solve` runs no column generation with less time than this for it (its first round took
# 1.3–3.7 s for the 25 people of the example team).
MIN_TIME = 1.0
# Seconds: the longest one person's pricing solve may take.
PRICING_MAX_TIME = 2.0
# Seconds: no pricing solve with less time than this (the person's cheap bound is used instead).
PRICING_MIN_TIME = 0.02
# A convexity dual no reduced cost reaches (volume rounds: every roster found enters the master).
_ANY = 2**62
# The volume algorithm (`_Volume`, `run(..., dual="volume")`): the first step's share of the Polyak step…
VOLUME_START_STEP = 0.01
# …grows by this factor after a trial that raised the bound (and agreed with the direction)…
VOLUME_GROWTH = 1.1
# …and shrinks by this factor after this many trials in a row that did not.
VOLUME_SHRINK = 0.67
VOLUME_PATIENCE = 5
# Weight of the newest trial's row activities in the running average the direction is made of.
VOLUME_AVERAGE = 0.1
# Share of the time left for the integer master over the columns at the end of `run`.
INTEGER_SHARE = 0.15
# Share of the integer time the dive on the LP may take before the integer master.
DIVE_SHARE = 0.3
# Seconds: the integer master gets at most this long.
INTEGER_MAX_TIME = 5.0


# How a person's cheapest roster is found: "cpsat" the person's CP-SAT model; "dp" the day programme
# (`solver.dp`) where it applies, else CP-SAT; "auto" CP-SAT, and the day programme for a person whose
# CP-SAT solve ran out of time unproven. Measured (docs/benchmarks.md, Curtois): CP-SAT's median solve
# is 10–100 times faster than the programme's (pure Python) on every family, but it leaves the odd person
# of the long horizons unproven, whom the programme prices exactly.
Pricing = Literal["auto", "dp", "cpsat"]


# The master LP's solver (OR-Tools' wrappers; all ship with it). Measured on the example team's box-step
# rounds (docs/benchmarks.md): see `LP_SOLVER`.
LpSolver = Literal["GLOP", "HIGHS_LP", "PDLP"]


class NoRoster(Exception):
    """A person has no roster that keeps their own hard rules (so the problem has no rota)."""


def applicable(problem: Problem) -> bool:
    """True when every soft family is one the decomposition knows (own or coupling): a family registered
    from outside could tie people together in a way the master has no row for."""
    known = OWN | COUPLING
    return all(spec.name in known for spec in families.soft_families()) and bool(problem.staff)


@dataclass(frozen=True)
class Column:
    """One person's whole roster: shifts `(day, shift position)`, route slots `(day, shift, route
    position)`, its own cost and its unmet wish weight (wishes and self-picks)."""

    person: int
    shifts: frozenset[tuple[int, int]]
    routes: frozenset[tuple[int, int, int]]
    cost: int
    unmet: int


@dataclass
class Result:
    """What `run` found: the best bound (an integer: every objective is), the LP value of the last
    master, the best rota of the columns (None if none was made) and counts for the log."""

    bound: int
    lp: float | None
    rota: list[Assignment] | None
    rounds: int = 0
    columns: int = 0
    proven: int = 0  # pricing solves proven optimal
    priced: int = 0  # pricing solves run
    history: list[tuple[float, int]] = field(default_factory=list)  # (seconds, bound) when it rose
    lp_seconds: float = 0.0  # in the master LP's solves
    dived: list[Assignment] | None = None  # the dive's rota on the LP (before the integer master)
    dive_seconds: float = 0.0


@dataclass
class _Row:
    """A coupling row `Σ a·λ + Σ coef·slack (sense) rhs`; `lo`, `hi`: the multipliers for which every
    slack's reduced cost stays ≥ 0 (the set where the bound holds). `up` and `down` are the box-step
    columns (coefficient +1 and −1): priced `top` and `−low`, they keep the row's dual in `[low, top]`."""

    constraint: pywraplp.Constraint
    rhs: int
    lo: float
    hi: float
    up: pywraplp.Variable | None = None
    down: pywraplp.Variable | None = None
    width: float = 1.0  # half the box's width


@dataclass
class _Prices:
    """What the multipliers (×SCALE) make each decision of a roster cost in its reduced cost: per person
    and (day, shift) a shift there (cover rows), per (day, shift, route) serving that slot, per route
    serving it at all (continuity), per person a unit of unmet wish weight (fairness); and per person
    the master's convexity dual (a roster enters when its reduced cost is below it)."""

    cells: list[dict[tuple[int, int], int]]
    slots: dict[tuple[int, int, int], int]
    serves: dict[int, int]
    unmet: dict[int, int]
    convexity: list[int]


class _Pricing:
    """One person's own CP-SAT model, kept between rounds; only its objective changes."""

    def __init__(self, problem: Problem, pi: int, with_serves: bool) -> None:
        person = problem.staff[pi]
        mine = person.id
        sub = problem.model_copy(
            update={
                "staff": [person],
                "cover": [],
                "wishes": [w for w in problem.wishes if w.staff == mine],
                "self_picks": [s for s in problem.self_picks if s.staff == mine],
                "keep": [k for k in problem.keep if k.staff == mine],
                "locks": [lock for lock in problem.locks if lock.staff == mine],
            }
        )
        self.v: Vars = build(sub)
        self.pi = pi
        cp = self.v.cp
        own = [t for t in self.v.terms if t.family in OWN]
        self.own_exprs = [t.expr for t in own]
        self.own_weights = [t.weight for t in own]
        unmet = [t for t in own if t.family in WISH_FAMILIES]
        self.unmet_exprs = [t.expr for t in unmet]
        self.unmet_weights = [t.weight for t in unmet]
        self.own = cp_model.LinearExpr.weighted_sum(self.own_exprs, self.own_weights) if own else None
        self.unmet = cp_model.LinearExpr.weighted_sum(self.unmet_exprs, self.unmet_weights) if unmet else None
        self.x = {(d, si): var for (_, d, si), var in self.v.x.items()}
        self.y = {(d, si, ri): var for (_, d, si, ri), var in self.v.y.items()}
        self.serves: dict[int, cp_model.IntVar] = {}
        if with_serves:
            by_route: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for (_, _, ri), var in self.y.items():
                by_route[ri].append(var)
            for ri, ys in by_route.items():
                s = cp.new_bool_var(f"serves[{ri}]")
                for y in ys:
                    cp.add_implication(y, s)
                self.serves[ri] = s
        self.hint: list[int] | None = None


class _Collect(cp_model.CpSolverSolutionCallback):
    """Keeps the rosters of the pricing solve's solutions (the last ones are the best)."""

    def __init__(self, pricing: _Pricing) -> None:
        super().__init__()
        self.pricing = pricing
        self.found: list[tuple[int, Column]] = []

    def on_solution_callback(self) -> None:
        p = self.pricing
        shifts = frozenset(key for key, var in p.x.items() if self.boolean_value(var))
        routes = frozenset(key for key, var in p.y.items() if self.boolean_value(var))
        cost = round(self.value(p.own)) if p.own is not None else 0
        unmet = round(self.value(p.unmet)) if p.unmet is not None else 0
        self.found.append((round(self.objective_value), Column(p.pi, shifts, routes, cost, unmet)))


class ColumnGeneration:
    """The restricted master LP, the people's pricing models and the columns found so far."""

    def __init__(
        self,
        problem: Problem,
        *,
        workers: int = 1,
        seed: int = 0,
        pricing: Pricing = "auto",
        lp: LpSolver = "GLOP",
        box_share: float = BOX_SHARE,
    ) -> None:
        self.problem = problem
        self.pricing_method = pricing
        # Per person: their day programme (`solver.dp`), None where CP-SAT prices them (not built yet:
        # absent). Under "auto" a person whose programme outgrows its labels or its time goes to CP-SAT.
        self.programmes: dict[int, DayProgramme | None] = {}
        self.workers = max(1, workers)
        self.seed = seed
        self.people = list(problem.staff)
        self.dates = problem.horizon.dates()
        self.shift_pos = {s.code: i for i, s in enumerate(problem.shift_types)}
        self.route_pos = {r.id: i for i, r in enumerate(problem.routes)}
        self.lp = pywraplp.Solver.CreateSolver(lp)
        if self.lp is None:  # pragma: no cover - GLOP and HiGHS ship with OR-Tools
            raise RuntimeError(f"{lp} is not available")
        self.lp_seconds = 0.0  # spent in the master LP's solves
        self.columns: list[Column] = []
        self.by_person: dict[int, list[Column]] = defaultdict(list)
        self.lambdas: list[pywraplp.Variable] = []
        self.seen: set[tuple[int, frozenset[tuple[int, int]], frozenset[tuple[int, int, int]]]] = set()
        self._rows()
        for _, row in self.all_rows():
            span = row.hi - row.lo if math.isfinite(row.hi - row.lo) else row.hi
            row.width = max(MIN_BOX, box_share * span)
        self.pricing: dict[int, _Pricing] = {}
        self.stop: threading.Event | None = None  # set: no more pricing solves (`run`)

    # ---- the master ----------------------------------------------------------------------------------

    def _rows(self) -> None:
        lp, p, inf = self.lp, self.problem, math.inf
        objective = lp.Objective()
        objective.SetMinimization()
        self.cover: list[_Row] = []
        # Per person and (day, shift): the cover rows a shift there counts in (skills decide).
        self.cell_cover: list[dict[tuple[int, int], list[int]]] = [defaultdict(list) for _ in self.people]
        for (day, code, skill), rule in sorted(resolve_cover(p).items(), key=lambda kv: str(kv[0])):
            d, si = p.horizon.index(day), self.shift_pos[code]
            under = rule.weight_under if rule.need > 0 else 0
            row = lp.Constraint(rule.need, rule.need)
            u, o = lp.NumVar(0, inf, ""), lp.NumVar(0, inf, "")
            row.SetCoefficient(u, 1)
            row.SetCoefficient(o, -1)
            objective.SetCoefficient(u, under)
            objective.SetCoefficient(o, rule.weight_over)
            index = len(self.cover)
            self.cover.append(_Row(row, rule.need, -rule.weight_over, under))
            for pi, person in enumerate(self.people):
                if skill is None or skill in person.skills:
                    self.cell_cover[pi][d, si].append(index)
        self.slots: dict[tuple[int, int, int], _Row] = {}
        for ri, route in enumerate(p.routes):
            for d, day in enumerate(self.dates):
                if day.weekday() not in route.weekdays:
                    continue
                for code in route.shifts:
                    si = self.shift_pos[code]
                    row = lp.Constraint(1, 1)
                    u = lp.NumVar(0, inf, "")
                    row.SetCoefficient(u, 1)
                    objective.SetCoefficient(u, route.weight_unfilled)
                    self.slots[d, si, ri] = _Row(row, 1, -inf, route.weight_unfilled)
        self.continuity: dict[int, _Row] = {}
        weight = p.weights.continuity
        if weight > 0:
            for ri, _ in enumerate(p.routes):
                row = lp.Constraint(-inf, 1)
                extra = lp.NumVar(0, inf, "")
                row.SetCoefficient(extra, -1)
                objective.SetCoefficient(extra, weight)
                self.continuity[ri] = _Row(row, 1, -weight, 0)
        self.fairness: dict[int, _Row] = {}
        self.fairness_weight = p.weights.fairness
        if self.fairness_weight > 0:
            wishing = {w.staff for w in p.wishes if w.kind is not WishKind.veto and w.weight > 0}
            wishing |= {s.staff for s in p.self_picks if s.weight > 0}
            if wishing:
                worst = lp.NumVar(0, inf, "")
                objective.SetCoefficient(worst, self.fairness_weight)
                for pi, person in enumerate(self.people):
                    if person.id in wishing:
                        row = lp.Constraint(0, inf)
                        row.SetCoefficient(worst, 1)
                        self.fairness[pi] = _Row(row, 0, 0, self.fairness_weight)
        self.convexity = [lp.Constraint(1, 1) for _ in self.people]

    def add(self, column: Column) -> bool:
        """Add a column to the master; False when the person already has that roster."""
        key = (column.person, column.shifts, column.routes)
        if key in self.seen:
            return False
        self.seen.add(key)
        var = self.lp.NumVar(0, 1, "")
        self.lp.Objective().SetCoefficient(var, column.cost)
        self.convexity[column.person].SetCoefficient(var, 1)
        counts: dict[int, int] = defaultdict(int)
        for cell in column.shifts:
            for i in self.cell_cover[column.person].get(cell, ()):
                counts[i] += 1
        for i, n in counts.items():
            self.cover[i].constraint.SetCoefficient(var, n)
        for slot in column.routes:
            row = self.slots.get(slot)
            if row is not None:
                row.constraint.SetCoefficient(var, 1)
        for ri in {ri for _, _, ri in column.routes}:
            if ri in self.continuity:
                self.continuity[ri].constraint.SetCoefficient(var, 1)
        if column.person in self.fairness and column.unmet:
            self.fairness[column.person].constraint.SetCoefficient(var, -column.unmet)
        self.columns.append(column)
        self.by_person[column.person].append(column)
        self.lambdas.append(var)
        return True

    def add_rota(self, assignments: Sequence[Assignment]) -> None:
        """Each person's row of a rota that keeps every hard rule, as a column (priced by the checker)."""
        own: dict[str, int] = defaultdict(int)
        unmet: dict[str, int] = defaultdict(int)
        for penalty in check.penalties(self.problem, assignments):
            if penalty.family in OWN and penalty.staff is not None:
                own[penalty.staff] += penalty.cost
                if penalty.family in WISH_FAMILIES:
                    unmet[penalty.staff] += penalty.cost
        shifts: dict[str, set[tuple[int, int]]] = defaultdict(set)
        routes: dict[str, set[tuple[int, int, int]]] = defaultdict(set)
        start = self.problem.horizon.start
        for a in assignments:
            d, si = (a.date - start).days, self.shift_pos[a.shift]
            shifts[a.staff].add((d, si))
            if a.route is not None:
                routes[a.staff].add((d, si, self.route_pos[a.route]))
        for pi, person in enumerate(self.people):
            i = person.id
            self.add(Column(pi, frozenset(shifts[i]), frozenset(routes[i]), own[i], unmet[i]))

    def all_rows(self) -> list[tuple[str, _Row]]:
        rows: list[tuple[str, _Row]] = [("cover", r) for r in self.cover]
        rows += [("slots", r) for r in self.slots.values()]
        rows += [("continuity", r) for r in self.continuity.values()]
        rows += [("fairness", r) for r in self.fairness.values()]
        return rows

    def box(self, center: dict[str, list[float]]) -> None:
        """Keep each row's dual within its box around `center` (box step: the master's own duals jump
        between extreme points of a very degenerate LP, e.g. every filled route slot priced at its full
        weight, which gave Lagrangian values of −100 000 on the example team)."""
        lp, objective, inf = self.lp, self.lp.Objective(), math.inf
        for kind, rows in self._kinds().items():
            for row, c in zip(rows, center[kind], strict=True):
                if row.up is None or row.down is None:
                    row.up, row.down = lp.NumVar(0, inf, ""), lp.NumVar(0, inf, "")
                    row.constraint.SetCoefficient(row.up, 1)
                    row.constraint.SetCoefficient(row.down, -1)
                objective.SetCoefficient(row.up, min(row.hi, c + row.width))
                objective.SetCoefficient(row.down, -max(row.lo, c - row.width))

    def _kinds(self) -> dict[str, list[_Row]]:
        return {
            "cover": self.cover,
            "slots": list(self.slots.values()),
            "continuity": list(self.continuity.values()),
            "fairness": list(self.fairness.values()),
        }

    def box_binds(self) -> bool:
        """Whether the last master used a box-step column (some dual sits on its box's edge)."""
        return any(
            (row.up is not None and row.up.solution_value() > 1e-9)
            or (row.down is not None and row.down.solution_value() > 1e-9)
            for _, row in self.all_rows()
        )

    def widen(self, factor: float) -> None:
        for _, row in self.all_rows():
            row.width *= factor

    def solve_lp(self) -> tuple[float, dict[str, list[int]], dict[str, list[float]]] | None:
        """Solve the master; its value, the multipliers (×SCALE, integers) clipped into the set where the
        bound holds, and the same in cost units. None when the master has no solution."""
        began = time.perf_counter()
        code = self.lp.Solve()
        self.lp_seconds += time.perf_counter() - began
        if code != pywraplp.Solver.OPTIMAL:
            return None
        value = self.lp.Objective().Value()
        real = {kind: [r.constraint.dual_value() for r in rows] for kind, rows in self._kinds().items()}
        duals = self.scaled(real)
        # The convexity duals: a roster enters the master when its cost − π·a is below its person's.
        duals["convexity"] = [round(c.dual_value() * SCALE) for c in self.convexity]
        return value, duals, real

    def scaled(self, pi: dict[str, list[float]]) -> dict[str, list[int]]:
        """The multipliers ×SCALE as integers, inside the set where the bound holds."""
        out: dict[str, list[int]] = {}
        for kind, rows in self._kinds().items():
            if kind == "fairness":
                continue
            out[kind] = [
                int(min(max(round(v * SCALE), r.lo * SCALE), r.hi * SCALE))
                for v, r in zip(pi[kind], rows, strict=True)
            ]
        fair = [max(0, math.floor(v * SCALE)) for v in pi["fairness"]]
        cap, total = self.fairness_weight * SCALE, sum(fair)
        if total > cap:  # Σ π_fairness ≤ weights.fairness, else `worst` would pay to grow
            fair = [f * cap // total for f in fair]
        out["fairness"] = fair
        out["convexity"] = [0] * len(self.people)
        return out

    # ---- pricing -------------------------------------------------------------------------------------

    def _upper(self, pi: int, prices: _Prices) -> float:
        """The least reduced cost (×SCALE) of person `pi`'s columns under `prices` (each keeps their hard
        rules, so their cheapest roster costs at most this); infinite without a column."""
        cells, fair = prices.cells[pi], prices.unmet.get(pi, 0)
        return min(
            (
                sum(cells.get(cell, 0) for cell in c.shifts) + SCALE * c.cost + fair * c.unmet
                for c in self.by_person[pi]
                if not c.routes
            ),
            default=math.inf,
        )

    def _programme(self, pi: int) -> DayProgramme | None:
        if pi not in self.programmes:
            usable = self.pricing_method != "cpsat" and DayProgramme.applicable(self.problem, pi)
            self.programmes[pi] = DayProgramme(self.problem, pi) if usable else None
        return self.programmes[pi]

    def _model(self, pi: int) -> _Pricing:
        found = self.pricing.get(pi)
        if found is None:
            found = self.pricing[pi] = _Pricing(self.problem, pi, bool(self.continuity))
        return found

    def prices(self, duals: dict[str, list[int]]) -> _Prices:
        """The reduced-cost coefficients (×SCALE) the multipliers give each decision of a roster."""
        cover = duals["cover"]
        cells = [
            {cell: -sum(cover[i] for i in rows) for cell, rows in self.cell_cover[pi].items()}
            for pi in range(len(self.people))
        ]
        return _Prices(
            cells=cells,
            slots={key: -dual for key, dual in zip(self.slots, duals["slots"], strict=True)},
            serves={ri: -dual for ri, dual in zip(self.continuity, duals["continuity"], strict=True)},
            unmet={pi: dual for pi, dual in zip(self.fairness, duals["fairness"], strict=True)},
            convexity=duals["convexity"],
        )

    def rhs_part(self, duals: dict[str, list[int]]) -> int:
        """Σ π·rhs over the coupling rows (×SCALE)."""
        total = sum(d * r.rhs for d, r in zip(duals["cover"], self.cover, strict=True))
        total += sum(duals["slots"])  # rhs 1
        total += sum(duals["continuity"])  # rhs 1
        return total  # fairness rows have rhs 0

    def _free_bound(self, pi: int, prices: _Prices) -> int:
        """A lower bound (×SCALE) on person `pi`'s least reduced cost that reads none of their hard
        rules: each day alone, off (0) or its cheapest shift and route. Own costs, continuity and
        fairness only add (their coefficients are ≥ 0). Without the person's model (not built in time)
        every shift and every route slot of the day counts as open to them."""
        cells = prices.cells[pi]
        model = self.pricing.get(pi)
        if model is not None:
            shifts: Iterable[tuple[int, int]] = model.x
            slots: Iterable[tuple[int, int, int]] = model.y
        else:
            shifts = [(d, si) for d in range(len(self.dates)) for si in range(len(self.shift_pos))]
            slots = self.slots
        route_gain: dict[tuple[int, int], int] = defaultdict(int)
        for d, si, ri in slots:
            route_gain[d, si] = min(route_gain[d, si], prices.slots.get((d, si, ri), 0))
        best: dict[int, int] = defaultdict(int)
        for d, si in shifts:
            best[d] = min(best[d], cells.get((d, si), 0) + route_gain[d, si])
        return sum(best.values())

    def price(
        self, pi: int, prices: _Prices, deadline: float, sharing: int | None = None
    ) -> tuple[int, list[Column], bool]:
        """A lower bound (×SCALE) on person `pi`'s least reduced cost under `prices`, the rosters that
        enter the master, and whether the minimum was proven. The solve gets an even share of the time
        to `deadline` among `sharing` people (default: everybody; `workers` at once), at most
        `PRICING_MAX_TIME`; past the deadline the person's model is not even built and the bound is
        `_free_bound`'s."""
        if stopped(self.stop) or (pi not in self.pricing and time.perf_counter() >= deadline):
            return self._free_bound(pi, prices), [], False
        n = sharing or len(self.people)
        if self.pricing_method == "dp":
            found = self._price_dp(pi, prices, deadline, n)
            if found is not None:
                return found
        outcome = self._price_cpsat(pi, prices, deadline, n)
        if self.pricing_method == "auto" and not outcome[2]:
            # CP-SAT did not prove this person's minimum in its time (the heavy tail of the long
            # horizons): the day programme, where it applies, gets the same time again and is exact.
            found = self._price_dp(pi, prices, deadline, n)
            if found is not None:
                return found[0], outcome[1] + found[1], True
        return outcome

    def _price_dp(
        self, pi: int, prices: _Prices, deadline: float, n: int
    ) -> tuple[int, list[Column], bool] | None:
        """`price` by the person's day programme; None where it does not apply or gave way (too many
        labels or out of time: the person is then left to CP-SAT for the rest of the run)."""
        programme = self._programme(pi)
        if programme is None:
            return None
        time_limit = min(PRICING_MAX_TIME, (deadline - time.perf_counter()) * self.workers / n)
        if time_limit < PRICING_MIN_TIME:
            return None
        rosters = programme.price(
            prices.cells[pi],
            prices.unmet.get(pi, 0),
            SCALE,
            best=COLUMNS_PER_PRICING,
            deadline=time.perf_counter() + time_limit,
            upper=self._upper(pi, prices),
        )
        if rosters is None:
            log.debug("person %s: day programme too big or slow, CP-SAT prices them", self.people[pi].id)
            self.programmes[pi] = None
            return None
        if not rosters:  # the person has no roster at all: the problem has no rota
            raise NoRoster(self.people[pi].id)
        new = [
            Column(pi, r.shifts, frozenset(), r.own, r.unmet)
            for r in rosters
            if r.reduced < prices.convexity[pi]
        ]
        return rosters[0].reduced, new, True

    def _price_cpsat(
        self, pi: int, prices: _Prices, deadline: float, n: int
    ) -> tuple[int, list[Column], bool]:
        """`price` by the person's own CP-SAT model."""
        model = self._model(pi)
        time_limit = min(PRICING_MAX_TIME, (deadline - time.perf_counter()) * self.workers / n)
        cells, slot, serve, unmet_dual = prices.cells[pi], prices.slots, prices.serves, prices.unmet
        free = self._free_bound(pi, prices)
        if time_limit < PRICING_MIN_TIME:
            return free, [], False
        variables: list[cp_model.LinearExprT] = []
        coeffs: list[int] = []
        for cell, var in model.x.items():
            c = cells.get(cell, 0)
            if c:
                variables.append(var)
                coeffs.append(c)
        for key, var in model.y.items():
            c = slot.get(key, 0)
            if c:
                variables.append(var)
                coeffs.append(c)
        for ri, var in model.serves.items():
            c = serve.get(ri, 0)
            if c:
                variables.append(var)
                coeffs.append(c)
        variables.extend(model.own_exprs)
        coeffs.extend(w * SCALE for w in model.own_weights)
        fair = unmet_dual.get(pi, 0)
        if fair:
            variables.extend(model.unmet_exprs)
            coeffs.extend(w * fair for w in model.unmet_weights)
        cp = model.v.cp
        cp.minimize(cp_model.LinearExpr.weighted_sum(variables, coeffs))
        cp.clear_hints()
        if model.hint is not None:
            hint = cp.proto.solution_hint
            hint.vars.extend(range(len(model.hint)))
            hint.values.extend(model.hint)
        solver = make_solver(time_limit, workers=1, seed=self.seed)
        # The full LP relaxation: on the example team's people, 9 of 9 pricing solves proven optimal in
        # 0.07 s each, against 4 of 9 in 3 s with the default level.
        solver.parameters.linearization_level = 2
        collect = _Collect(model)
        code = solver.solve(cp, collect)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            model.hint = list(solver.response_proto.solution)
            bound = math.floor(solver.best_objective_bound + 1e-6)
        else:
            bound = free
        proven = code == cp_model.OPTIMAL
        if code == cp_model.INFEASIBLE:  # the person has no roster at all: the problem has no rota
            raise NoRoster(self.people[pi].id)
        new = [col for rc, col in collect.found[-COLUMNS_PER_PRICING:] if rc < prices.convexity[pi]]
        return max(bound, free), new, proven

    # ---- diving on the LP ----------------------------------------------------------------------------

    def dive(self, deadline: float) -> list[Assignment] | None:
        """A rota by diving on the master LP over the columns found: solve the LP, fix every person whose
        column is (nearly) whole and the largest fraction among the others, solve again, until each
        person has one column. A column whose fixing leaves the LP without a solution (two people on
        one route slot) is barred instead. Without the box-step columns (they let rows be broken at a
        price), so each LP is the true restricted master. None when the deadline passes first."""
        saved = [
            (var, var.ub()) for _, row in self.all_rows() for var in (row.up, row.down) if var is not None
        ]
        for var, _ in saved:
            var.SetUb(0)
        fixed: dict[int, int] = {}  # person → column index
        bounds = [(var, var.lb(), var.ub()) for var in self.lambdas]
        try:
            while len(fixed) < len(self.people):
                if time.perf_counter() >= deadline or self.lp.Solve() != pywraplp.Solver.OPTIMAL:
                    return None
                values = [var.solution_value() for var in self.lambdas]
                free = [j for j, c in enumerate(self.columns) if c.person not in fixed and values[j] > 1e-6]
                if not free:
                    return None
                whole = [j for j in free if values[j] >= 1 - 1e-6]
                choice = whole or [max(free, key=lambda j: values[j])]
                for j in choice:
                    pi = self.columns[j].person
                    self._fix(pi, j)
                    if not whole and self.lp.Solve() != pywraplp.Solver.OPTIMAL:
                        self._unfix(pi)
                        self.lambdas[j].SetUb(0)  # bar the column; the next LP picks another
                        continue
                    fixed[pi] = j
            return self.assignments([self.columns[j] for j in fixed.values()])
        finally:
            for var, lb, ub in bounds:
                var.SetBounds(lb, ub)
            for var, ub in saved:
                var.SetUb(ub)

    def _fix(self, pi: int, chosen: int) -> None:
        for j, column in enumerate(self.columns):
            if column.person == pi:
                value = 1.0 if j == chosen else 0.0
                self.lambdas[j].SetBounds(value, value)

    def _unfix(self, pi: int) -> None:
        for j, column in enumerate(self.columns):
            if column.person == pi:
                self.lambdas[j].SetBounds(0, 1)

    # ---- the integer master --------------------------------------------------------------------------

    def integer_rota(
        self, time_limit: float, hint: Sequence[Assignment] | None = None
    ) -> list[Assignment] | None:
        """The best rota made of one column per person under the full objective (CP-SAT, at most
        `time_limit` seconds); None if none was found."""
        cp = cp_model.CpModel()
        by_person: dict[int, list[int]] = defaultdict(list)
        for j, column in enumerate(self.columns):
            by_person[column.person].append(j)
        z = [cp.new_bool_var(f"z{j}") for j in range(len(self.columns))]
        for pi in range(len(self.people)):
            cp.add_exactly_one([z[j] for j in by_person[pi]])
        cost_vars: list[cp_model.LinearExprT] = []
        cost_weights: list[int] = []
        for j, column in enumerate(self.columns):
            if column.cost:
                cost_vars.append(z[j])
                cost_weights.append(column.cost)
        cover_terms: list[list[int]] = [[] for _ in self.cover]
        slot_terms: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        serves: dict[tuple[int, int], list[int]] = defaultdict(list)
        for j, column in enumerate(self.columns):
            for cell in column.shifts:
                for i in self.cell_cover[column.person].get(cell, ()):
                    cover_terms[i].append(j)
            for slot in column.routes:
                slot_terms[slot].append(j)
            for ri in {ri for _, _, ri in column.routes}:
                serves[ri, column.person].append(j)
        n_people = len(self.people)
        for i, row in enumerate(self.cover):
            n = cp_model.LinearExpr.sum([z[j] for j in cover_terms[i]])
            under_w, over_w = row.hi, -row.lo
            if under_w > 0:
                under = cp.new_int_var(0, row.rhs, "")
                cp.add(under >= row.rhs - n)
                cost_vars.append(under)
                cost_weights.append(int(under_w))
            if over_w > 0:
                over = cp.new_int_var(0, n_people, "")
                cp.add(over >= n - row.rhs)
                cost_vars.append(over)
                cost_weights.append(int(over_w))
        for key, row in self.slots.items():
            js = slot_terms.get(key, [])
            cp.add(cp_model.LinearExpr.sum([z[j] for j in js]) <= 1)
            if row.hi > 0:
                cost_vars.append(1 - cp_model.LinearExpr.sum([z[j] for j in js]))
                cost_weights.append(int(row.hi))
        for ri, row in self.continuity.items():
            carers = [cp_model.LinearExpr.sum([z[j] for j in js]) for (r, _), js in serves.items() if r == ri]
            if len(carers) < 2:
                continue
            extra = cp.new_int_var(0, len(carers), "")
            cp.add(extra >= cp_model.LinearExpr.sum(carers) - 1)
            cost_vars.append(extra)
            cost_weights.append(int(-row.lo))
        if self.fairness:
            top = max((c.unmet for c in self.columns), default=0)
            worst = cp.new_int_var(0, top, "")
            for pi in self.fairness:
                js = [j for j in by_person[pi] if self.columns[j].unmet]
                if js:
                    cp.add(
                        worst
                        >= cp_model.LinearExpr.weighted_sum(
                            [z[j] for j in js], [self.columns[j].unmet for j in js]
                        )
                    )
            cost_vars.append(worst)
            cost_weights.append(self.fairness_weight)
        cp.minimize(cp_model.LinearExpr.weighted_sum(cost_vars, cost_weights))
        if hint is not None:
            wanted = self._columns_of(hint)
            for j, column in enumerate(self.columns):
                cp.add_hint(z[j], int(wanted.get(column.person) == (column.shifts, column.routes)))
        solver = make_solver(time_limit, workers=self.workers, seed=self.seed)
        code = solver.solve(cp)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = [self.columns[j] for j in range(len(self.columns)) if solver.boolean_value(z[j])]
        return self.assignments(chosen)

    def _columns_of(self, rota: Sequence[Assignment]) -> dict[int, tuple[frozenset, frozenset]]:
        start = self.problem.horizon.start
        pos = {p.id: i for i, p in enumerate(self.people)}
        shifts: dict[int, set[tuple[int, int]]] = defaultdict(set)
        routes: dict[int, set[tuple[int, int, int]]] = defaultdict(set)
        for a in rota:
            pi, d, si = pos[a.staff], (a.date - start).days, self.shift_pos[a.shift]
            shifts[pi].add((d, si))
            if a.route is not None:
                routes[pi].add((d, si, self.route_pos[a.route]))
        return {pi: (frozenset(shifts[pi]), frozenset(routes[pi])) for pi in range(len(self.people))}

    def assignments(self, chosen: Sequence[Column]) -> list[Assignment]:
        codes = [s.code for s in self.problem.shift_types]
        ids = [r.id for r in self.problem.routes]
        out = []
        for column in chosen:
            route_of = {(d, si): ri for d, si, ri in column.routes}
            for d, si in column.shifts:
                ri = route_of.get((d, si))
                out.append(
                    Assignment(
                        staff=self.people[column.person].id,
                        date=self.dates[d],
                        shift=codes[si],
                        route=None if ri is None else ids[ri],
                    )
                )
        out.sort(key=lambda a: (a.date, a.staff))
        return out


class _Volume:
    """The volume algorithm (Barahona & Anbil 2000): a subgradient ascent on L(π) whose direction is a
    running average of the people's minimising rosters' row activities (an approximate LP primal), so it
    does not zig-zag between "nobody takes the slot" and "everybody does". Measured on the example team
    (`/work/notes/bench/gap.md`): from L = 20 at π = 0 to 147 in 20 trials and 195 in 70, where the
    master LP's duals (box step, in-out smoothing) never rose above 20 in 100 s. The fairness rows keep
    π = 0 (valid: the bound holds at any π in the set). `target` is an upper bound on the optimum (the
    incumbent's objective): the step is `step · (target − L(centre)) / ‖direction‖²`."""

    KINDS = ("cover", "slots", "continuity")

    def __init__(self, cg: ColumnGeneration, target: float) -> None:
        kinds = cg._kinds()
        self.rows = {kind: kinds[kind] for kind in self.KINDS}
        self.fairness = len(kinds["fairness"])
        self.target = target
        self.step = VOLUME_START_STEP
        self.misses = 0
        self.center: dict[str, list[float]] | None = None
        self.value = -math.inf
        self.average: dict[str, list[float]] | None = None
        self.direction: dict[str, list[float]] | None = None

    def next(
        self, tried: dict[str, list[float]], value: float, activity: dict[str, list[float]]
    ) -> dict[str, list[float]] | None:
        """The multipliers to try next (cost units, fairness 0), after `tried` gave L = `value` with the
        people's minimising rosters' row activities `activity`; None when the centre cannot be improved
        (no direction, or its bound reached the target)."""
        if self.center is None or self.average is None:
            self.center, self.value, self.average = tried, value, activity
        else:
            agrees = self.direction is not None and (
                sum(
                    (row.rhs - a) * d
                    for kind in self.KINDS
                    for row, a, d in zip(self.rows[kind], activity[kind], self.direction[kind], strict=True)
                )
                >= 0
            )
            self.average = {
                kind: [
                    VOLUME_AVERAGE * a + (1 - VOLUME_AVERAGE) * b
                    for a, b in zip(activity[kind], self.average[kind], strict=True)
                ]
                for kind in self.KINDS
            }
            if value > self.value:
                self.center, self.value, self.misses = tried, value, 0
                if agrees:
                    self.step *= VOLUME_GROWTH
            else:
                self.misses += 1
                if self.misses >= VOLUME_PATIENCE:
                    self.step *= VOLUME_SHRINK
                    self.misses = 0
        self.direction = {
            kind: [row.rhs - a for row, a in zip(self.rows[kind], self.average[kind], strict=True)]
            for kind in self.KINDS
        }
        norm = sum(d * d for values in self.direction.values() for d in values)
        if norm <= 1e-9 or self.value >= self.target:
            return None
        size = self.step * (self.target - self.value) / norm
        out = {
            kind: [
                min(max(c + size * d, row.lo), row.hi)
                for row, c, d in zip(self.rows[kind], self.center[kind], self.direction[kind], strict=True)
            ]
            for kind in self.KINDS
        }
        out["fairness"] = [0.0] * self.fairness
        return out


def _activity(cg: ColumnGeneration, rosters: dict[int, Column]) -> dict[str, list[float]]:
    """How much the given rosters (one per person at most) put into each coupling row."""
    slot_index = {key: i for i, key in enumerate(cg.slots)}
    route_index = {ri: i for i, ri in enumerate(cg.continuity)}
    out = {
        "cover": [0.0] * len(cg.cover),
        "slots": [0.0] * len(cg.slots),
        "continuity": [0.0] * len(cg.continuity),
    }
    for pi, column in rosters.items():
        for cell in column.shifts:
            for i in cg.cell_cover[pi].get(cell, ()):
                out["cover"][i] += 1
        for slot in column.routes:
            if slot in slot_index:
                out["slots"][slot_index[slot]] += 1
        for ri in {ri for _, _, ri in column.routes}:
            if ri in route_index:
                out["continuity"][route_index[ri]] += 1
    return out


def _round(
    cg: ColumnGeneration,
    prices: _Prices,
    deadline: float,
    threads: ThreadPoolExecutor | None,
    *,
    first: bool,
) -> list[tuple[int, list[Column], bool]]:
    """Every person's pricing outcome under `prices`, in person order. In the first round (at 0) a
    person with a column of cost 0 needs no solve (costs are ≥ 0: their minimum is 0), and the others
    go costliest first, sharing the time among themselves: on a big team the few with unavoidable own
    costs are then proven before the deadline."""
    n = len(cg.people)
    outcomes: list[tuple[int, list[Column], bool] | None] = [None] * n
    order = list(range(n))
    if first:
        cheapest: dict[int, int] = {}
        for column in cg.columns:
            cheapest[column.person] = min(cheapest.get(column.person, column.cost), column.cost)
        for p in order:
            if cheapest.get(p) == 0:
                outcomes[p] = (0, [], True)
        order = sorted((p for p in order if outcomes[p] is None), key=lambda p: -cheapest.get(p, 0))
    sharing = max(1, len(order))
    if threads is not None:
        found = threads.map(lambda p: cg.price(p, prices, deadline, sharing), order)
    else:
        found = (cg.price(p, prices, deadline, sharing) for p in order)
    for p, outcome in zip(order, found, strict=True):
        outcomes[p] = outcome
    return [o for o in outcomes if o is not None]


def run(
    problem: Problem,
    deadline: float,
    start: Sequence[Sequence[Assignment]],
    *,
    workers: int = 1,
    seed: int = 0,
    integer: bool = True,
    max_rounds: int | None = None,
    on_bound: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
    dual: Literal["box", "volume"] = "box",
    pricing: Pricing = "auto",
    lp: LpSolver = "GLOP",
    box_share: float = BOX_SHARE,
    known: int | None = None,
) -> Result:
    """Column generation until `deadline` (a `time.perf_counter()` value), from the columns of the rotas
    in `start` (each must keep every hard rule): the best Lagrangian bound and, with `integer`, the best
    rota of the columns (solved in the last share of the time). At most `max_rounds` pricing rounds (None:
    until the deadline or the LP is solved). `on_bound` hears of every better bound. A set `stop` (the
    planner's cancel, `SolveParams.stop`) ends it as the deadline would: no new pricing solve, no
    integer master. `dual` chooses the multipliers of the rounds after the first: "box" the master LP's
    duals in boxes around the best ones so far, "volume" the volume algorithm's (`_Volume`; no master LP
    is solved, the columns still serve the integer master; needs a start rota for its target). `pricing`:
    how each person's cheapest roster is found (`Pricing`); `lp`: the master LP's solver; `box_share`: the
    box step's half-width as a share of each row's price range; `known`: the cost of a rota known
    elsewhere (the search's), which ends the rounds once the bound reaches it, as a start rota's does."""
    began = time.perf_counter()
    cg = ColumnGeneration(problem, workers=workers, seed=seed, pricing=pricing, lp=lp, box_share=box_share)
    cg.stop = stop
    for rota in start:
        cg.add_rota(rota)
    result = Result(bound=0, lp=None, rota=None)
    n = len(cg.people)
    integer_time = 0.0
    if integer:
        integer_time = min(INTEGER_MAX_TIME, INTEGER_SHARE * (deadline - began))
    stop_pricing = deadline - integer_time
    threads = ThreadPoolExecutor(max_workers=cg.workers) if cg.workers > 1 else None
    upper = min(
        [check.objective(problem, rota) for rota in start] + ([] if known is None else [known]), default=None
    )
    best_total = -math.inf
    # Round 0 prices at 0 (each person's cheapest roster of their own: already a bound); later rounds
    # at the duals of the master whose rows' duals are kept in boxes around the best multipliers so far.
    center = {kind: [0.0] * len(rows) for kind, rows in cg._kinds().items()}
    duals = cg.scaled(center)
    volume = _Volume(cg, upper) if dual == "volume" and upper is not None else None
    # Each person's latest minimising roster (the volume algorithm's activities); the start's at first.
    latest = {column.person: column for column in cg.columns}
    if volume is not None or not cg.columns:
        # Every roster the pricing solve finds enters (the best is last): under the volume algorithm in
        # every round; without a start rota in the first, whose rosters are then the master's columns.
        duals["convexity"] = [_ANY] * n
    try:
        while not stopped(stop) and (stop_pricing - time.perf_counter()) * cg.workers >= n * PRICING_MIN_TIME:
            prices = cg.prices(duals)
            outcomes = _round(cg, prices, stop_pricing, threads, first=result.rounds == 0)
            total = cg.rhs_part(duals) + sum(o[0] for o in outcomes)
            bound = -(-total // SCALE)  # ceil: the objective is an integer
            added = 0
            for _, new, proven in outcomes:
                result.priced += 1
                result.proven += proven
                for column in new:
                    added += cg.add(column)
            result.rounds += 1
            log.debug(
                "colgen round %d lp %s bound %d (%.1f) columns +%d (%d) %.2f s",
                result.rounds,
                result.lp,
                bound,
                total / SCALE,
                added,
                len(cg.columns),
                time.perf_counter() - began,
            )
            if total > best_total:
                best_total = total
                center = {kind: [v / SCALE for v in values] for kind, values in duals.items()}
            if bound > result.bound:
                result.bound = bound
                result.history.append((time.perf_counter() - began, bound))
                if on_bound is not None:
                    on_bound(bound)
            if upper is not None and result.bound >= upper:
                break  # the incumbent is optimal
            if max_rounds is not None and result.rounds >= max_rounds:
                break
            if volume is not None:
                for pi, (_, new, _) in enumerate(outcomes):
                    if new:
                        latest[pi] = new[-1]
                tried = {kind: [v / SCALE for v in values] for kind, values in duals.items()}
                following = volume.next(tried, total / SCALE, _activity(cg, latest))
                if following is None:
                    break
                duals = cg.scaled(following)
                duals["convexity"] = [_ANY] * n
                continue
            complete = all(o[2] for o in outcomes)
            if added == 0 and complete and result.lp is not None:
                if not cg.box_binds():
                    break  # the master's LP is solved (no box binds, nothing prices out): L = its value
                cg.widen(BOX_GROWTH)  # nothing prices out, but the boxes bind: the best lies beyond
            cg.box(center)
            solved = cg.solve_lp()
            if solved is None:
                break
            result.lp, duals, _ = solved
        if integer and not stopped(stop):
            # Diving first (a few LP solves), then CP-SAT over the columns hinted with the better of
            # the dive's rota and the start; the cheaper of the two rotas is the result.
            began_dive = time.perf_counter()
            dived = cg.dive(began_dive + DIVE_SHARE * (deadline - began_dive))
            result.dived, result.dive_seconds = dived, time.perf_counter() - began_dive
            candidates = [
                rota for rota in (dived,) if rota is not None and not check.violations(problem, rota)
            ]
            hint = min([*candidates, *start], key=lambda r: check.objective(problem, r), default=None)
            left = min(INTEGER_MAX_TIME, deadline - time.perf_counter())
            if left > PRICING_MIN_TIME:
                made = cg.integer_rota(left, hint)
                if made is not None:
                    candidates.append(made)
            if candidates:
                result.rota = min(candidates, key=lambda r: check.objective(problem, r))
    finally:
        if threads is not None:
            threads.shutdown()
    result.columns = len(cg.columns)
    result.lp_seconds = cg.lp_seconds
    return result
