"""Real time of shifts: when a shift worked on a given day starts and ends, and how long it lasts.

Shift times are local clock times. Without `horizon.time_zone` every day has 1440 minutes and a shift
lasts its `minutes` (nominal time). With an IANA zone (e.g. `Europe/Copenhagen`) a shift starts at its
clock time on its date and ends at the clock time `minutes` later (the next morning for a night shift),
both read in that zone, and its real length is the time between those two instants: in Copenhagen the
night 24→25 October 2026, 23:00–07:00, lasts 540 minutes and the night 28→29 March 2026 lasts 420. A
clock time the change skips or repeats is read as `zoneinfo` reads it with `fold=0`: with the UTC offset
in force before the change.

This is the one place that computes it (docs/rules.md, "Time"): the model, the independent checker, the
greedy start and the pages read real lengths and instants from here. Pure: no files or environment (the
zone data come from the system or the `tzdata` package).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from solver.problem import MINUTES_PER_DAY, Horizon, Problem, ShiftType

_UTC = dt.UTC


class Clock:
    """Instants in minutes elapsed since local midnight at the start of the horizon (day index 0).

    Days are indexed as in docs/rules.md and may lie outside the horizon (negative for days before it).
    """

    def __init__(self, horizon: Horizon, shift_types: Iterable[ShiftType]) -> None:
        self.first = horizon.start
        self.zone = None if horizon.time_zone is None else ZoneInfo(horizon.time_zone)
        shifts = list(shift_types)
        self._start = {s.code: s.start_minute for s in shifts}
        self._nominal = {s.code: s.minutes for s in shifts}
        self._origin = self._utc(0, 0)
        self._cache: dict[tuple[int, int], int] = {}

    @classmethod
    def of(cls, problem: Problem) -> Clock:
        return cls(problem.horizon, problem.shift_types)

    def _utc(self, day: int, minute: int) -> dt.datetime:
        wall = dt.datetime.combine(self.first, dt.time()) + dt.timedelta(days=day, minutes=minute)
        return wall.replace(tzinfo=self.zone or _UTC).astimezone(_UTC)

    def instant(self, day: int, minute: int) -> int:
        """The clock time `minute` (may pass 1440) of day `day`, as minutes since the horizon's start."""
        if self.zone is None:
            return day * MINUTES_PER_DAY + minute
        key = (day, minute)
        found = self._cache.get(key)
        if found is None:
            found = int((self._utc(day, minute) - self._origin).total_seconds()) // 60
            self._cache[key] = found
        return found

    def start(self, code: str, day: int) -> int | None:
        """When shift `code` worked on day `day` starts; None when the shift has no clock time."""
        clock = self._start[code]
        return None if clock is None else self.instant(day, clock)

    def end(self, code: str, day: int) -> int | None:
        """When shift `code` worked on day `day` ends; None when the shift has no clock time."""
        clock = self._start[code]
        return None if clock is None else self.instant(day, clock + self._nominal[code])

    def minutes(self, code: str, day: int) -> int:
        """The real length of shift `code` worked on day `day` (its nominal `minutes` without a clock
        time or a time zone)."""
        clock = self._start[code]
        if clock is None or self.zone is None:
            return self._nominal[code]
        return self.instant(day, clock + self._nominal[code]) - self.instant(day, clock)
