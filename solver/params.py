"""Solve parameters: how long, how many workers, which seed, where to start from."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from solver.solution import Assignment, Progress


class SolveParams(BaseModel):
    """Validated solve parameters. `hint` is a previous rota to start from (warm start)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    time_limit: float = Field(default=10.0, gt=0, le=24 * 3600)
    workers: int = Field(default=2, ge=1, le=64)
    seed: int = Field(default=0, ge=0)
    hint: list[Assignment] | None = None
    on_progress: Callable[[Progress], None] | None = None
    # Set by the caller to end the search early; the solve returns the best rota found so far.
    stop: threading.Event | None = None
    log: bool = False
    # Search strategy (solver/search.py): "lns" runs a full-model phase, then a large-neighbourhood
    # search; "auto" uses it for route-free models of 6 weeks or more (where it was measured better).
    # "people" starts from a person-by-person rota improved one person at a time (solver/people.py), as
    # "auto" does for big LNS models (see `solver.search.people_first`).
    strategy: Literal["auto", "plain", "lns", "people"] = "auto"
    # The LNS's full-model phase's share of the time; None: `solver.search.full_share` chooses.
    lns_full_share: float | None = Field(default=None, gt=0, le=1)
    lns_step: float = Field(default=1.0, gt=0)
    # Worker portfolio (solver/search.py `portfolio`): "max_lp" makes the full-problem worker the one with
    # the strongest LP; "auto" does so for models without routes and at most 3 workers.
    portfolio: Literal["auto", "default", "max_lp"] = "auto"
    # Column generation (solver/colgen.py): a lower bound from whole rosters per person, and a rota made
    # of them; "auto" runs it for home-care teams of `colgen.MIN_PEOPLE` or more, for this share of the
    # time limit before the CP-SAT search (see `solver.model._column_generation`).
    colgen: Literal["auto", "on", "off"] = "auto"
    colgen_share: float = Field(default=0.15, gt=0, lt=1)
