"""Solve parameters: how long, how many workers, which seed, where to start from."""

from __future__ import annotations

from collections.abc import Callable

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
    log: bool = False
