"""Building the full CP-SAT rota model of a `Problem`.

The rule families are listed once, in the registry (`solver/families.py`): the model adds each hard
family's constraints, then each soft family's terms, in registration order. Everything is read from the
`Problem`; weights never appear as literals in rule code. Below `solver.model` and the searches
(`solver.search`, `solver.people`), which all build models through `build`.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver import families
from solver.problem import Problem
from solver.variables import Vars


def build(problem: Problem, *, explain_mode: bool = False) -> Vars:
    """The full model; in explain mode hard rules are guarded and there is no objective."""
    v = Vars(problem, cp_model.CpModel(), explain_mode=explain_mode)
    for family in families.hard_families():
        if family.model is not None:
            family.model(v)
    if not explain_mode:
        # Families that read other families' terms come after them (a stable sort keeps the order else).
        for family in sorted(families.soft_families(), key=lambda f: f.reads_terms):
            if family.model is not None:
                family.model(v)
        v.cp.minimize(cp_model.LinearExpr.sum([t.weight * t.expr for t in v.terms]))
    return v
