"""Soft cover rules: people needed per shift (and skill), and one person on every route slot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from ortools.sat.python import cp_model

from solver.families import Family, Msg, Params
from solver.problem import Cover, Problem, Route
from solver.variables import Term, Vars


class CoverRuleLike(Protocol):
    """What precedence reads of a cover rule (the solver's `Cover`, the planner's stored rows)."""

    shift: str
    skill: str | None
    date: dt.date | None
    weekday: int | None


R = TypeVar("R", bound=CoverRuleLike)


def precedence(rule: CoverRuleLike) -> int:
    """How specific a cover rule is: a date rule (2) beats a weekday rule (1) beats every day (0)."""
    return 2 if rule.date is not None else 1 if rule.weekday is not None else 0


def in_force(rules: Iterable[R], day: dt.date, shift: str, skill: str | None) -> R | None:
    """The rule for (day, shift, skill): the most specific one that applies that day (a later rule of
    the same precedence wins), or None."""
    best: R | None = None
    for rule in rules:
        if rule.shift != shift or rule.skill != skill:
            continue
        if rule.date is not None:
            applies = rule.date == day
        else:
            applies = rule.weekday is None or rule.weekday == day.weekday()
        if applies and (best is None or precedence(rule) >= precedence(best)):
            best = rule
    return best


def resolve_cover(problem: Problem) -> dict[tuple[dt.date, str, str | None], Cover]:
    """The cover rule in force per (date, shift, skill): by date, else by weekday, else every day
    (`precedence`; the same rule as `in_force`, for every slot at once)."""
    rank: dict[int, list[Cover]] = {0: [], 1: [], 2: []}
    for c in problem.cover:
        rank[precedence(c)].append(c)
    result: dict[tuple[dt.date, str, str | None], Cover] = {}
    dates = problem.horizon.dates()
    for c in rank[0]:
        for day in dates:
            result[day, c.shift, c.skill] = c
    for c in rank[1]:
        for day in dates:
            if day.weekday() == c.weekday:
                result[day, c.shift, c.skill] = c
    for c in rank[2]:
        assert c.date is not None
        result[c.date, c.shift, c.skill] = c
    return result


def _slot_params(day: dt.date, code: str, skill: str | None, need: int) -> Callable[[int], Params]:
    """The params of a cover term: `n` people missing on (or beyond) a slot that needs `need`."""
    return lambda n: {"date": day.isoformat(), "shift": code, "skill": skill or "", "n": n, "need": need}


def _route_params(route: Route, day: dt.date, code: str) -> Callable[[int], Params]:
    """The params of an unfilled route slot (they do not depend on the term's value)."""
    return lambda _n: {
        "date": day.isoformat(),
        "shift": code,
        "route": route.id,
        "route_name": route.name or route.id,
    }


def penalize_cover(v: Vars) -> None:
    """Each person missing costs `weight_under`, each extra person `weight_over`."""
    n_people = len(v.people)
    by_slot: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
    for (pi, d, si), var in v.x.items():  # people in staff order, as before
        by_slot.setdefault((d, si), []).append((pi, var))
    for (day, code, skill), rule in sorted(resolve_cover(v.problem).items(), key=lambda kv: str(kv[0])):
        d, si = v.day_index(day), v.shift_pos[code]
        xs = [var for pi, var in by_slot.get((d, si), ()) if skill is None or skill in v.people[pi].skills]
        count = cp_model.LinearExpr.sum(xs)
        what = f"{code} ({skill})" if skill else code
        if rule.weight_under and rule.need > 0:
            under = v.cp.new_int_var(0, rule.need, f"under[{day},{what}]")
            # Equalities, not just bounds: every rota the solver reports then costs exactly what it says.
            v.cp.add_max_equality(under, [rule.need - count, 0])
            v.soft(
                Term(
                    Family.COVER,
                    rule.weight_under,
                    under,
                    Msg.COVER_UNDER,
                    _slot_params(day, code, skill, rule.need),
                    date=day,
                    shift=code,
                )
            )
        if rule.weight_over and len(xs) > rule.need:
            over = v.cp.new_int_var(0, n_people, f"over[{day},{what}]")
            v.cp.add_max_equality(over, [count - rule.need, 0])
            v.soft(
                Term(
                    Family.COVER,
                    rule.weight_over,
                    over,
                    Msg.COVER_OVER,
                    _slot_params(day, code, skill, rule.need),
                    date=day,
                    shift=code,
                )
            )


def penalize_unfilled_routes(v: Vars) -> None:
    """Every route slot left without a person costs the route's `weight_unfilled`."""
    for ri, route in enumerate(v.routes):
        for d, day in enumerate(v.dates):
            if day.weekday() not in route.weekdays:
                continue
            for code in route.shifts:
                ys = v.y_by_slot.get((ri, d, v.shift_pos[code]), [])
                v.soft(
                    Term(
                        Family.ROUTE,
                        route.weight_unfilled,
                        1 - cp_model.LinearExpr.sum(ys) if ys else 1,
                        Msg.ROUTE_UNFILLED,
                        _route_params(route, day, code),
                        date=day,
                        shift=code,
                        route=route.id,
                    )
                )
