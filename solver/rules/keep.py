"""Soft rule of a re-solve: the cells of the draft it starts from are kept unless changing them pays.

Keeping the draft is a cost of its own (family `keep`, "changed from the draft"): it is never a wish or
a self-pick, so fairness does not read it and it appears in nobody's fulfilment.
"""

from __future__ import annotations

from solver.families import Family, Msg
from solver.variables import Term, Vars, same_params


def penalize_keep(v: Vars) -> None:
    """A draft cell the rota does not keep (that shift, and that route when given) costs its weight."""
    for cell in v.problem.keep:
        pi, d, si = v.person_pos[cell.staff], v.day_index(cell.date), v.shift_pos[cell.shift]
        if cell.route is None:
            kept = v.shift_var(pi, d, si)
        else:
            kept = v.route_var(pi, d, si, v.route_pos[cell.route])
        v.soft(
            Term(
                Family.KEEP,
                cell.weight,
                1 - kept,
                Msg.KEEP_CHANGED,
                same_params(v.cell_params(pi, cell.date, cell.shift, cell.route)),
                staff=cell.staff,
                date=cell.date,
                shift=cell.shift,
                route=cell.route,
            )
        )
