"""Domain errors of the planner layer.

`InputError` is what every reader of user input (files, forms, command-line values) raises: it names the
field and says what is wrong with its value, so the command line and the web service can show it as is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class InputError(ValueError):
    """Bad user input; `field` names where (a field path, a file, a CSV line), the message says what."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(LookupError):
    """An id that does not exist (or that this user may not know exists)."""

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class Conflict(Exception):
    """The request clashes with the current state (a closed period, a stale version, a taken slot)."""


class PeriodClosed(Conflict):
    """Wishes and self-picks can no longer be changed by staff in this period."""


class Forbidden(PermissionError):
    """The user is signed in but may not do this (a staff member and another person's wishes)."""


class Unauthorized(PermissionError):
    """Wrong username or password, or a token that is unknown or expired."""


class TooManyAttempts(PermissionError):
    """Sign-in refused for now: too many failed attempts for this user name or from this address, right
    password or not; `retry_after` whole seconds until the oldest failure leaves the window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


class RuleRefusal(Conflict):
    """A change refused because a planning rule would break (a claim on an absence day, a lock that
    leaves less than 11 h rest). `code` names the rule (`absence`, `day_off`, `veto`, `claimed`,
    `daily_rest`, `weekly_rest`, `succession`, `skills`, …, the checker's rule names where it found
    it), `params` carry the values (dates as `datetime.date`, minutes as ints, names as text) so a
    page can say it in the reader's language; the message is the English wording for the API."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class PeriodNotSolvable(Conflict):
    """A solve of a period that is not closed for wishes (`state` says where it is)."""

    def __init__(self, period_id: int, state: str) -> None:
        super().__init__(f"period {period_id} is {state}: close it before solving")
        self.period_id = period_id
        self.state = state


@dataclass(frozen=True, slots=True)
class PendingCell:
    """A planner's lock that the rota does not have: (shift, route) in the rota and as locked; a None
    shift is a day off."""

    staff_id: int
    staff: str
    name: str
    date: dt.date
    rota: tuple[str | None, str | None]
    locked: tuple[str | None, str | None]


class PendingChanges(Conflict):
    """Publishing a rota while cell changes (locks) wait for a re-solve: staff would get a rota that is
    not the one the planner sees. `cells` names them."""

    def __init__(self, rota_id: int, cells: list[PendingCell]) -> None:
        def cell(value: tuple[str | None, str | None]) -> str:
            return " ".join(x for x in value if x) or "off"

        listed = "; ".join(f"{c.name} {c.date}: {cell(c.rota)} → {cell(c.locked)}" for c in cells)
        super().__init__(
            f"rota {rota_id} is missing {len(cells)} changed cell(s) ({listed}): re-solve from it first"
        )
        self.rota_id = rota_id
        self.cells = cells
