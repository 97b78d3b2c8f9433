"""The variable container: every CP-SAT variable of a rota model, and the queries rule code needs.

Rule modules ask this container for "does person p work shift s on day d" instead of indexing raw
tuples, and register their soft terms here. Hard rules go through `hard()`, so that the same model can
be built with one enforcement literal per (person, rule) to explain infeasibility.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from solver.clock import Clock
from solver.families import Params, render
from solver.problem import Problem, Route, ShiftType, Staff
from solver.solution import Assignment

LinearExpr = cp_model.LinearExprT
_BOOL = Domain(0, 1)  # shared: `new_bool_var` builds a new Domain per variable (1.2 M on Curtois Instance24)


@dataclass
class Term:
    """One soft cost: `weight × value(expr)`, with what it is about and how to say it: `message` (an id of
    `solver/families.py`) and `params`, the message's params given the term's value in a rota."""

    family: str
    weight: int
    expr: LinearExpr
    message: str
    params: Callable[[int], Params]
    staff: str | None = None
    date: dt.date | None = None
    shift: str | None = None
    route: str | None = None


@dataclass
class Guard:
    """An enforcement literal for one hard rule of one person (used only to explain infeasibility); the
    rule is `message` with `params`, in English `rule`."""

    literal: cp_model.IntVar
    staff: str | None
    message: str
    params: Params

    @property
    def rule(self) -> str:
        return render(self.message, self.params)


def same_params(params: Params) -> Callable[[int], Params]:
    """A term's `params` when they do not depend on the term's value in a rota."""
    return lambda _n: params


def qualified(person: Staff, skills: list[str]) -> bool:
    """True when `skills` is empty or the person has at least one of them."""
    return not skills or any(s in person.skills for s in skills)


def works_shift(person: Staff, shift: ShiftType) -> bool:
    """True when the model gives the person a choice of this shift: qualified, and not barred by a
    contract maximum of 0 for its type."""
    return qualified(person, shift.skills) and person.contract.max_shifts.get(shift.code, 1) > 0


def outside_favourites(person: Staff, route: Route) -> bool:
    """True when the person names favourites and the route is neither among their routes nor in their
    districts (docs/rules.md, route favourites)."""
    if not (person.favourite_routes or person.favourite_districts):
        return False
    return route.id not in person.favourite_routes and route.district not in person.favourite_districts


class OutOfTime(Exception):
    """The model was not built by its deadline (`solver.build.build(deadline=...)`)."""


# How many soft terms are registered between two looks at the build's deadline.
DEADLINE_EVERY_TERMS = 4096


@dataclass
class Vars:
    """All decision variables of one model, indexed by (person, day, shift[, route]) positions."""

    problem: Problem
    cp: cp_model.CpModel
    explain_mode: bool = False
    x: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    y: dict[tuple[int, int, int, int], cp_model.IntVar] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    guards: dict[tuple[str | None, str, tuple[tuple[str, str | int | float], ...]], Guard] = field(
        default_factory=dict
    )
    # A `time.perf_counter()` value: building past it raises `OutOfTime` (None: no deadline).
    deadline: float | None = None
    # Per person position: the route positions they may be put on (None: every route they are qualified
    # for). A narrowed model (`solver.model.narrowed_routes`) is a heuristic: its rotas keep every rule,
    # but its optimum and bound are those of the narrowed model, not of the problem.
    routes_of: Mapping[int, Collection[int]] | None = None

    def __post_init__(self) -> None:
        p = self.problem
        self.people: list[Staff] = list(p.staff)
        self.shifts: list[ShiftType] = list(p.shift_types)
        self.routes: list[Route] = list(p.routes)
        self.dates: list[dt.date] = p.horizon.dates()
        self.days = len(self.dates)
        self.clock = Clock.of(p)
        # length[d][si]: the real minutes of shift si worked on day d (solver/clock.py)
        self.length = [[self.clock.minutes(s.code, d) for s in self.shifts] for d in range(self.days)]
        self.shift_pos = {s.code: i for i, s in enumerate(self.shifts)}
        self.person_pos = {s.id: i for i, s in enumerate(self.people)}
        self.route_pos = {r.id: i for i, r in enumerate(self.routes)}
        self.y_by_pds: dict[tuple[int, int, int], list[cp_model.IntVar]] = defaultdict(list)
        self.y_by_slot: dict[tuple[int, int, int], list[cp_model.IntVar]] = defaultdict(list)
        self.x_by_person: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
        # history[pi][d] for a day d < 0 (docs/rules.md, "Before the horizon"): the shift position person
        # pi worked, or None when known to be off; a day without an entry is not known. Fixed facts, not
        # variables. People not in the problem are skipped (a one-person copy keeps the whole history).
        self.history: dict[int, dict[int, int | None]] = defaultdict(dict)
        for past in p.history:
            pi = self.person_pos.get(past.staff)
            if pi is not None:
                si = None if past.shift is None else self.shift_pos[past.shift]
                self.history[pi][p.horizon.index(past.date)] = si
        self._create()

    # ---- creation ---------------------------------------------------------------------------------

    def _create(self) -> None:
        cp = self.cp
        proto = cp.proto

        def new_bool(name: str) -> cp_model.IntVar:
            return cp_model.IntVar(proto).with_name(name).with_domain(_BOOL)

        for pi, person in enumerate(self.people):
            allowed = [si for si, shift in enumerate(self.shifts) if works_shift(person, shift)]
            for d in range(self.days):
                for si in allowed:
                    var = new_bool(f"x[{person.id},{d},{self.shifts[si].code}]")
                    self.x[pi, d, si] = var
                    self.x_by_person[pi].append((d, si, var))
                w = new_bool(f"work[{person.id},{d}]")
                self.work[pi, d] = w
                cp.add(cp_model.LinearExpr.sum([self.x[pi, d, si] for si in allowed]) == w)
        for ri, route in enumerate(self.routes):
            for d, day in enumerate(self.dates):
                if day.weekday() not in route.weekdays:
                    continue
                for code in route.shifts:
                    si = self.shift_pos[code]
                    for pi, person in enumerate(self.people):
                        if (pi, d, si) not in self.x or not qualified(person, route.skills):
                            continue
                        if self.routes_of is not None and ri not in self.routes_of.get(pi, ()):
                            continue
                        var = cp.new_bool_var(f"y[{person.id},{d},{code},{route.id}]")
                        self.y[pi, d, si, ri] = var
                        self.y_by_pds[pi, d, si].append(var)
                        self.y_by_slot[ri, d, si].append(var)

    # ---- queries ------------------------------------------------------------------------------------

    def shift_var(self, pi: int, d: int, si: int) -> cp_model.IntVar | int:
        """x(p,d,s), or 0 when the person can never work that shift."""
        return self.x.get((pi, d, si), 0)

    def route_var(self, pi: int, d: int, si: int, ri: int) -> cp_model.IntVar | int:
        """on(p,d,s,r), or 0 when impossible."""
        return self.y.get((pi, d, si, ri), 0)

    def on_route_any_shift(self, pi: int, d: int, ri: int) -> LinearExpr:
        return sum(self.y.get((pi, d, si, ri), 0) for si in range(len(self.shifts)))

    def minutes(self, pi: int) -> LinearExpr:
        cells = self.x_by_person[pi]
        if not cells:
            return 0
        return cp_model.LinearExpr.weighted_sum(
            [var for _, _, var in cells], [self.length[d][si] for d, si, _ in cells]
        )

    def day_index(self, day: dt.date) -> int:
        return self.problem.horizon.index(day)

    def assignments(self, solver: cp_model.CpSolver) -> list[Assignment]:
        """The rota of a solved model: one assignment per shift variable set (with its route), by date
        and person."""
        route_of = {(pi, d, si): ri for (pi, d, si, ri), var in self.y.items() if solver.boolean_value(var)}
        out = []
        for (pi, d, si), var in self.x.items():
            if solver.boolean_value(var):
                ri = route_of.get((pi, d, si))
                out.append(
                    Assignment(
                        staff=self.people[pi].id,
                        date=self.dates[d],
                        shift=self.shifts[si].code,
                        route=None if ri is None else self.routes[ri].id,
                    )
                )
        return sorted(out, key=lambda a: (a.date, a.staff))

    def past_shift(self, pi: int, d: int) -> int | None:
        """The shift position person `pi` worked on day `d` < 0 (history), or None: off or not known."""
        return self.history.get(pi, {}).get(d)

    def past_known(self, pi: int, d: int, worked: bool) -> bool:
        """Whether the history says person `pi` worked (`worked`) or was off (not `worked`) on day `d` < 0."""
        days = self.history.get(pi, {})
        return d in days and (days[d] is not None) == worked

    def cell_params(self, pi: int, day: dt.date, shift: str | None, route: str | None) -> Params:
        """The params of a message about one person's day (`solver/families.py`): who, staff, date, shift
        and route ("" when not given)."""
        person = self.people[pi]
        return {
            "who": person.label,
            "staff": person.id,
            "date": day.isoformat(),
            "shift": shift or "",
            "route": route or "",
        }

    def with_history(self, params: Params) -> Params:
        """The params of a hard rule where it reads the days before the horizon: a conflict it takes part
        in then says so (`before`, the horizon's first date)."""
        return {**params, "before": self.dates[0].isoformat()}

    # ---- rule registration -------------------------------------------------------------------------

    def hard(
        self, constraint: cp_model.Constraint, staff: str | None, message: str, params: Params | None = None
    ) -> None:
        """Register a hard constraint, named by a message id and its params (`solver/families.py`); in
        explain mode it is enforced only under its guard literal, one per person and rule."""
        if not self.explain_mode:
            return
        params = {} if params is None else params
        key = (staff, message, tuple(sorted(params.items())))
        guard = self.guards.get(key)
        if guard is None:
            guard = Guard(self.cp.new_bool_var(f"guard[{staff}:{message}]"), staff, message, params)
            self.guards[key] = guard
        constraint.only_enforce_if(guard.literal)

    def impossible(self, staff: str | None, message: str, params: Params) -> None:
        """A hard rule that can never hold (e.g. a lock on a shift the person may not work)."""
        self.hard(self.cp.add_bool_or([]), staff, message, params)

    def soft(self, term: Term) -> None:
        """Register a soft cost; terms that can never cost anything are dropped."""
        if term.weight > 0 and not (isinstance(term.expr, int) and term.expr == 0):
            self.terms.append(term)
            if self.deadline is not None and len(self.terms) % DEADLINE_EVERY_TERMS == 0:
                self.in_time()

    def in_time(self) -> None:
        """`OutOfTime` once the build's deadline has passed."""
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OutOfTime()
