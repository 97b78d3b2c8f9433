"""The solver's answer: the rota, how good it is, and why it looks the way it does.

Pure pydantic, like `solver.problem`. A rota with unfilled slots is a normal answer; `conflicts` is
filled only when hard personal rules contradict each other, and names the people and rules involved.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from solver.families import Params, render

Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Assignment(_Out):
    """One person works one shift (optionally on one route) on one date."""

    staff: str
    date: dt.date
    shift: str
    route: str | None = None


class _Explained(_Out):
    """A record with a message id and its params (`solver/families.py`); `explanation`, when not given,
    is the message rendered in English. Records stored before messages existed have only the text."""

    message: str = ""
    params: Params = Field(default_factory=dict)
    explanation: str = ""

    @model_validator(mode="after")
    def _render(self) -> _Explained:
        if self.message and not self.explanation:
            self.explanation = render(self.message, self.params)
        return self


class Penalty(_Explained):
    """One soft rule that fired, with its cost (weight × size) and a sentence a person can read."""

    family: str
    cost: int
    staff: str | None = None
    date: dt.date | None = None
    shift: str | None = None
    route: str | None = None


class Fulfilment(_Out):
    """How many of a person's soft wishes (and self-picks) were granted, by count and by weight."""

    staff: str
    made: int
    granted: int
    weight_made: int
    weight_granted: int
    minutes: int
    target_minutes: int | None


class SlotCoverage(_Out):
    """Cover on one (date, shift, skill) or one route slot: needed, assigned, missing, extra."""

    date: dt.date
    shift: str
    skill: str | None = None
    route: str | None = None
    need: int
    assigned: int

    @property
    def missing(self) -> int:
        return max(0, self.need - self.assigned)

    @property
    def extra(self) -> int:
        return max(0, self.assigned - self.need)


class BrokenRule(_Explained):
    """One hard rule of one person (`staff`; None: of the team) taking part in a conflict."""

    family: str | None
    staff: str | None


class Conflict(_Explained):
    """Hard rules that cannot all hold; `staff` is None when the clash is between people (e.g. locks).

    `rules` are the rules' English names, `causes` the same rules as message ids with params."""

    staff: str | None
    rules: list[str]
    causes: list[BrokenRule] = Field(default_factory=list)


class Progress(_Out):
    """One better rota found during a solve."""

    objective: int
    bound: float
    elapsed: float


class Solution(_Out):
    status: Status
    objective: int | None = None
    best_bound: float | None = None
    gap: float | None = Field(default=None, description="(objective - bound) / max(1, objective)")
    wall_time: float = 0.0
    first_solution_time: float | None = None
    assignments: list[Assignment] = Field(default_factory=list)
    penalties: list[Penalty] = Field(default_factory=list)
    fulfilment: list[Fulfilment] = Field(default_factory=list)
    coverage: list[SlotCoverage] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)

    @property
    def has_rota(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    def unfilled(self) -> list[SlotCoverage]:
        return [c for c in self.coverage if c.missing > 0]
