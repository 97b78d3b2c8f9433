"""The rule families, described once: name, hard or soft, weight, label, messages, model and checker.

Every rule of `docs/rules.md` belongs to one family. A `FamilySpec` says all the rest of the program needs
to know about it, so a new family is one spec, one model function, one checker function, one test and
its paragraph in the document, and nothing else is edited:

- `name`: a `Family` member for the built-in families (never a bare string elsewhere in `solver/`);
- `hard`: a hard family makes a rota infeasible when broken, a soft one costs;
- `weight`: a soft family priced by one team-wide weight has a `WeightSpec` (the field of
  `problem.weights`, its default and bounds); families priced by their own records (cover, wishes, …)
  have none;
- `label`: a short English name for a heading ("Favourite routes"); a weight has its own, for a form
  field ("A route that is not a favourite");
- `messages`: the explanations the family produces, each a `MessageSpec` (id, English template, names of
  its parameters);
- `model(v)`: adds the family's hard constraints or soft terms to the CP-SAT model (`solver/variables.py`);
- `check(r)`: recomputes the family from a rota (`solver.check.Roster`): `Violation`s of a hard family,
  `Penalty`s of a soft one; None where a hard rule needs no model constraint of its own (one shift a day
  and shift skills are built into the variables) or has no checker of its own;
- `greedy(state, person, d, shift, route)`: optional, the family's cost of one candidate slot in the
  greedy starting rota (`solver/greedy.py`);
- `reads_terms`: the model function reads the soft terms of other families (fairness reads the wishes'),
  so the model adds it after every family that does not.

Reading the registry (what the planner and the pages need):

    families.all_families()                # every spec, in registration order (= the review page's order)
    families.soft_families()               # the soft ones; `spec.weight` is None or a WeightSpec
    families.weighted()                    # [(spec, spec.weight)] of the weighted soft families
    families.get("continuity").label       # "Same carers on a route" (a heading)
    spec.weight.field, .default, .ge, .le  # "continuity", 3, 0, 1000000; .label for the form field
    families.render("wish.want", params)   # the English sentence of one explanation
    families.message("wish.want").params   # the parameter names of one message

Adding a family from outside (a test, a plug-in): `register(spec)` appends it, `unregister(name)` removes
it, and `registered(spec)` does both around a `with` block. The built-in families are loaded on first
use, not at import, because their model and checker functions import the problem types, whose `Weights`
read this registry.

Explanations are data: a `Penalty` and a `Conflict` carry `message` (an id below) and `params`, and their
`explanation` is `render(message, params)`, so the model and the checker word a cost alike and a page can
render the same message in another language. Parameter values are str, int or float; a date is ISO
(`2025-03-04`), a person is `staff` (the id) and `who` (the solver's label: the name, or "name (id)"
where names repeat), an optional shift or route the empty string when absent. Besides the parameters, an
English template may use phrases derived from them (`_PHRASES`): `what` (a wish's or pick's target:
"dag", "route R1", "dag route R1", or "a shift"), `slot` (a draft cell: "dag" or "dag route R1"),
`shift_skill` ("dag" or "dag (nurse)"), `route_part` (" route R1" or ""), `reason_part` (" (ferie)" or
"") and `weekday_name` (the English name of the weekday number `weekday`, 0 = Monday). A hard rule
whose params carry `before` (an ISO date) reads the days before the horizon; its English is `HISTORY`
around it (", counting the days before <before>").

The English templates are marked `N_(...)` where they are written: `babel.cfg` extracts them into the
application's catalogue (`planner/locale/`), and the pages render a message from its id and params in
their language (`api/web/explain.py`), building the derived phrases there in the same language. A
family registered later brings its own wordings (`planner.texts.add_translations`) or reads in English.

The messages per family (ids and parameters) are listed in `docs/rules.md`, "The family registry".
Pure: imports nothing of the project at import time, reads no files, environment or network.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from solver.check import Roster
    from solver.greedy import State
    from solver.problem import Staff
    from solver.variables import Vars

Params = dict[str, str | int | float]


def N_(template: str) -> str:
    """Mark an English template for the application's text catalogue (`babel.cfg` extracts `solver/`
    too, so each has its wording in every page language); the template itself, unchanged."""
    return template


# The ending of a hard rule that reads the days before the horizon (params with `before`).
HISTORY = N_("{rule}, counting the days before {before}")


class Family(StrEnum):
    """The names of the built-in rule families (a family registered later has a plain string name)."""

    # hard, in the checker's order
    ONE_SHIFT_A_DAY = "one_shift_a_day"
    SKILLS = "skills"
    ROUTES = "routes"
    DAYS_OFF = "days_off"
    LOCK = "lock"
    SUCCESSION = "succession"
    MAX_SHIFTS = "max_shifts"
    MINUTES = "minutes"
    MAX_CONSECUTIVE_WORK = "max_consecutive_work"
    MIN_CONSECUTIVE_WORK = "min_consecutive_work"
    MIN_CONSECUTIVE_OFF = "min_consecutive_off"
    WEEKENDS = "weekends"
    WEEKLY_REST = "weekly_rest"
    # soft, in the review page's order
    COVER = "cover"
    ROUTE = "route"
    WISH = "wish"
    SELF_PICK = "self_pick"
    KEEP = "keep"
    CONTRACT = "contract"
    FAIRNESS = "fairness"
    CONTINUITY = "continuity"
    FAVOURITE = "favourite"


# The families whose unmet costs are a person's unmet wishes (fairness and fulfilment read them).
WISH_FAMILIES: tuple[str, ...] = (Family.WISH, Family.SELF_PICK)


class Msg(StrEnum):
    """The message ids of the built-in families: `<family>.<what happened>`."""

    COVER_UNDER = "cover.under"
    COVER_OVER = "cover.over"
    ROUTE_UNFILLED = "route.unfilled"
    WISH_WANT = "wish.want"
    WISH_AVOID = "wish.avoid"
    SELF_PICK_CHANGED = "self_pick.changed"
    KEEP_CHANGED = "keep.changed"
    CONTRACT_OFF_TARGET = "contract.off_target"
    FAIRNESS_WORST = "fairness.worst"
    CONTINUITY_CARERS = "continuity.carers"
    FAVOURITE_OUTSIDE = "favourite.outside"
    DAYS_OFF_FIXED = "days_off.fixed"
    DAYS_OFF_WEEKDAY = "days_off.weekday"
    DAYS_OFF_ABSENCE = "days_off.absence"
    DAYS_OFF_VETO = "days_off.veto"
    LOCK_OFF = "lock.off"
    LOCK_SHIFT = "lock.shift"
    LOCK_IMPOSSIBLE = "lock.impossible"
    SUCCESSION_REST = "succession.rest"
    WEEKLY_REST_NEEDED = "weekly_rest.needed"
    MAX_SHIFTS_LIMIT = "max_shifts.limit"
    MINUTES_AT_LEAST = "minutes.at_least"
    MINUTES_AT_MOST = "minutes.at_most"
    MAX_CONSECUTIVE_WORK_LIMIT = "max_consecutive_work.limit"
    MIN_CONSECUTIVE_WORK_LIMIT = "min_consecutive_work.limit"
    MIN_CONSECUTIVE_OFF_LIMIT = "min_consecutive_off.limit"
    WEEKENDS_AT_MOST = "weekends.at_most"
    WEEKENDS_OFF_EVERY = "weekends.off_every"
    CONFLICT_PERSON = "conflict.person"
    CONFLICT_PEOPLE = "conflict.people"
    CONFLICT_UNKNOWN = "conflict.unknown"
    # the counterfactual reasons (solver/counterfactual.py)
    REASON_COST = "reason.cost"
    REASON_FILL_COST = "reason.fill_cost"
    REASON_FREE = "reason.free"
    REASON_EVEN = "reason.even"
    REASON_IMPOSSIBLE = "reason.impossible"
    REASON_FILL_IMPOSSIBLE = "reason.fill_impossible"
    REASON_NO_ANSWER = "reason.no_answer"
    REASON_NOT_REACHED = "reason.not_reached"
    REASON_LACKS = "reason.lacks"
    REASON_ROUTE_EMPTY = "reason.route_empty"
    REASON_LOSES_WISH = "reason.loses_wish"
    REASON_ALSO_WANTED = "reason.also_wanted"
    REASON_LEAST_SERVED = "reason.least_served"
    # the smallest fixes of an infeasible period (solver/relax.py)
    FIX_DROP_VETO = "fix.drop_veto"
    FIX_DROP_LOCK = "fix.drop_lock"
    FIX_MIN_HOURS = "fix.min_hours"
    FIX_MAX_HOURS = "fix.max_hours"
    FIX_MAX_CONSECUTIVE_WORK = "fix.max_consecutive_work"
    FIX_MIN_CONSECUTIVE_WORK = "fix.min_consecutive_work"
    FIX_MIN_CONSECUTIVE_OFF = "fix.min_consecutive_off"
    FIX_MAX_WEEKENDS = "fix.max_weekends"
    FIX_WEEKEND_OFF_EVERY = "fix.weekend_off_every"
    FIX_MAX_SHIFTS = "fix.max_shifts"


@dataclass(frozen=True)
class MessageSpec:
    """One explanation: its id, its English template (`str.format` fields) and its parameter names."""

    id: str
    template: str
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeightSpec:
    """The team-wide weight of a soft family: a field of `problem.weights` (`docs/problem-format.md`)."""

    field: str
    default: int
    label: str
    description: str
    ge: int = 0
    le: int = 1_000_000


@dataclass(frozen=True)
class FamilySpec:
    """Everything about one rule family (see the module docstring for each field)."""

    name: str
    hard: bool
    label: str
    messages: tuple[MessageSpec, ...] = ()
    model: Callable[[Vars], None] | None = None
    check: Callable[[Roster], list[Any]] | None = None
    weight: WeightSpec | None = None
    greedy: Callable[[State, Staff, int, str, str | None], float] | None = None
    reads_terms: bool = False


_specs: dict[str, FamilySpec] = {}
_messages: dict[str, MessageSpec] = {}
_family_of: dict[str, str] = {}
_loaded = False

# Messages of the solver itself, not of one family.
_CONFLICT_MESSAGES = (
    MessageSpec(
        Msg.CONFLICT_PERSON, N_("{who}: these rules cannot all hold: {rules}"), ("who", "staff", "rules")
    ),
    MessageSpec(
        Msg.CONFLICT_PEOPLE, N_("these rules of several people cannot all hold together: {rules}"), ("rules",)
    ),
    MessageSpec(Msg.CONFLICT_UNKNOWN, N_("the hard rules cannot all hold (no smaller cause found)")),
)

_CELL = ("who", "staff", "date", "shift", "route")

# Why a wish was not granted or a slot not filled (`solver/counterfactual.py`): the headline of one
# answer, and the consequences it lists (a cover short, a route empty, someone else's wish broken).
_REASON_MESSAGES = (
    MessageSpec(Msg.REASON_COST, N_("granting it alone would cost {cost} more"), ("cost",)),
    MessageSpec(Msg.REASON_FILL_COST, N_("filling it would cost {cost} more"), ("cost",)),
    MessageSpec(Msg.REASON_EVEN, N_("granting it would cost as much elsewhere as it saves")),
    MessageSpec(
        Msg.REASON_FREE,
        N_("it could have been granted at no extra cost: the solve ran out of time before it found that"),
    ),
    MessageSpec(
        Msg.REASON_IMPOSSIBLE, N_("could not be granted without breaking a rule: {rules}"), ("rules",)
    ),
    MessageSpec(
        Msg.REASON_FILL_IMPOSSIBLE, N_("nobody could take it without breaking a rule: {rules}"), ("rules",)
    ),
    MessageSpec(Msg.REASON_NO_ANSWER, N_("no answer found in the {seconds:g} s it was given"), ("seconds",)),
    MessageSpec(Msg.REASON_NOT_REACHED, N_("not worked out: the time for reasons ran out first")),
    MessageSpec(Msg.REASON_LACKS, N_("then {date} {shift_skill} lacks {n}"), ("date", "shift", "skill", "n")),
    MessageSpec(
        Msg.REASON_ROUTE_EMPTY,
        N_("then route {route_name} has nobody on {date} {shift}"),
        ("date", "shift", "route", "route_name"),
    ),
    MessageSpec(Msg.REASON_LOSES_WISH, N_("then {who} loses a wish on {date} ({what})"), _CELL),
    MessageSpec(Msg.REASON_ALSO_WANTED, N_("{names} also wanted it"), ("names",)),
    MessageSpec(Msg.REASON_LEAST_SERVED, N_("{who}'s wishes were met least this period"), ("who", "staff")),
)

# The smallest changes that make an infeasible period solvable (`solver/relax.py`).
_FIX_MESSAGES = (
    MessageSpec(Msg.FIX_DROP_VETO, N_("drop {who}'s veto day {date}"), ("who", "staff", "date")),
    MessageSpec(Msg.FIX_DROP_LOCK, N_("remove the lock on {who}'s {date}"), ("who", "staff", "date")),
    MessageSpec(
        Msg.FIX_MIN_HOURS,
        N_("lower {who}'s minimum from {hours:g} to {to:g} hours"),
        ("who", "staff", "hours", "to"),
    ),
    MessageSpec(
        Msg.FIX_MAX_HOURS,
        N_("raise {who}'s maximum from {hours:g} to {to:g} hours"),
        ("who", "staff", "hours", "to"),
    ),
    MessageSpec(
        Msg.FIX_MAX_CONSECUTIVE_WORK,
        N_("let {who} work {to} days in a row (now at most {n})"),
        ("who", "staff", "n", "to"),
    ),
    MessageSpec(
        Msg.FIX_MIN_CONSECUTIVE_WORK,
        N_("let {who} work runs of {to} days (now at least {n})"),
        ("who", "staff", "n", "to"),
    ),
    MessageSpec(
        Msg.FIX_MIN_CONSECUTIVE_OFF,
        N_("let {who} have {to} days off in a row (now at least {n})"),
        ("who", "staff", "n", "to"),
    ),
    MessageSpec(
        Msg.FIX_MAX_WEEKENDS,
        N_("let {who} work {to} weekends (now at most {n})"),
        ("who", "staff", "n", "to"),
    ),
    MessageSpec(
        Msg.FIX_WEEKEND_OFF_EVERY,
        N_("give {who} a weekend off in every {to} weekends (now every {n})"),
        ("who", "staff", "n", "to"),
    ),
    MessageSpec(
        Msg.FIX_MAX_SHIFTS,
        N_("let {who} work {to} {shift} shifts (now at most {n})"),
        ("who", "staff", "shift", "n", "to"),
    ),
)


def _registry() -> dict[str, FamilySpec]:
    global _loaded
    if not _loaded:
        _loaded = True
        from solver import builtin_families

        for spec in builtin_families.SPECS:
            register(spec)
        for message in (*_CONFLICT_MESSAGES, *_REASON_MESSAGES, *_FIX_MESSAGES):
            _messages[message.id] = message
    return _specs


def register(spec: FamilySpec) -> None:
    """Add a family after those registered so far; its name, weight field and message ids must be new."""
    specs = _registry()
    if spec.name in specs:
        raise ValueError(f"family '{spec.name}' is already registered")
    if spec.weight is not None:
        if spec.hard:
            raise ValueError(f"family '{spec.name}': a hard family has no weight")
        taken = {w.field for _, w in weighted()}
        if spec.weight.field in taken:
            raise ValueError(f"family '{spec.name}': weight field {spec.weight.field!r} is taken")
    for message in spec.messages:
        if message.id in _messages:
            raise ValueError(f"family '{spec.name}': message id '{message.id}' is taken")
    specs[spec.name] = spec
    for message in spec.messages:
        _messages[message.id] = message
        _family_of[message.id] = spec.name


def unregister(name: str) -> None:
    """Remove a family registered with `register` (and its messages)."""
    spec = _registry().pop(name)
    for message in spec.messages:
        del _messages[message.id]
        del _family_of[message.id]


@contextmanager
def registered(spec: FamilySpec) -> Iterator[FamilySpec]:
    """The family registered for the `with` block only (tests)."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.name)


def all_families() -> list[FamilySpec]:
    """Every family, hard and soft, in registration order."""
    return list(_registry().values())


def hard_families() -> list[FamilySpec]:
    """The hard families, in registration order (the order the model adds them)."""
    return [s for s in _registry().values() if s.hard]


def soft_families() -> list[FamilySpec]:
    """The soft families, in registration order (the review page's order)."""
    return [s for s in _registry().values() if not s.hard]


def weighted() -> list[tuple[FamilySpec, WeightSpec]]:
    """The soft families with a team-wide weight, and that weight's spec."""
    return [(s, s.weight) for s in _registry().values() if s.weight is not None]


def get(name: str) -> FamilySpec:
    """The spec of one family; KeyError names an unknown one."""
    try:
        return _registry()[name]
    except KeyError:
        raise KeyError(f"unknown rule family '{name}'") from None


def message(message_id: str) -> MessageSpec:
    """The spec of one message; KeyError names an unknown id."""
    _registry()
    try:
        return _messages[message_id]
    except KeyError:
        raise KeyError(f"unknown message id '{message_id}'") from None


def family_of(message_id: str) -> str | None:
    """The family a message belongs to (None for the solver's own conflict messages)."""
    message(message_id)
    return _family_of.get(message_id)


def _what(p: Mapping[str, Any]) -> str:
    parts = [str(p["shift"]) if p.get("shift") else "", f"route {p['route']}" if p.get("route") else ""]
    return " ".join(part for part in parts if part) or "a shift"


def _slot(p: Mapping[str, Any]) -> str:
    return str(p["shift"]) + (f" route {p['route']}" if p.get("route") else "")


def _shift_skill(p: Mapping[str, Any]) -> str:
    return str(p["shift"]) + (f" ({p['skill']})" if p.get("skill") else "")


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_PHRASES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "what": _what,
    "slot": _slot,
    "shift_skill": _shift_skill,
    "route_part": lambda p: f" route {p['route']}" if p.get("route") else "",
    "reason_part": lambda p: f" ({p['reason']})" if p.get("reason") else "",
    "weekday_name": lambda p: _WEEKDAYS[int(p["weekday"])],
}


def render(message_id: str, params: Mapping[str, str | int | float]) -> str:
    """The English sentence of one message: its template filled from `params` and the derived phrases."""
    spec = message(message_id)
    fields = {name for _, name, _, _ in string.Formatter().parse(spec.template) if name}
    values: dict[str, Any] = dict(params)
    for name in fields & _PHRASES.keys():
        values.setdefault(name, _PHRASES[name](params))
    text = spec.template.format(**values)
    if "before" in params:
        text = HISTORY.format(rule=text, before=params["before"])
    return text
