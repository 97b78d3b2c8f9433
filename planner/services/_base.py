"""What every aggregate of the application layer shares: reading a row as an actor may see it, the audit
trail, one commit per use case, the period-editing checks, and the workflow's constants."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import JSON, bindparam, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from planner.auth import (
    Actor,
    planned_teams,
)
from planner.errors import (
    Conflict,
    InputError,
    NotFound,
    PeriodClosed,
)
from planner.models import (
    INT_MAX,
    AuditEntry,
    CoverRule,
    CoverRuleCreate,
    Period,
    Route,
    RouteCreate,
    ShiftType,
    ShiftTypeCreate,
    Staff,
    StaffCreate,
    Team,
    User,
    Wish,
    utcnow,
)
from planner.texts import N_

T = TypeVar("T", bound=SQLModel)
# Team set-up entities: what they are called in messages and their input model.
log = logging.getLogger("pusleplan.services")
SETUP: dict[str, tuple[type[SQLModel], type[SQLModel]]] = {
    "staff": (Staff, StaffCreate),
    "shift type": (ShiftType, ShiftTypeCreate),
    "route": (Route, RouteCreate),
    "cover rule": (CoverRule, CoverRuleCreate),
}
EDITABLE_BY_PLANNER = ("draft", "open", "closed")
SOLVABLE = ("closed", "solved", "published")
ACTIVE_JOB_STATES = ("queued", "running", "stopping")
# Solves of one team queued or running at once (issue 17 item 5): a planner comparing drafts needs a few;
# more only make every other team wait.
MAX_ACTIVE_SOLVES_PER_TEAM = 3
RESTART_MESSAGE = "service restarted while the job was running"
# A unique or foreign-key constraint the services could not check first (a race lost to another request):
# said without the database's own text, which names tables and columns.
STORED_DATA_CONFLICT = N_(
    "this conflicts with data stored meanwhile (a value that must be unique is taken, or what it refers "
    "to is gone); nothing was stored"
)
# Statements of the wish path built once (building a statement costs more than running it on SQLite).
_INSERT_WISH = insert(Wish.__table__)  # type: ignore[attr-defined]
_INSERT_AUDIT = insert(AuditEntry.__table__)  # type: ignore[attr-defined]
_STAFF_TEAM = select(Staff.team_id).where(Staff.id == bindparam("staff_id"))
_SHIFT_KNOWN = select(ShiftType.id).where(
    ShiftType.team_id == bindparam("team_id"), ShiftType.code == bindparam("code")
)


# ---- helpers ----------------------------------------------------------------------------------------


def get(
    session: Session, model: type[T], key: int | None, what: str, *, visible_to: Actor | None = None
) -> T:
    """The row `key` of `model`, or `NotFound` naming it as `what`. With `visible_to`, a row of another
    team than that actor's is not found either: the same 404, so another team's ids reveal nothing (what
    the actor may do with a row of their own team is for the `require_*` checks, a 403)."""
    # An id no integer column can hold is unknown (PostgreSQL would refuse to even compare it).
    row = session.get(model, key) if key is not None and 0 < key <= INT_MAX else None
    if row is None or (visible_to is not None and not _sees(visible_to, session, row)):
        raise NotFound(what, key)
    return row


def _sees(actor: Actor, session: Session, row: SQLModel) -> bool:
    """May `actor` know that `row` exists: is it of a team they are in (the service itself sees every
    team)? An administrator knows every team, but nothing in it unless they plan it."""
    if actor.role == "system" or (actor.is_admin and isinstance(row, Team)):
        return True
    if isinstance(row, User) and row.role != "staff":  # a planner's account: seen in each team they plan
        assert row.id is not None
        return actor.is_admin or any(actor.can_plan(t) for t in planned_teams(session, row.id))
    team = team_of(session, row)
    return team is not None and actor.is_member(team)


def team_of(session: Session, row: SQLModel) -> int | None:
    """The team a row belongs to: its own `team_id`, or that of its period or its person."""
    if isinstance(row, Team):
        return row.id
    if (team_id := getattr(row, "team_id", None)) is not None:
        return int(team_id)
    if (period_id := getattr(row, "period_id", None)) is not None:
        period = session.get(Period, period_id)
        return period.team_id if period else None
    if (staff_id := getattr(row, "staff_id", None)) is not None:
        person = session.get(Staff, staff_id)
        return person.team_id if person else None
    return None


def audit(
    session: Session, actor: Actor, team_id: int | None, action: str, target: str = "", **detail: Any
) -> None:
    session.add(
        AuditEntry(
            who=actor.username, team_id=team_id, action=action, target=target, detail=_jsonable(detail)
        )
    )


def audit_now(
    session: Session, actor: Actor, team_id: int | None, action: str, target: str = "", **detail: Any
) -> None:
    """`audit`, written at once as one INSERT in the session's transaction (no ORM object to flush):
    for the hot paths (wishes)."""
    row = {"at": utcnow(), "who": actor.username, "team_id": team_id, "action": action, "target": target}
    session.connection().execute(_INSERT_AUDIT, {**row, "detail": _jsonable(detail)})


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    return value


def _commit(session: Session) -> None:
    """Commit; a unique-constraint clash (a race lost to another request) is a 409."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        log.warning("commit refused by the database: %s", exc.orig)  # for the operator, not the client
        raise Conflict(STORED_DATA_CONFLICT) from None


def _row_values(model: type[SQLModel], data: SQLModel) -> dict[str, Any]:
    """`data` as column values of `model`: JSON columns get JSON-mode values (dates as text)."""
    plain, as_json = data.model_dump(), data.model_dump(mode="json")
    columns = model.__table__.c  # type: ignore[attr-defined]
    return {
        name: as_json[name] if isinstance(columns[name].type, JSON) else plain[name]
        for name in plain
        if name in columns
    }


def _require_editable(period: Period, actor: Actor) -> None:
    """Staff change their slip while the period is open and before the deadline; the planner until it
    is solved."""
    if actor.plans:
        if period.state not in EDITABLE_BY_PLANNER:
            raise Conflict(
                N_("period {period} is {state}: reopen it to change wishes"),
                period=period.id,
                state=period.state,
            )
        return
    if period.state != "open":
        raise PeriodClosed(
            N_("period {period} is {state}: wishes can no longer be changed"),
            period=period.id,
            state=period.state,
        )
    if period.deadline is not None and utcnow() >= period.deadline:
        raise PeriodClosed(
            N_("the deadline for wishes in period {period} was {deadline}: wishes are read-only now"),
            period=period.id,
            deadline=period.deadline.isoformat(),
        )


def _period_dates(period: Period) -> tuple[dt.date, dt.date]:
    return period.start, period.last_day


def _check_slot(
    session: Session, period: Period, day: dt.date, shift: str | None, route: str | None
) -> Route | None:
    first, last = _period_dates(period)
    if not first <= day <= last:
        raise InputError(
            "date", N_("date {day} is outside the period {first} … {last}"), day=day, first=first, last=last
        )
    if shift is not None:
        known = session.exec(_SHIFT_KNOWN, params={"team_id": period.team_id, "code": shift}).first()
        if known is None:
            raise InputError("shift", N_("unknown shift {shift!r}"), shift=shift)
    if route is None:
        return None
    found = session.exec(select(Route).where(Route.team_id == period.team_id, Route.code == route)).first()
    if found is None:
        raise InputError("route", N_("unknown route {route!r}"), route=route)
    if shift is not None and shift not in found.shifts:
        raise InputError(
            "route", N_("route {route!r} does not run in shift {shift!r}"), route=route, shift=shift
        )
    if day.weekday() not in found.weekdays:
        raise InputError("route", N_("route {route!r} does not run on {day}"), route=route, day=day)
    return found


def _check_person(session: Session, staff_id: int, team_id: int) -> None:
    """`_person` without loading the row: only that the person exists in the team."""
    found = (
        session.exec(_STAFF_TEAM, params={"staff_id": staff_id}).first() if 0 < staff_id <= INT_MAX else None
    )
    if found is None or found != team_id:
        raise NotFound("staff", staff_id)


def _person(session: Session, staff_id: int, team_id: int) -> Staff:
    person = session.get(Staff, staff_id) if 0 < staff_id <= INT_MAX else None
    if person is None or person.team_id != team_id:
        raise NotFound("staff", staff_id)
    return person
