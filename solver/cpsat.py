"""CP-SAT plumbing shared by the model and the searches: configured solvers, and variables fixed for a while.

`make_solver` is the one place a `cp_model.CpSolver` is made and configured (time limit, workers, seed,
portfolio, search log). `fix` and `set_hint` change a model for good (a clone made for one solve);
`fixed` and `hinted` change it for the length of a `with` block and put it back on exit, also when the
block raises. Pure: imports only OR-Tools; no files, no environment, nothing printed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from ortools.sat.python import cp_model

log = logging.getLogger(__name__)

# Seconds: the least time limit any solve gets (CP-SAT with 0 would not even load the model).
MIN_TIME_LIMIT = 0.01


def make_solver(
    time_limit: float,
    *,
    workers: int,
    seed: int,
    log_progress: bool = False,
    subsolvers: Iterable[str] = (),
    first_only: bool = False,
    presolve_iterations: int | None = None,
) -> cp_model.CpSolver:
    """A CP-SAT solver for one search: at most `time_limit` seconds (at least `MIN_TIME_LIMIT`) on
    `workers` workers from `seed`. `log_progress` sends CP-SAT's search log to this module's logger (at
    INFO) instead of standard output; `subsolvers` are added to the worker portfolio; `first_only` stops at
    the first solution; `presolve_iterations` caps the presolve passes (None: CP-SAT's default)."""
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_time_in_seconds = max(MIN_TIME_LIMIT, time_limit)
    parameters.num_workers = workers
    parameters.random_seed = seed
    if log_progress:
        parameters.log_search_progress = True
        parameters.log_to_stdout = False
        solver.log_callback = log.info
    parameters.subsolvers.extend(subsolvers)
    if first_only:
        parameters.stop_after_first_solution = True
    if presolve_iterations is not None:
        parameters.max_presolve_iterations = presolve_iterations
    return solver


def found(code: cp_model.CpSolverStatus) -> bool:
    """True when a solve with this status has a solution to read (optimal or not)."""
    return code in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def fix(model: cp_model.CpModel, values: Mapping[int, int]) -> None:
    """Let every variable named in `values` (by proto index) take only its value there, for good (for a
    clone made for one solve; `fixed` puts the domains back)."""
    variables = model.proto.variables
    for i, value in values.items():
        domain = variables[i].domain
        domain.clear()
        domain.extend([value, value])


@contextmanager
def fixed(model: cp_model.CpModel, values: Mapping[int, int]) -> Iterator[cp_model.CpModel]:
    """Within the block every variable named in `values` (by proto index) can take only its value there;
    on exit each gets its own domain back, also when the block raises."""
    variables = model.proto.variables
    saved = {i: list(variables[i].domain) for i in values}
    try:
        fix(model, values)
        yield model
    finally:
        for i, old in saved.items():
            domain = variables[i].domain
            domain.clear()
            domain.extend(old)


def set_hint(model: cp_model.CpModel, values: Sequence[int] | None) -> None:
    """Make `values` (one per variable, in proto order) the model's whole solution hint; None: no hint."""
    model.clear_hints()
    if values:
        hint = model.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)


@contextmanager
def hinted(model: cp_model.CpModel, values: Sequence[int] | None) -> Iterator[cp_model.CpModel]:
    """Within the block the model's solution hint is `values` (see `set_hint`; None: no hint); on exit it
    has its own hint back, also when the block raises."""
    hint = model.proto.solution_hint
    saved = (list(hint.vars), list(hint.values))
    try:
        set_hint(model, values)
        yield model
    finally:
        model.clear_hints()
        if saved[0]:
            hint = model.proto.solution_hint
            hint.vars.extend(saved[0])
            hint.values.extend(saved[1])
