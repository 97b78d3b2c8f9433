"""Building the full CP-SAT rota model of a `Problem`.

The rule families are listed once, in the registry (`solver/families.py`): the model adds each hard
family's constraints, then each soft family's terms, in registration order. Everything is read from the
`Problem`; weights never appear as literals in rule code. Below `solver.model` and the searches
(`solver.search`, `solver.people`), which all build models through `build`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ortools.sat.python import cp_model

from solver import families
from solver.problem import Problem
from solver.variables import OutOfTime, Vars

__all__ = ["OutOfTime", "build"]


def build(
    problem: Problem,
    *,
    explain_mode: bool = False,
    deadline: float | None = None,
    routes_of: Mapping[int, Collection[int]] | None = None,
) -> Vars:
    """The full model; in explain mode hard rules are guarded and there is no objective. With a
    `deadline` (a `time.perf_counter()` value), `OutOfTime` once it has passed (checked between the
    families and every few thousand soft terms: a caller with a rota in hand stops waiting for a model
    it has no time to solve). `routes_of` narrows the route choices (`Vars.routes_of`)."""
    v = Vars(problem, cp_model.CpModel(), explain_mode=explain_mode, deadline=deadline, routes_of=routes_of)
    in_time = v.in_time
    for family in families.hard_families():
        in_time()
        if family.model is not None:
            family.model(v)
    if not explain_mode:
        # Families that read other families' terms come after them (a stable sort keeps the order else).
        for family in sorted(families.soft_families(), key=lambda f: f.reads_terms):
            in_time()
            if family.model is not None:
                family.model(v)
        in_time()
        # weighted_sum: building `weight * expr` objects one by one took 3.4 s for 200 people.
        v.cp.minimize(
            cp_model.LinearExpr.weighted_sum([t.expr for t in v.terms], [t.weight for t in v.terms])
        )
    v.deadline = None  # built: the searches that reuse the model keep time by their own deadlines
    return v
