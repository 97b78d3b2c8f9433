"""Soft personal rules: wishes, self-picks, route favourites, continuity and fairness."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from solver.families import WISH_FAMILIES, Family, Msg, Params
from solver.problem import Route, SelfPick, Wish, WishKind
from solver.variables import Term, Vars, same_params

__all__ = [
    "WISH_FAMILIES",
    "penalize_continuity",
    "penalize_route_favourites",
    "penalize_self_picks",
    "penalize_unfairness",
    "penalize_wishes",
]


def _wish_target(v: Vars, wish: Wish | SelfPick) -> cp_model.LinearExprT:
    """1 when the person works what the wish names (shift, route, both, or just the day)."""
    pi, d = v.person_pos[wish.staff], v.day_index(wish.date)
    if wish.route is not None:
        ri = v.route_pos[wish.route]
        if wish.shift is not None:
            return v.route_var(pi, d, v.shift_pos[wish.shift], ri)
        return v.on_route_any_shift(pi, d, ri)
    if wish.shift is not None:
        return v.shift_var(pi, d, v.shift_pos[wish.shift])
    return v.work[pi, d]


def penalize_wishes(v: Vars) -> None:
    """A `want` not granted, or an `avoid` not respected, costs the wish's weight."""
    for wish in v.problem.wishes:
        if wish.kind is WishKind.veto:
            continue
        target = _wish_target(v, wish)
        params = v.cell_params(v.person_pos[wish.staff], wish.date, wish.shift, wish.route)
        if wish.kind is WishKind.want:
            expr, message = 1 - target, Msg.WISH_WANT
        else:
            expr, message = target, Msg.WISH_AVOID
        v.soft(
            Term(
                Family.WISH,
                v.people[v.person_pos[wish.staff]].weighed(wish.weight),
                expr,
                message,
                same_params(params),
                staff=wish.staff,
                date=wish.date,
                shift=wish.shift,
                route=wish.route,
            )
        )


def penalize_self_picks(v: Vars) -> None:
    """A slot the person claimed in the puzzle phase, and did not get, costs the pick's weight."""
    for pick in v.problem.self_picks:
        params = v.cell_params(v.person_pos[pick.staff], pick.date, pick.shift, pick.route)
        v.soft(
            Term(
                Family.SELF_PICK,
                v.people[v.person_pos[pick.staff]].weighed(pick.weight),
                1 - _wish_target(v, pick),
                Msg.SELF_PICK_CHANGED,
                same_params(params),
                staff=pick.staff,
                date=pick.date,
                shift=pick.shift,
                route=pick.route,
            )
        )


def penalize_route_favourites(v: Vars) -> None:
    """A route slot outside someone's favourite routes and districts costs `weights.route_not_favourite`."""
    weight = v.problem.weights.route_not_favourite
    if weight == 0:
        return
    # One term per route slot outside the favourites: the most numerous family (200 people: 800,000),
    # so its params are made only for the terms a rota fires.
    for (pi, d, si, ri), var in v.y.items():
        person, route = v.people[pi], v.routes[ri]
        if not (person.favourite_routes or person.favourite_districts):
            continue
        if route.id in person.favourite_routes or route.district in person.favourite_districts:
            continue
        v.soft(
            Term(
                Family.FAVOURITE,
                weight,
                var,
                Msg.FAVOURITE_OUTSIDE,
                _favourite_params(v, pi, d, si, route),
                staff=person.id,
                date=v.dates[d],
                shift=v.shifts[si].code,
                route=route.id,
            )
        )


def _favourite_params(v: Vars, pi: int, d: int, si: int, route: Route) -> Callable[[int], Params]:
    """The params of a favourites term, made when asked for."""
    return lambda _n: {
        **v.cell_params(pi, v.dates[d], v.shifts[si].code, route.id),
        "route_name": route.name or route.id,
    }


def _carers_params(route: Route) -> Callable[[int], Params]:
    """The params of a continuity term: `n` carers beyond the first."""
    return lambda n: {"route": route.id, "route_name": route.name or route.id, "carers": n + 1}


def penalize_continuity(v: Vars) -> None:
    """Each carer on a route beyond the first costs `weights.continuity`: the same faces for citizens."""
    weight = v.problem.weights.continuity
    if weight == 0:
        return
    by_route: dict[int, dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for (pi, _, _, ri), var in v.y.items():
        by_route[ri][pi].append(var)
    for ri, carers in by_route.items():
        if len(carers) < 2:
            continue
        route = v.routes[ri]
        serves = []
        for pi, ys in carers.items():
            c = v.cp.new_bool_var(f"serves[{v.people[pi].id},{route.id}]")
            v.cp.add_max_equality(c, ys)
            serves.append(c)
        extra = v.cp.new_int_var(0, len(serves), f"extra_carers[{route.id}]")
        v.cp.add_max_equality(extra, [cp_model.LinearExpr.sum(serves) - 1, 0])
        v.soft(
            Term(
                Family.CONTINUITY,
                weight,
                extra,
                Msg.CONTINUITY_CARERS,
                _carers_params(route),
                route=route.id,
            )
        )


def penalize_unfairness(v: Vars) -> None:
    """The largest unmet wish weight of any one person costs `weights.fairness` per unit."""
    weight = v.problem.weights.fairness
    if weight == 0:
        return
    per_person: dict[str, list[Term]] = defaultdict(list)
    for term in v.terms:
        if term.family in WISH_FAMILIES and term.staff is not None:
            per_person[term.staff].append(term)
    if not per_person:
        return
    bound = max(sum(t.weight for t in terms) for terms in per_person.values())
    worst = v.cp.new_int_var(0, bound, "worst_unmet")
    v.cp.add_max_equality(worst, [sum(t.weight * t.expr for t in terms) for terms in per_person.values()])
    v.soft(Term(Family.FAIRNESS, weight, worst, Msg.FAIRNESS_WORST, lambda n: {"unmet": n}))
