"""The fairness ledger across periods, and the credits it gives the next solve (pure: no database).

Per person and period (its published rota): the wish weight asked and met (wishes and self-picks, as
fulfilment counts them, without any credit), the weekends worked (a Saturday or Sunday with a shift; one
per weekend) and the night shifts worked (a shift whose end passes midnight), with running totals over
the periods so far. Changes after publication are not counted: nothing records them yet.

`credits` turns running totals into each person's `fairness_credit` for the next solve (the team setting
"weigh fairness by earlier periods"): the team's share of wish weight met, minus the person's, times
`CREDIT_PER_SHARE`, in whole per cent from 0 to `MAX_CREDIT` — the wishes of a person whose share met
is 10 points below the team's weigh 100 % more (a wish of weight 1 counts 2; at 5 points, one of weight
2 counts 3). Strong on purpose: the fair-share rule already evens out each period, so those still
behind need a clear push to be favoured next time. People who asked nothing get none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from solver import check
from solver.problem import MINUTES_PER_DAY, Problem
from solver.solution import Assignment

# Per cent of credit per whole share (1.0) below the team's share of wish weight met.
CREDIT_PER_SHARE = 1000
MAX_CREDIT = 1000


@dataclass(frozen=True)
class Figures:
    """One person's figures of one period (or their running total)."""

    asked: int = 0
    met: int = 0
    weekends: int = 0
    nights: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.asked + other.asked,
            self.met + other.met,
            self.weekends + other.weekends,
            self.nights + other.nights,
        )

    @property
    def share(self) -> float | None:
        """The share of the wish weight asked that was met; None when nothing was asked."""
        return self.met / self.asked if self.asked else None


def period_figures(problem: Problem, assignments: Iterable[Assignment]) -> dict[str, Figures]:
    """Each person's figures in one rota (everyone of the problem, also those with none)."""
    rota = list(assignments)
    nights = {
        s.code
        for s in problem.shift_types
        if s.start_minute is not None and s.start_minute + s.minutes > MINUTES_PER_DAY
    }
    weekends: dict[str, set[dt.date]] = {p.id: set() for p in problem.staff}
    night_count = dict.fromkeys(weekends, 0)
    for a in rota:
        if a.staff not in weekends:
            continue
        if a.date.weekday() >= 5:
            weekends[a.staff].add(a.date - dt.timedelta(days=a.date.weekday() - 5))  # its Saturday
        if a.shift in nights:
            night_count[a.staff] += 1
    return {
        f.staff: Figures(f.weight_made, f.weight_granted, len(weekends[f.staff]), night_count[f.staff])
        for f in check.fulfilment(problem, rota)
    }


@dataclass(frozen=True)
class LedgerLine:
    """One person's line for one period, with the running total up to and including it."""

    staff: str
    period: int
    figures: Figures
    total: Figures

    def as_dict(self) -> dict[str, object]:
        return {
            "staff": self.staff,
            "period": self.period,
            **asdict(self.figures),
            "total": asdict(self.total),
        }


def ledger(periods: Iterable[tuple[int, Mapping[str, Figures]]]) -> list[LedgerLine]:
    """The lines of the periods in the order given (oldest first), each with its running total."""
    totals: dict[str, Figures] = {}
    lines = []
    for period, figures in periods:
        for staff, own in figures.items():
            totals[staff] = totals.get(staff, Figures()) + own
            lines.append(LedgerLine(staff, period, own, totals[staff]))
    return lines


def credits(totals: Mapping[str, Figures]) -> dict[str, int]:
    """Each person's fairness credit (per cent) from their running totals (see the module docstring)."""
    asked = sum(f.asked for f in totals.values())
    if asked == 0:
        return dict.fromkeys(totals, 0)
    team = sum(f.met for f in totals.values()) / asked
    out = {}
    for staff, own in totals.items():
        share = own.share
        behind = 0.0 if share is None else max(0.0, team - share)
        out[staff] = min(MAX_CREDIT, round(CREDIT_PER_SHARE * behind))
    return out
