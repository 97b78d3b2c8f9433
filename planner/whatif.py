"""What-if moves of the rota meeting, answered from a rota and its problem (pure: no database).

A move is one of: a person takes a cell ("Anne takes Mette's Saturday", or an open shift), two cells
swap their contents, or a person is off a day. `what_if` applies it, asks the independent checker
(`solver/check.py`) whether every hard rule still holds and what the rota costs, and — when a rule
breaks — looks for the best repair: a small CP-SAT re-solve that keeps the move fixed and may change
only the cells of a window around it.

The window (`window`): every person on the move's days ±2, and the people the move touches on every
day of the period. Why: the rules a single move breaks are local in time for the others (a hole in the
cover that day; rest and successions reach two days, `docs/rules.md` rule 6), but a person's own rules
can reach the whole period (hours, shifts per type, weekends), so the people moved may need to give or
take a shift anywhere. Everything else stays as it is.

"Best" means the least of the checker's cost plus `CHANGE_WEIGHT` for every cell the repair changes
beyond the move (the price the re-solve puts on a changed draft cell): a meeting wants the rota kept as
it is where a change saves little. It is the best CP-SAT finds within `REPAIR_SECONDS` (model building
included): first in the near neighbourhood (everyone on the move's days ±1), then in the whole window
starting from there; `optimal` only when proven for the whole window. The stated cost of every answer
is `check.objective` of the resulting rota — never the model's own figure, which includes that price.

The services (`planner/services/meeting.py`) read the rota, add the meeting's accepted moves as locks,
and store an accepted move; this module never writes.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model

from planner.texts import N_
from solver import check
from solver.build import OutOfTime, build
from solver.cpsat import fix, fixed, found, make_solver, set_hint
from solver.problem import Problem
from solver.solution import Assignment
from solver.variables import Vars

# Days either side of the move that the repair may change for everyone (rest reaches two days).
WINDOW_DAYS = 2
# The first, tighter neighbourhood the repair searches (everyone on the move's days ±1 only) and its
# share of the time: on the Uldum example it found repairs of a third of the cost the whole window gave
# in the same 2 s (the wider search space dilutes the search); the whole window follows, from there.
NEAR_DAYS = 1
NEAR_SHARE = 0.6
# What the repair counts for each cell it changes besides the move: the re-solve's default price of a
# changed draft cell (`SolveRequest.keep_weight`), so a repair moves another cell only when that saves
# more than a re-solve would charge for it. Never part of the stated cost.
CHANGE_WEIGHT = 5
WORKERS = 2
REPAIR_SECONDS = 2.0

MoveKind = Literal["take", "swap", "off"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One person's day: the shift (None: off) and route."""

    staff: str
    date: dt.date
    shift: str | None = None
    route: str | None = None


@dataclass(frozen=True, slots=True)
class Move:
    """`take`: `staff` works `shift` (`route`) on `date`; with `other`, that is `other`'s cell that day and
    `other` is off (`shift`/`route` then default to `other`'s cell). `swap`: the cells (`staff`, `date`)
    and (`other`, `other_date`) exchange their contents. `off`: `staff` is off on `date`."""

    kind: MoveKind
    staff: str
    date: dt.date
    shift: str | None = None
    route: str | None = None
    other: str | None = None
    other_date: dt.date | None = None


class MoveError(ValueError):
    """A move that cannot be applied to this rota; `field` names the part of it that is wrong."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.field = field
        self.template = message
        self.params = params


@dataclass(frozen=True, slots=True)
class Broken:
    """A hard rule the rota breaks: the checker's family (`rule`), the person and date when it has them,
    and the checker's English sentence."""

    rule: str
    staff: str | None
    date: dt.date | None
    message: str


@dataclass(slots=True)
class Repair:
    """The best repair found: the cells it changes beyond the move (before → after), the repaired rota
    and its cost by the checker. `found` is False when none was found; then `impossible` says whether it
    is proven that no rota within the window keeps the rules (else the time ran out first). `optimal`
    when CP-SAT proved the one found the best within the whole window."""

    found: bool
    optimal: bool = False
    impossible: bool = False
    cells: list[tuple[Cell, Cell]] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    cost: int | None = None
    cost_change: int | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class WhatIf:
    """A move's answer: the cells it changes (before → after), the rota after it, whether it keeps every
    hard rule (`broken` lists what it breaks), its cost by the checker and the change from now, and the
    best repair when it breaks a rule (and a repair was asked for)."""

    move: Move
    cells: list[tuple[Cell, Cell]]
    assignments: list[Assignment]
    broken: list[Broken]
    cost_before: int
    cost: int
    repair: Repair | None = None

    @property
    def holds(self) -> bool:
        return not self.broken

    @property
    def cost_change(self) -> int:
        return self.cost - self.cost_before


# ---- applying a move --------------------------------------------------------------------------------


def _cells(assignments: list[Assignment]) -> dict[tuple[str, dt.date], Cell]:
    return {(a.staff, a.date): Cell(a.staff, a.date, a.shift, a.route) for a in assignments}


def _validate(problem: Problem, move: Move) -> None:
    people = {p.id for p in problem.staff}
    first, last = problem.horizon.start, problem.horizon.last_day
    for name, who in (("staff", move.staff), ("other", move.other)):
        if who is not None and who not in people:
            raise MoveError(name, N_("unknown person {staff!r}"), staff=who)
    for name, when in (("date", move.date), ("other_date", move.other_date)):
        if when is not None and not first <= when <= last:
            raise MoveError(
                name, N_("{date} is not in the rota ({first} – {last})"), date=when, first=first, last=last
            )
    if move.shift is not None and move.shift not in {s.code for s in problem.shift_types}:
        raise MoveError("shift", N_("unknown shift {shift!r}"), shift=move.shift)
    if move.route is not None and move.route not in {r.id for r in problem.routes}:
        raise MoveError("route", N_("unknown route {route!r}"), route=move.route)
    if move.route is not None and move.shift is None and move.other is None:
        raise MoveError("shift", N_("a route needs its shift"))
    if move.kind == "swap" and (move.other is None or move.other_date is None):
        raise MoveError("other", N_("a swap needs the other cell (person and date)"))
    if move.kind == "swap" and (move.staff, move.date) == (move.other, move.other_date):
        raise MoveError("other", N_("a cell cannot swap with itself"))
    if move.kind == "take" and move.other == move.staff:
        raise MoveError("other", N_("a person cannot take a cell from themselves"))
    if move.kind == "off" and (move.shift is not None or move.route is not None):
        raise MoveError("shift", N_("a day off has no shift or route"))


def move_cells(problem: Problem, assignments: list[Assignment], move: Move) -> list[tuple[Cell, Cell]]:
    """The cells `move` changes, each (now, after), in the move's order; `MoveError` naming the field
    when the move does not fit the rota. Taking a route slot leaves its holder the shift without the
    route (as `planner.meeting.slot_candidates` does)."""
    _validate(problem, move)
    now = _cells(assignments)

    def at(staff: str, day: dt.date) -> Cell:
        return now.get((staff, day), Cell(staff, day))

    changes: dict[tuple[str, dt.date], Cell] = {}
    if move.kind == "off":
        changes[move.staff, move.date] = Cell(move.staff, move.date)
    elif move.kind == "swap":
        assert move.other is not None and move.other_date is not None
        a, b = at(move.staff, move.date), at(move.other, move.other_date)
        changes[a.staff, a.date] = Cell(a.staff, a.date, b.shift, b.route)
        changes[b.staff, b.date] = Cell(b.staff, b.date, a.shift, a.route)
    else:
        shift, route = move.shift, move.route
        if move.other is not None:
            theirs = at(move.other, move.date)
            if theirs.shift is None:
                raise MoveError(
                    "other",
                    N_("{other} is off on {date}: there is no cell to take"),
                    other=next((p.name or p.id for p in problem.staff if p.id == move.other), move.other),
                    date=move.date,
                )
            if shift is None:
                shift, route = theirs.shift, theirs.route
            changes[move.other, move.date] = Cell(move.other, move.date)
        if shift is None:
            raise MoveError("shift", N_("say which shift to take"))
        if route is not None:
            for cell in now.values():
                if (
                    cell.date == move.date
                    and cell.route == route
                    and cell.staff not in (move.staff, move.other)
                ):
                    changes[cell.staff, cell.date] = Cell(cell.staff, cell.date, cell.shift)
        changes[move.staff, move.date] = Cell(move.staff, move.date, shift, route)
    out = [(at(s, d), after) for (s, d), after in changes.items()]
    changed = [(before, after) for before, after in out if before != after]
    if not changed:
        raise MoveError("staff", N_("the move changes nothing: the rota already has it"))
    return changed


def apply(assignments: list[Assignment], cells: list[tuple[Cell, Cell]]) -> list[Assignment]:
    """The rota with each cell set to its `after` (None shift: off), sorted by date and person."""
    touched = {(after.staff, after.date): after for _, after in cells}
    out = [a for a in assignments if (a.staff, a.date) not in touched]
    out += [
        Assignment(staff=c.staff, date=c.date, shift=c.shift, route=c.route)
        for c in touched.values()
        if c.shift
    ]
    return sorted(out, key=lambda a: (a.date, a.staff))


def broken(problem: Problem, assignments: list[Assignment]) -> list[Broken]:
    """The hard rules the rota breaks, by the checker."""
    return [Broken(v.rule, v.staff, v.date, v.message) for v in check.violations(problem, assignments)]


def diff(before: list[Assignment], after: list[Assignment]) -> list[tuple[Cell, Cell]]:
    """The cells that differ between two rotas, (before, after), by date and person."""
    a, b = _cells(before), _cells(after)
    keys = sorted(set(a) | set(b), key=lambda k: (k[1], k[0]))
    return [
        (a.get(k, Cell(*k)), b.get(k, Cell(*k))) for k in keys if a.get(k, Cell(*k)) != b.get(k, Cell(*k))
    ]


# ---- the question -----------------------------------------------------------------------------------


def what_if(
    problem: Problem,
    assignments: list[Assignment],
    move: Move,
    *,
    repair: bool = True,
    time_limit: float = REPAIR_SECONDS,
    seed: int = 0,
) -> WhatIf:
    """The answer to "what if we made this move?" (see the module's docstring); `repair=False` skips the
    repair search (the answer is then the checker's alone)."""
    cells = move_cells(problem, assignments, move)
    after = apply(assignments, cells)
    answer = WhatIf(
        move=move,
        cells=cells,
        assignments=after,
        broken=broken(problem, after),
        cost_before=check.objective(problem, assignments),
        cost=check.objective(problem, after),
    )
    if answer.broken and repair:
        answer.repair = best_repair(problem, assignments, cells, time_limit=time_limit, seed=seed)
    return answer


def window(
    problem: Problem, cells: list[tuple[Cell, Cell]], days: int = WINDOW_DAYS
) -> set[tuple[str, dt.date]]:
    """The (person, date) cells a repair may change: everyone on the move's days ±`days`, and the people
    the move touches on every day; the move's own cells are not among them (they are fixed)."""
    dates = problem.horizon.dates()
    near = {d for _, c in cells for d in dates if abs((d - c.date).days) <= days}
    people = {c.staff for _, c in cells}
    fixed = {(c.staff, c.date) for _, c in cells}
    free = {(p.id, d) for p in problem.staff for d in near}
    free |= {(p, d) for p in people for d in dates}
    return free - fixed


def best_repair(
    problem: Problem,
    assignments: list[Assignment],
    cells: list[tuple[Cell, Cell]],
    *,
    time_limit: float = REPAIR_SECONDS,
    seed: int = 0,
    change_weight: int = CHANGE_WEIGHT,
) -> Repair:
    """The rota that keeps the move's cells, changes only cells of `window(problem, cells)` and is the
    cheapest by the checker's cost plus `change_weight` for each cell it changes (the best CP-SAT finds in
    `time_limit` seconds, model building included); `found` False when it finds none (`impossible` when
    CP-SAT proves there is none). The cells are given against the rota after the move (`cells` are not
    repeated); the cost is `check.objective` of the repaired rota."""
    started = time.perf_counter()
    moved = apply(assignments, cells)
    free = window(problem, cells)
    try:
        v = build(problem, deadline=started + time_limit)
    except OutOfTime:
        return Repair(found=False, seconds=time.perf_counter() - started)
    now = _values(v, moved)
    fixed_cells = {(c.staff, c.date): c for _, c in cells}
    in_cell: dict[tuple[str, dt.date], list[cp_model.LinearExprT]] = {}
    pinned: dict[int, int] = {}  # proto index -> value: the move's cells and everything outside the window
    hint: list[tuple[cp_model.IntVar, int]] = []
    for key, var in [*v.x.items(), *v.y.items()]:
        pi, d = key[0], key[1]
        person, day = v.people[pi].id, v.dates[d]
        value = now.get(key, 0)
        if (person, day) in fixed_cells:
            wanted = _fixed_value(v, key, fixed_cells[person, day])
            if wanted is not None:
                pinned[var.index] = wanted
            continue
        if (person, day) not in free:
            pinned[var.index] = value
            continue
        in_cell.setdefault((person, day), []).append(var if value == 0 else 1 - var)
        hint.append((var, value))
    for _, c in cells:  # a move onto a shift the person can never work has no variable to fix
        if c.shift is not None:
            pi, d, si = v.person_pos[c.staff], v.day_index(c.date), v.shift_pos[c.shift]
            if (pi, d, si) not in v.x or (
                c.route is not None and (pi, d, si, v.route_pos[c.route]) not in v.y
            ):
                return Repair(found=False, impossible=True, seconds=time.perf_counter() - started)
    fix(v.cp, pinned)
    changed = []
    for (person, day), differs in in_cell.items():
        flag = v.cp.new_bool_var(f"changed[{person},{day}]")
        for expr in differs:
            v.cp.add(flag >= expr)
        changed.append(flag)
    v.cp.minimize(
        cp_model.LinearExpr.weighted_sum([t.expr for t in v.terms], [t.weight for t in v.terms])
        + change_weight * cp_model.LinearExpr.sum(changed)
    )
    set_hint(v.cp, None)
    for var, value in hint:
        v.cp.add_hint(var, value)
    # First the near neighbourhood (the cells of the window outside it pinned for a while), then the
    # whole window in the time left, starting from the near repair when there is one.
    near = {
        (person, day) for person, day in free if any(abs((day - c.date).days) <= NEAR_DAYS for _, c in cells)
    }
    far = {
        var.index: now.get(key, 0)
        for key, var in [*v.x.items(), *v.y.items()]
        if (v.people[key[0]].id, v.dates[key[1]]) in free - near
    }
    near_rota: tuple[float, list[Assignment]] | None = None  # (model objective, rota) of the near search
    if far:
        with fixed(v.cp, far):
            left = max(0.05, (time_limit - (time.perf_counter() - started)) * NEAR_SHARE)
            solver = make_solver(left, workers=WORKERS, seed=seed)
            if found(solver.solve(v.cp)):
                near_rota = (solver.objective_value, v.assignments(solver))
                # the whole window starts from it
                v.cp.clear_hints()
                for var in [*v.x.values(), *v.y.values()]:
                    v.cp.add_hint(var, solver.boolean_value(var))
    left = time_limit - (time.perf_counter() - started)
    status = cp_model.UNKNOWN
    repaired: list[Assignment] | None = None
    if near_rota is None or left > 0.1:
        solver = make_solver(max(0.05, left), workers=WORKERS, seed=seed)
        status = solver.solve(v.cp)
        if found(status) and (near_rota is None or solver.objective_value <= near_rota[0]):
            repaired = v.assignments(solver)
    if repaired is None and near_rota is not None:
        repaired, status = near_rota[1], cp_model.FEASIBLE
    seconds = time.perf_counter() - started
    if repaired is None:
        return Repair(found=False, impossible=status == cp_model.INFEASIBLE, seconds=seconds)
    cost = check.objective(problem, repaired)
    return Repair(
        found=True,
        optimal=status == cp_model.OPTIMAL,
        cells=diff(moved, repaired),
        assignments=repaired,
        cost=cost,
        cost_change=cost - check.objective(problem, assignments),
        seconds=seconds,
    )


def _values(v: Vars, assignments: list[Assignment]) -> dict[tuple[int, ...], int]:
    """The model's x and y keys that are 1 in `assignments` (everything else is 0)."""
    out: dict[tuple[int, ...], int] = {}
    for a in assignments:
        pi, si = v.person_pos.get(a.staff), v.shift_pos.get(a.shift)
        if pi is None or si is None:
            continue
        d = v.day_index(a.date)
        out[pi, d, si] = 1
        if a.route is not None and a.route in v.route_pos:
            out[pi, d, si, v.route_pos[a.route]] = 1
    return out


def _fixed_value(v: Vars, key: tuple[int, ...], cell: Cell) -> int | None:
    """The value a variable of a moved cell must take: its shift worked (and its route, when the move
    names one; without a route the repair may give the person a route in that shift)."""
    si = key[2]
    works = cell.shift is not None and v.shift_pos[cell.shift] == si
    if len(key) == 3:
        return int(works)
    if not works:
        return 0
    if cell.route is None:
        return None
    return int(v.route_pos[cell.route] == key[3])
