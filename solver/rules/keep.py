"""Soft rule of a re-solve: the cells of the draft it starts from are kept unless changing them pays.

Keeping the draft is a cost of its own (family `keep`, "changed from the draft"): it is never a wish or
a self-pick, so fairness does not read it and it appears in nobody's fulfilment.
"""

from __future__ import annotations

from collections.abc import Callable

from solver.variables import Term, Vars


def _said(text: str) -> Callable[[int], str]:
    return lambda n: text


def penalize_keep(v: Vars) -> None:
    """A draft cell the rota does not keep (that shift, and that route when given) costs its weight."""
    for cell in v.problem.keep:
        pi, d, si = v.person_pos[cell.staff], v.day_index(cell.date), v.shift_pos[cell.shift]
        if cell.route is None:
            kept = v.shift_var(pi, d, si)
            what = cell.shift
        else:
            kept = v.route_var(pi, d, si, v.route_pos[cell.route])
            what = f"{cell.shift} route {cell.route}"
        text = f"{v.people[pi].label}, {cell.date}: changed from the draft ({what})"
        v.soft(
            Term(
                "keep",
                cell.weight,
                1 - kept,
                _said(text),
                staff=cell.staff,
                date=cell.date,
                shift=cell.shift,
                route=cell.route,
            )
        )
