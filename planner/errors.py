"""Domain errors of the planner layer.

`InputError` is what every reader of user input (files, forms, command-line values) raises: it names the
field and says what is wrong with its value, so the command line and the web service can show it as is.

An error is said from a template and its values, not a finished sentence: `template` is an English text
of the application's catalogue (`planner/texts.py`, marked `N_()` where it is raised) with `{name}`
fields, `params` the values (ids, codes, dates as `datetime.date`, states as stored). `str(exc)` is the
English sentence for the command line and the API; a page says the same template in its language with
the values written as it writes them (`api/web/explain.py`, `error_text`). A message raised without
params (a file reader's, an operating-system text) is its own template and stays as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.texts import N_


def _filled(template: str, params: dict[str, object]) -> str:
    return template.format(**params) if params else template


class InputError(ValueError):
    """Bad user input; `field` names where (a field path, a file, a CSV line), the message says what
    (`message`: the English sentence; `template` and `params`: the same as a text of the catalogue)."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        self.template = message
        self.params = params
        self.message = _filled(message, params)
        super().__init__(f"{field}: {self.message}")
        self.field = field


# What `NotFound` names, each as a whole sentence (a language may put the id elsewhere).
NOT_FOUND = {
    "calendar": N_("no such calendar: the link was renewed or revoked"),
    "cell": N_("cell {key!r} not found"),
    "day": N_("day {key!r} not found"),
    "day in this rota": N_("day {key!r} not found in this rota"),
    "week in this rota": N_("week {key!r} not found in this rota"),
    "person in this rota": N_("person {key!r} not found in this rota"),
    "lock": N_("lock {key!r} not found"),
    "notification": N_("notification {key!r} not found"),
    "offer": N_("offer {key!r} not found"),
    "page": N_("page {key!r} not found"),
    "period": N_("period {key!r} not found"),
    "published rota of period": N_("no published rota of period {key!r}"),
    "rota": N_("rota {key!r} not found"),
    "self-pick": N_("self-pick {key!r} not found"),
    "solve job": N_("solve job {key!r} not found"),
    "staff": N_("staff {key!r} not found"),
    "standing wish": N_("standing wish {key!r} not found"),
    "team": N_("team {key!r} not found"),
    "user": N_("user {key!r} not found"),
    "wish": N_("wish {key!r} not found"),
    "shift type": N_("shift type {key!r} not found"),
    "route": N_("route {key!r} not found"),
    "cover": N_("cover rule {key!r} not found"),
}
NOT_FOUND_ANY = N_("{what} {key!r} not found")

# The stored states an error may name (`params["state"]`): periods, rotas and solve jobs.
STATES = (
    N_("draft"),
    N_("open"),
    N_("closed"),
    N_("solved"),
    N_("published"),
    N_("superseded"),
    N_("queued"),
    N_("running"),
    N_("stopping"),
    N_("done"),
    N_("failed"),
    N_("cancelled"),
    N_("taken"),
    N_("approved"),
    N_("refused"),
    N_("withdrawn"),
    N_("declined"),
    N_("expired"),
)


class NotFound(LookupError):
    """An id that does not exist (or that this user may not know exists)."""

    def __init__(self, what: str, key: object) -> None:
        self.template = NOT_FOUND.get(what, NOT_FOUND_ANY)
        self.params: dict[str, object] = {"what": what, "key": key}
        super().__init__(_filled(self.template, self.params))
        self.what = what
        self.key = key


class Conflict(Exception):
    """The request clashes with the current state (a closed period, a stale version, a taken slot)."""

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(_filled(message, params))
        self.template = message
        self.params = params


class PeriodClosed(Conflict):
    """Wishes and self-picks can no longer be changed by staff in this period."""


class Forbidden(PermissionError):
    """The user is signed in but may not do this (a staff member and another person's wishes)."""

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(_filled(message, params))
        self.template = message
        self.params = params


class Unauthorized(PermissionError):
    """Wrong username or password, or a token that is unknown or expired."""


class SecondFactorNeeded(Unauthorized):
    """The password was right, and the account signs in with a one-time code too: none was given."""


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
        self.params = params  # not the message's: the rule's values (api/web/refusals.py words them)


class PeriodNotSolvable(Conflict):
    """A solve of a period that is not closed for wishes (`state` says where it is)."""

    def __init__(self, period_id: int, state: str) -> None:
        super().__init__(
            N_("period {period} is {state}: close it before solving"), period=period_id, state=state
        )
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


class DatabaseUnavailable(Exception):
    """The database cannot be used as it is: its file is gone, replaced or read-only (a 503: a load
    balancer takes the instance out; nothing of the request is stored)."""
