"""pusleplan's pure solver: a `Problem` in, a `Solution` out (OR-Tools CP-SAT).

Imports nothing of `planner` or `api`, and reads no database, files, network or environment.
"""

from solver.params import SolveParams
from solver.problem import Problem
from solver.solution import Assignment, Solution

__all__ = ["Assignment", "Problem", "Solution", "SolveParams", "solve"]


def solve(problem: Problem, params: SolveParams | None = None) -> Solution:
    """Build the CP-SAT model for `problem`, solve it and return the best rota found."""
    from solver.model import solve as _solve

    return _solve(problem, params or SolveParams())
