"""Real reasons for unmet wishes and unfilled slots: the solver's counterfactual, item by item.

After a solve, for each wish (or self-pick) the rota does not grant and each slot it leaves short, the
rota's model is solved again with that one item forced (the wish granted, the slot filled), starting from
the rota with every cell more than `window` days from the item kept (a local neighbourhood: all people,
`2·window + 1` days). The objective is lexicographic, the problem's own cost first and the number of
changed cells second. The same search without forcing anything gives the window's baseline (the rota
itself, or better where the search finds better), so that what the search would better anyway is not
put down to the item. The answer is

- `cost`: the checker's objective of the forced rota minus the baseline's (`solver.check.objective`;
  `local_gain` is what the baseline bettered the rota by, so the forced rota costs the rota's objective
  + `cost` − `local_gain`), split by family in `by_family` (the item's own saving negative); `proven`
  when both solves ended optimal (the least extra cost of any rota that changes only the window);
- `changes`: the cells the forced rota changes against the rota (`apply_changes` rebuilds it);
- `because`: what it would do, as message ids with params: a cover that would lack people
  (`reason.lacks`), a route left empty, another person's wish broken, and any other cost that rises
  (the penalty itself); for a wish also who else wanted the same and got it and, if one of them was the
  least served this period, that;
- `impossible` when no rota of the whole period grants it (tried when the window cannot): the hard rules
  that clash with it (a small assumption core of `solver.model.explain_infeasibility`), in `because`;
- `no_answer` when the item's own time ran out without a rota, `not_reached` when the whole budget ran
  out before the item was tried.

One model is built for all items; each item's forcing constraint is enforced by a literal of its own,
fixed to 1 for its solve only. Pure: a `Problem` and a rota in, `Reason`s out.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import Field

from solver import check
from solver.build import build
from solver.cpsat import fixed, found, make_solver
from solver.families import Family, Msg, Params
from solver.params import SolveParams
from solver.problem import Problem, SelfPick, Wish, WishKind
from solver.rules.cover import resolve_cover
from solver.rules.wishes import _wish_target
from solver.solution import Assignment, BrokenRule, Penalty, _Explained, _Out
from solver.variables import Vars

__all__ = ["Change", "Item", "Reason", "Said", "apply_changes", "reasons", "unmet_items"]

ItemKind = Literal["wish", "self_pick", "cover", "route"]
ReasonStatus = Literal["priced", "impossible", "no_answer", "not_reached"]

# Seconds: the least time the search for the clashing rules of one impossible item gets.
EXPLAIN_MIN_TIME = 0.5
# At most this many consequences are listed per item (the largest first).
MAX_BECAUSE = 5


class Item(_Explained):
    """What a reason is about: a person's wish or self-pick, a cover slot or a route slot; its message and
    params are those of the rota's penalty for it ("Mette, 2025-03-04: wanted dag, not given")."""

    kind: ItemKind
    staff: str | None = None
    date: dt.date
    shift: str | None = None
    route: str | None = None
    skill: str | None = None
    wish: Literal["want", "avoid"] | None = None
    weight: int = 0

    def key(self) -> tuple[str, str, str, str, str, str]:
        return (
            self.kind,
            self.staff or "",
            self.date.isoformat(),
            self.shift or "",
            self.route or "",
            self.skill or "",
        )


class Said(_Explained):
    """One consequence or cause, as a message id with params (worded by the catalogue)."""

    staff: str | None = None


class Change(_Out):
    """One person's day that the forced rota changes: the cell before and after (None: off)."""

    staff: str
    date: dt.date
    before: tuple[str, str | None] | None
    after: tuple[str, str | None] | None


class Reason(_Explained):
    """The counterfactual of one item: its status, cost, the cost by family, why, and the changed cells."""

    item: Item
    status: ReasonStatus
    cost: int | None = None
    proven: bool = Field(
        default=False,
        description="Both solves in the window ended optimal: no rota that changes only the window grants "
        "it for less (with the window spanning the period: none at all).",
    )
    by_family: dict[str, int] = Field(default_factory=dict)
    local_gain: int = Field(
        default=0,
        description="What the same search bettered the rota by near the item without forcing it; `cost` "
        "counts from that rota (0 when the rota could not be bettered there).",
    )
    because: list[Said] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    seconds: float = 0.0


# ---- which items ------------------------------------------------------------------------------------


def unmet_items(problem: Problem, assignments: list[Assignment]) -> list[Item]:
    """The rota's unmet wishes and self-picks (heaviest first) and its short slots (cover, then routes),
    in the order their reasons are worked out."""
    items: list[Item] = []
    for p in check.penalties(problem, assignments):
        if p.date is None:
            continue
        if p.family == Family.WISH and p.staff is not None:
            wish = "want" if p.message == Msg.WISH_WANT else "avoid"
            items.append(
                Item(
                    kind="wish",
                    staff=p.staff,
                    date=p.date,
                    shift=p.shift,
                    route=p.route,
                    wish=wish,
                    weight=p.cost,
                    message=p.message,
                    params=p.params,
                )
            )
        elif p.family == Family.SELF_PICK and p.staff is not None:
            items.append(
                Item(
                    kind="self_pick", staff=p.staff, date=p.date, shift=p.shift, route=p.route, weight=p.cost
                )
            )
        elif p.message == Msg.COVER_UNDER:
            skill = str(p.params.get("skill") or "") or None
            items.append(
                Item(
                    kind="cover",
                    date=p.date,
                    shift=p.shift,
                    skill=skill,
                    weight=p.cost,
                    message=p.message,
                    params=p.params,
                )
            )
        elif p.family == Family.ROUTE:
            items.append(
                Item(
                    kind="route",
                    date=p.date,
                    shift=p.shift,
                    route=p.route,
                    weight=p.cost,
                    message=p.message,
                    params=p.params,
                )
            )
    order = {"wish": 0, "self_pick": 0, "cover": 1, "route": 2}
    items.sort(key=lambda i: (order[i.kind], -i.weight, i.date, i.staff or "", i.shift or ""))
    return items


def _record(problem: Problem, item: Item) -> Wish | SelfPick | None:
    """The wish or self-pick an item is about."""
    if item.kind == "wish":
        return next(
            (
                w
                for w in problem.wishes
                if w.staff == item.staff
                and w.date == item.date
                and w.kind.value == item.wish
                and w.shift == item.shift
                and w.route == item.route
            ),
            None,
        )
    if item.kind == "self_pick":
        return next(
            (
                s
                for s in problem.self_picks
                if s.staff == item.staff
                and s.date == item.date
                and s.shift == item.shift
                and s.route == item.route
            ),
            None,
        )
    return None


# ---- forcing one item -------------------------------------------------------------------------------


def _forcing(problem: Problem, item: Item) -> Callable[[Vars], list[cp_model.Constraint]] | None:
    """The constraints that make `item` hold in a model, or None if the item names nothing the model has."""
    record = _record(problem, item)
    if item.kind in ("wish", "self_pick"):
        if record is None:
            return None

        def grant(v: Vars) -> list[cp_model.Constraint]:
            target = _wish_target(v, record)
            wanted = not (isinstance(record, Wish) and record.kind is WishKind.avoid)
            return [v.cp.add(target == int(wanted))]

        return grant
    if item.kind == "cover":
        rule = resolve_cover(problem).get((item.date, item.shift or "", item.skill))
        if rule is None:
            return None

        def fill(v: Vars) -> list[cp_model.Constraint]:
            d, si = v.day_index(item.date), v.shift_pos[rule.shift]
            xs = [
                var
                for (pi, dd, ss), var in v.x.items()
                if dd == d and ss == si and (rule.skill is None or rule.skill in v.people[pi].skills)
            ]
            return [v.cp.add(cp_model.LinearExpr.sum(xs) >= rule.need)]

        return fill

    def take(v: Vars) -> list[cp_model.Constraint]:
        ri, d, si = v.route_pos[item.route or ""], v.day_index(item.date), v.shift_pos[item.shift or ""]
        return [v.cp.add(cp_model.LinearExpr.sum(v.y_by_slot.get((ri, d, si), [])) == 1)]

    return take


# ---- the solves -------------------------------------------------------------------------------------


def reasons(
    problem: Problem,
    assignments: list[Assignment],
    items: list[Item] | None = None,
    *,
    budget: float = 20.0,
    per_item: float = 1.0,
    window: int = 1,
    workers: int = 1,
    seed: int = 0,
) -> list[Reason]:
    """The counterfactual of every item (default: `unmet_items`), within `budget` seconds in all and
    `per_item` seconds per item; items the budget does not reach say so. Each item's solve may change
    the cells within `window` days of it (all people); when that cannot grant it, the whole period.
    `assignments` must keep every hard rule (the checker's rota)."""
    started = time.perf_counter()
    deadline = started + budget
    items = unmet_items(problem, assignments) if items is None else items
    base = check.penalties(problem, assignments)
    base_cost = sum(p.cost for p in base)
    v = build(problem)
    cells = {(a.staff, a.date, a.shift) for a in assignments}
    routed = {(a.staff, a.date, a.shift, a.route) for a in assignments if a.route}
    hint: dict[cp_model.IntVar, int] = {}
    for (pi, d, si), var in v.x.items():
        hint[var] = int((v.people[pi].id, v.dates[d], v.shifts[si].code) in cells)
    for (pi, d, si, ri), var in v.y.items():
        hint[var] = int((v.people[pi].id, v.dates[d], v.shifts[si].code, v.routes[ri].id) in routed)
    # The problem's own cost first, then as few changed cells as possible (a cell is x or y).
    changed = cp_model.LinearExpr.sum([(1 - var) if on else var for var, on in hint.items()])
    own = cp_model.LinearExpr.weighted_sum([t.expr for t in v.terms], [t.weight for t in v.terms])
    v.cp.clear_objective()
    v.cp.minimize(own * (len(hint) + 1) + changed)
    for var, value in hint.items():
        v.cp.add_hint(var, value)
    forcings: list[
        tuple[Item, cp_model.IntVar | None, Callable[[Vars], list[cp_model.Constraint]] | None]
    ] = []
    for item in items:
        force = _forcing(problem, item)
        literal = None
        if force is not None:
            literal = v.cp.new_bool_var(f"force[{len(forcings)}]")
            for constraint in force(v):
                constraint.only_enforce_if(literal)
        forcings.append((item, literal, force))
    off = {lit.index: 0 for _, lit, _ in forcings if lit is not None}
    # Per window (its centre date and width): the best rota the same search finds there without forcing
    # anything, its penalties, cost, and whether that search ended optimal. An item's cost is counted
    # from it, so that what the search would better anyway in that window is not put down to the item.
    baselines: dict[tuple[dt.date, int], tuple[list[Assignment], list[Penalty], int, bool]] = {}
    out: list[Reason] = []
    for item, literal, force in forcings:
        left = deadline - time.perf_counter()
        if left <= 0.05 or literal is None or force is None:
            out.append(Reason(item=item, status="not_reached", message=Msg.REASON_NOT_REACHED))
            continue
        began = time.perf_counter()
        limit = min(per_item, left)

        def remaining() -> float:
            return limit - (time.perf_counter() - began)  # noqa: B023 (this item's own clock)

        forced = {**off, literal.index: 1}
        reason: Reason | None = None
        exhausted = True  # every window tried proved the item cannot hold there
        # The window first, wider ones when the item cannot hold there (a rule reaching further, e.g.
        # days in a row), then the whole period: only a whole-period proof says "impossible".
        for width in _widths(window, v.days):
            if remaining() <= 0.05:
                exhausted = False
                break
            outside = _outside(v, hint, item.date, width)
            if (item.date, width) not in baselines:
                solver = make_solver(remaining() / 2, workers=workers, seed=seed)
                with fixed(v.cp, {**off, **outside}):
                    code = solver.solve(v.cp)
                local_best = v.assignments(solver) if found(code) else assignments
                pens = check.penalties(problem, local_best)
                if sum(p.cost for p in pens) > base_cost:  # never worse than the rota itself
                    local_best, pens = assignments, base
                baselines[item.date, width] = (
                    local_best,
                    pens,
                    sum(p.cost for p in pens),
                    code == cp_model.OPTIMAL,
                )
            before, before_pens, before_cost, settled = baselines[item.date, width]
            solver = make_solver(remaining(), workers=workers, seed=seed)
            with fixed(v.cp, {**forced, **outside}):
                code = solver.solve(v.cp)
            if code == cp_model.INFEASIBLE:
                continue
            exhausted = False
            if found(code):
                after = v.assignments(solver)
                reason = _priced(problem, item, before, after, before_pens, before_cost)
                reason.changes = _changes(assignments, after)
                reason.local_gain = base_cost - before_cost
                reason.proven = settled and code == cp_model.OPTIMAL
            break
        if exhausted and remaining() > 0.05:
            solver = make_solver(remaining(), workers=workers, seed=seed, first_only=True)
            with fixed(v.cp, forced):
                code = solver.solve(v.cp)
            if found(code):  # a rota that changes more than any window: priced from the rota itself
                after = v.assignments(solver)
                reason = _priced(problem, item, assignments, after, base, base_cost)
                reason.changes = _changes(assignments, after)
            elif code == cp_model.INFEASIBLE:
                explain_time = max(EXPLAIN_MIN_TIME, min(per_item, deadline - time.perf_counter()))
                reason = _impossible(problem, item, force, explain_time, seed)
        if reason is None:
            reason = Reason(
                item=item,
                status="no_answer",
                message=Msg.REASON_NO_ANSWER,
                params={"seconds": round(limit, 1)},
            )
        reason.seconds = time.perf_counter() - began
        out.append(reason)
    return out


def _widths(window: int, days: int) -> list[int]:
    """The windows an item is tried in: `window` days either side, then 3 and 7 (those narrower than
    the period)."""
    return [w for w in sorted({window, 3, 7}) if w >= window and 2 * w + 1 < days] or [window]


def _outside(v: Vars, hint: dict[cp_model.IntVar, int], day: dt.date, window: int) -> dict[int, int]:
    """The rota's value of every shift and route variable more than `window` days from `day` (by index)."""
    centre = v.day_index(day)
    far = {var.index for key, var in (*v.x.items(), *v.y.items()) if abs(key[1] - centre) > window}
    return {var.index: value for var, value in hint.items() if var.index in far}


def _impossible(
    problem: Problem,
    item: Item,
    force: Callable[[Vars], list[cp_model.Constraint]],
    time_limit: float,
    seed: int,
) -> Reason:
    from solver.model import explain_infeasibility  # model imports the searches: only when needed

    conflicts = explain_infeasibility(
        problem, SolveParams(time_limit=max(0.1, time_limit), workers=1, seed=seed), time_limit, extra=force
    )
    causes: list[BrokenRule] = [cause for c in conflicts for cause in c.causes]
    message = Msg.REASON_IMPOSSIBLE if item.kind in ("wish", "self_pick") else Msg.REASON_FILL_IMPOSSIBLE
    return Reason(
        item=item,
        status="impossible",
        message=message,
        params={"rules": "; ".join(c.explanation for c in causes) or "?"},
        because=[Said(message=c.message, params=c.params, staff=c.staff) for c in causes],
    )


# ---- what the forced rota does ----------------------------------------------------------------------


def _penalty_key(p: Penalty) -> tuple[str, ...]:
    """What a penalty is about (not how much): the same slot, wish or person in both rotas. The team's
    least-served person is one cost whoever it is."""
    if p.message == Msg.FAIRNESS_WORST:
        return (p.message,)
    skill = str(p.params.get("skill", ""))
    return (p.message, p.staff or "", str(p.date or ""), p.shift or "", p.route or "", skill)


def _cells(assignments: list[Assignment]) -> dict[tuple[str, dt.date], tuple[str, str | None]]:
    return {(a.staff, a.date): (a.shift, a.route) for a in assignments}


def apply_changes(assignments: list[Assignment], changes: list[Change]) -> list[Assignment]:
    """The rota with a reason's changes made: the forced rota (for the tests and the what-if views)."""
    cells = _cells(assignments)
    for change in changes:
        if change.after is None:
            cells.pop((change.staff, change.date), None)
        else:
            cells[change.staff, change.date] = change.after
    return sorted(
        (Assignment(staff=s, date=d, shift=shift, route=route) for (s, d), (shift, route) in cells.items()),
        key=lambda a: (a.date, a.staff),
    )


def _priced(
    problem: Problem,
    item: Item,
    before: list[Assignment],
    after: list[Assignment],
    base: list[Penalty],
    base_cost: int,
) -> Reason:
    now = check.penalties(problem, after)
    cost = sum(p.cost for p in now) - base_cost
    by_family: dict[str, int] = {}
    for p in base:
        by_family[p.family] = by_family.get(p.family, 0) - p.cost
    for p in now:
        by_family[p.family] = by_family.get(p.family, 0) + p.cost
    by_family = {f: c for f, c in by_family.items() if c != 0}
    was = {_penalty_key(p): p.cost for p in base}
    rising = sorted(
        ((p.cost - was.get(_penalty_key(p), 0), p) for p in now if p.cost > was.get(_penalty_key(p), 0)),
        key=lambda pair: -pair[0],
    )
    because = [_consequence(p, rise) for rise, p in rising[:MAX_BECAUSE]]
    if item.kind == "wish" and item.wish == "want":
        because.extend(_rivals(problem, item, before))
    params: Params = {}
    if cost < 0:
        headline = Msg.REASON_FREE
    elif cost == 0:
        headline = Msg.REASON_EVEN
    else:
        headline = Msg.REASON_COST if item.kind in ("wish", "self_pick") else Msg.REASON_FILL_COST
        params = {"cost": cost}
    return Reason(
        item=item,
        status="priced",
        cost=cost,
        by_family=by_family,
        because=because,
        message=headline,
        params=params,
    )


def _changes(before: list[Assignment], after: list[Assignment]) -> list[Change]:
    """The cells that differ, by date and person."""
    old, new = _cells(before), _cells(after)
    return [
        Change(staff=s, date=d, before=old.get((s, d)), after=new.get((s, d)))
        for s, d in sorted(set(old) | set(new), key=lambda k: (k[1], k[0]))
        if old.get((s, d)) != new.get((s, d))
    ]


def _consequence(p: Penalty, rise: int) -> Said:
    """A cost the forced rota adds, said as a consequence where there are words for it."""
    if p.message == Msg.COVER_UNDER:
        n = rise // max(1, p.cost // max(1, int(p.params.get("n", 1))))
        return Said(message=Msg.REASON_LACKS, params={**p.params, "n": n})
    if p.message == Msg.ROUTE_UNFILLED:
        return Said(message=Msg.REASON_ROUTE_EMPTY, params=p.params)
    if p.message in (Msg.WISH_WANT, Msg.WISH_AVOID, Msg.SELF_PICK_CHANGED):
        return Said(message=Msg.REASON_LOSES_WISH, params=p.params, staff=p.staff)
    return Said(message=p.message, params=p.params, staff=p.staff)


def _rivals(problem: Problem, item: Item, rota: list[Assignment]) -> list[Said]:
    """Who else wanted the same shift that day and got it; and, when one of them was the least served
    of those and the person, that (the fairness the solve weighs)."""
    rivals = [
        w.staff
        for w in problem.wishes
        if w.kind is WishKind.want
        and w.date == item.date
        and w.staff != item.staff
        and w.shift == item.shift
        and w.route == item.route
    ]
    if not rivals:
        return []
    cells = _cells(rota)
    granted = [
        s
        for s in dict.fromkeys(rivals)
        if (s, item.date) in cells and (item.shift is None or cells[s, item.date][0] == item.shift)
    ]
    if not granted:
        return []
    people = {p.id: p for p in problem.staff}
    out = [Said(message=Msg.REASON_ALSO_WANTED, params={"names": _names([people[s].label for s in granted])})]
    share = {
        f.staff: (f.weight_granted / f.weight_made if f.weight_made else 1.0)
        for f in check.fulfilment(problem, rota)
    }
    least = min(granted, key=lambda s: share.get(s, 1.0))
    if item.staff is not None and share.get(least, 1.0) < share.get(item.staff, 1.0):
        out.append(
            Said(
                message=Msg.REASON_LEAST_SERVED,
                params={"who": people[least].label, "staff": least},
                staff=least,
            )
        )
    return out


def _names(names: list[str]) -> str:
    """ "Jonas", "Jonas & Karen", "Jonas, Karen & Ali" (an ampersand reads in both languages)."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} & {names[-1]}"
