"""The application layer: every step of a period's workflow, as functions with a keyword-only `session=`
and the `actor=` who asks.

Each function that changes something checks the actor's role (`planner.auth.require_*`), validates,
writes an audit entry and commits once at its end; when it raises, nothing of it is stored (the session is
rolled back by its owner). Errors are the classes of `planner.errors`; the API maps them to status codes.
No FastAPI here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import JSON, bindparam, delete, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

from planner import credentials, mapping, person_rules
from planner.auth import (
    Actor,
    end_sign_ins,
    hash_password,
    require_member,
    require_planner,
    require_self_or_planner,
)
from planner.errors import (
    Conflict,
    Forbidden,
    InputError,
    NotFound,
    PendingCell,
    PendingChanges,
    PeriodClosed,
    PeriodNotSolvable,
    RuleRefusal,
)
from planner.export import rota_csv
from planner.models import (
    INT_MAX,
    AuditEntry,
    CellEdit,
    ColleaguePublic,
    CoverRule,
    CoverRuleCreate,
    Lock,
    Period,
    PeriodCreate,
    PeriodOpen,
    Rota,
    RotaPublic,
    Route,
    RouteCreate,
    Rules,
    RulesUpdate,
    SelfPick,
    SelfPickCreate,
    ShiftType,
    ShiftTypeCreate,
    SolveJob,
    SolveRequest,
    Staff,
    StaffCreate,
    StaffPublic,
    StandingWish,
    StandingWishCreate,
    Team,
    TeamCreate,
    User,
    UserCreate,
    Wish,
    WishCreate,
    WishUpdate,
    utcnow,
)
from planner.people import person_label, person_labels
from planner.texts import N_
from solver import check
from solver.problem import Problem
from solver.solution import Assignment, Solution

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
    """May `actor` know that `row` exists: is it of their team (the service itself sees every team)?"""
    if actor.role == "system":
        return True
    return actor.team_id is not None and team_of(session, row) == actor.team_id


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


def _check_code_free(
    session: Session, kind: str, team_id: int, data: SQLModel, item_id: int | None = None
) -> None:
    """A staff member's, shift type's or route's code is unique in its team: a clash is a 409 that says
    which code (rather than the database's constraint text)."""
    model = SETUP[kind][0]
    code = getattr(data, "code", None)
    if code is None or not hasattr(model, "code"):
        return
    query = select(model).where(model.team_id == team_id, model.code == code)  # type: ignore[attr-defined]
    clash = session.exec(query).first()
    if clash is not None and clash.id != item_id:  # type: ignore[attr-defined]
        raise Conflict(N_("{kind} code {code!r} is already used in this team"), kind=kind, code=code)


def _row_values(model: type[SQLModel], data: SQLModel) -> dict[str, Any]:
    """`data` as column values of `model`: JSON columns get JSON-mode values (dates as text)."""
    plain, as_json = data.model_dump(), data.model_dump(mode="json")
    columns = model.__table__.c  # type: ignore[attr-defined]
    return {
        name: as_json[name] if isinstance(columns[name].type, JSON) else plain[name]
        for name in plain
        if name in columns
    }


# ---- teams and their set-up -------------------------------------------------------------------------


def create_team(data: TeamCreate, *, session: Session, actor: Actor) -> Team:
    """A new team with the Danish default rules; a planner without a team becomes its planner."""
    if actor.role not in ("planner", "system"):
        raise Forbidden("only planners may create teams")
    if actor.is_planner and actor.team_id is not None:
        raise Conflict("you already plan a team; one planner account plans one team")
    team = Team(name=data.name)
    session.add(team)
    session.flush()
    assert team.id is not None  # flushed
    session.add(Rules(team_id=team.id))
    if actor.is_planner and actor.user_id is not None:
        user = get(session, User, actor.user_id, "user")
        user.team_id = team.id
        session.add(user)
    audit(session, actor, team.id, "create team", f"team {team.id}", name=data.name)
    _commit(session)
    return team


def list_teams(*, session: Session, actor: Actor) -> Sequence[Team]:
    if actor.role == "system":
        return session.exec(select(Team).order_by(col(Team.id))).all()
    return session.exec(select(Team).where(Team.id == actor.team_id)).all()


def get_team(team_id: int, *, session: Session, actor: Actor) -> Team:
    team = get(session, Team, team_id, "team", visible_to=actor)
    require_member(actor, team_id)
    return team


def list_setup(kind: str, team_id: int, *, session: Session, actor: Actor) -> Sequence[SQLModel]:
    """Staff, shift types, routes or cover rules of a team; every member may read them."""
    get_team(team_id, session=session, actor=actor)
    model = SETUP[kind][0]
    return session.exec(select(model).where(model.team_id == team_id).order_by(model.id)).all()  # type: ignore[attr-defined]


def staff_records(team_id: int, *, session: Session, actor: Actor) -> list[StaffPublic | ColleaguePublic]:
    """The team's people as `actor` may read them: the planner every record in full, a staff member
    their own in full and each colleague's public part (`ColleaguePublic`)."""
    rows = list_setup("staff", team_id, session=session, actor=actor)
    return [_staff_record(row, actor) for row in rows]  # type: ignore[arg-type]


def staff_record(staff_id: int, *, session: Session, actor: Actor) -> StaffPublic | ColleaguePublic:
    row = get_setup("staff", staff_id, session=session, actor=actor)
    return _staff_record(row, actor)  # type: ignore[arg-type]


def _staff_record(row: Staff, actor: Actor) -> StaffPublic | ColleaguePublic:
    if actor.can_plan(row.team_id) or row.id == actor.staff_id:
        return StaffPublic.model_validate(row, from_attributes=True)
    return ColleaguePublic.model_validate(
        {name: getattr(row, name) for name in ColleaguePublic.model_fields}, from_attributes=True
    )


def get_setup(kind: str, item_id: int, *, session: Session, actor: Actor) -> SQLModel:
    row = get(session, SETUP[kind][0], item_id, kind, visible_to=actor)
    require_member(actor, row.team_id)  # type: ignore[attr-defined]
    return row


def create_setup(kind: str, team_id: int, data: SQLModel, *, session: Session, actor: Actor) -> SQLModel:
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    model = SETUP[kind][0]
    row = model(team_id=team_id, **_row_values(model, data))
    _check_references(session, team_id, kind, data)
    _check_code_free(session, kind, team_id, data)
    session.add(row)
    session.flush()
    audit(session, actor, team_id, f"create {kind}", f"{kind} {row.id}", data=data)  # type: ignore[attr-defined]
    _commit(session)
    return row


def update_setup(kind: str, item_id: int, data: SQLModel, *, session: Session, actor: Actor) -> SQLModel:
    """Replace the record with `data` (a PUT: every field)."""
    model = SETUP[kind][0]
    row = get(session, model, item_id, kind, visible_to=actor)
    team_id = row.team_id  # type: ignore[attr-defined]
    require_planner(actor, team_id)
    _check_references(session, team_id, kind, data)
    _check_code_free(session, kind, team_id, data, item_id)
    for name, value in _row_values(model, data).items():
        setattr(row, name, value)
    session.add(row)
    audit(session, actor, team_id, f"change {kind}", f"{kind} {item_id}", data=data)
    _commit(session)
    return row


def delete_setup(kind: str, item_id: int, *, session: Session, actor: Actor) -> None:
    model = SETUP[kind][0]
    row = get(session, model, item_id, kind, visible_to=actor)
    team_id = row.team_id  # type: ignore[attr-defined]
    require_planner(actor, team_id)
    detail: dict[str, Any] = {}
    if kind == "staff":  # a person who leaves takes their sign-in with them (off-boarding)
        account = session.exec(select(User).where(User.staff_id == item_id)).first()
        if account is not None:
            assert account.id is not None
            detail["account"] = account.username
            detail["tokens"] = end_sign_ins(session, account.id)
            session.delete(account)
            session.flush()  # before the person: the account refers to them
    session.delete(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            N_(
                "{kind} {item_id} is still used (wishes, picks, agreements); it cannot be deleted — "
                "disable their account to end their access"
            ),
            kind=kind,
            item_id=item_id,
        ) from None
    audit(session, actor, team_id, f"delete {kind}", f"{kind} {item_id}", **detail)
    _commit(session)


def _check_references(session: Session, team_id: int, kind: str, data: Any) -> None:
    """Codes an entity refers to must exist in the team (the field path names the first that does not)."""
    _, shifts, routes, _ = mapping.team_rows(session, team_id)
    shift_codes = {s.code for s in shifts} | ({data.code} if kind == "shift type" else set())
    route_codes = {r.code for r in routes}

    def known(field: str, values: Sequence[str], pool: set[str], what: str) -> None:
        for i, value in enumerate(values):
            if value not in pool:
                raise InputError(f"{field}[{i}]", f"unknown {what} {value!r}")

    if kind == "shift type":
        known("forbidden_next", data.forbidden_next, shift_codes, "shift")
    elif kind == "route":
        known("shifts", data.shifts, shift_codes, "shift")
    elif kind == "cover rule":
        if data.shift not in shift_codes:
            raise InputError("shift", f"unknown shift {data.shift!r}")
    elif kind == "staff":
        known("favourite_routes", data.favourite_routes, route_codes, "route")
        known("contract.max_shifts", list(data.contract.max_shifts), shift_codes, "shift")


def get_rules(team_id: int, *, session: Session, actor: Actor) -> Rules:
    get_team(team_id, session=session, actor=actor)
    return mapping.team_rules(session, team_id)


def update_rules(team_id: int, data: RulesUpdate, *, session: Session, actor: Actor) -> Rules:
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    rules = mapping.team_rules(session, team_id)
    for name, value in _row_values(Rules, data).items():
        setattr(rules, name, value)
    session.add(rules)
    audit(session, actor, team_id, "change rules", f"team {team_id}", data=data)
    _commit(session)
    return rules


# ---- accounts ---------------------------------------------------------------------------------------


def create_user(team_id: int, data: UserCreate, *, session: Session, actor: Actor) -> User:
    """An account in the team: a planner, or a staff member tied to one person of the team."""
    team = get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    if data.role == "staff":
        if data.staff_id is None:
            raise InputError("staff_id", "a staff account needs the person it belongs to")
        person = get(session, Staff, data.staff_id, "staff")
        if person.team_id != team_id:
            raise NotFound("staff", data.staff_id)
    words = team.name.split() + (person.name.split() + [person.code] if data.role == "staff" else [])
    if credentials.password_problem(data.password, data.username, words) == "password_guessable":
        raise InputError("password", credentials.GUESSABLE)  # a name of their own or of the team
    if session.exec(select(User).where(User.username == data.username)).first() is not None:
        raise Conflict(N_("username {username!r} is taken"), username=data.username)
    user = User(
        username=data.username,
        role=data.role,
        team_id=team_id,
        staff_id=data.staff_id if data.role == "staff" else None,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    audit(session, actor, team_id, "create account", data.username, role=data.role)
    _commit(session)
    return user


def set_user_disabled(user_id: int, disabled: bool, *, session: Session, actor: Actor) -> User:
    """Disable an account (every sign-in of it ends at once, and it cannot sign in) or enable it again;
    the team's planner only, and not their own account (a team would be left without a planner)."""
    user = get(session, User, user_id, "user", visible_to=actor)
    assert user.team_id is not None
    require_planner(actor, user.team_id)
    if disabled and user.id == actor.user_id:
        raise Conflict(N_("you cannot disable your own account: another planner must"))
    user.disabled = disabled
    session.add(user)
    ended = end_sign_ins(session, user_id) if disabled else 0
    action = "disable account" if disabled else "enable account"
    audit(session, actor, user.team_id, action, user.username, tokens=ended)
    _commit(session)
    return user


def delete_user(user_id: int, *, session: Session, actor: Actor) -> None:
    """Remove an account (its sign-ins end; the person, their wishes and rotas stay; the name is free)."""
    user = get(session, User, user_id, "user", visible_to=actor)
    assert user.team_id is not None
    require_planner(actor, user.team_id)
    if user.id == actor.user_id:
        raise Conflict(N_("you cannot delete your own account: another planner must"))
    ended = end_sign_ins(session, user_id)
    session.delete(user)
    audit(session, actor, user.team_id, "delete account", user.username, tokens=ended)
    _commit(session)


def list_users(team_id: int, *, session: Session, actor: Actor) -> Sequence[User]:
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    return session.exec(select(User).where(col(User.team_id) == team_id).order_by(col(User.id))).all()


def audit_log(
    team_id: int, *, session: Session, actor: Actor, limit: int = 200, offset: int = 0
) -> Sequence[AuditEntry]:
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    query = (
        select(AuditEntry)
        .where(AuditEntry.team_id == team_id)
        .order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
        .offset(offset)
        .limit(limit)
    )
    return session.exec(query).all()


# ---- periods ----------------------------------------------------------------------------------------


def create_period(team_id: int, data: PeriodCreate, *, session: Session, actor: Actor) -> Period:
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    last = data.last_day
    for i, day in enumerate(data.public_holidays):
        if not data.start <= day <= last:
            raise InputError(
                f"public_holidays[{i}]", f"date {day} is outside the period {data.start} … {last}"
            )
    period = Period(team_id=team_id, **_row_values(Period, data))
    session.add(period)
    session.flush()
    audit(session, actor, team_id, "create period", f"period {period.id}", data=data)
    _commit(session)
    return period


def list_periods(team_id: int, *, session: Session, actor: Actor) -> Sequence[Period]:
    get_team(team_id, session=session, actor=actor)
    return session.exec(select(Period).where(col(Period.team_id) == team_id).order_by(col(Period.id))).all()


def get_period(period_id: int, *, session: Session, actor: Actor) -> Period:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_member(actor, period.team_id)
    return period


def open_period(period_id: int, data: PeriodOpen, *, session: Session, actor: Actor) -> Period:
    """Open for wishes (from `draft`; approved standing wishes are added), or reopen (from `closed` or
    `solved`); a new deadline may be given."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    if period.state not in ("draft", "closed", "solved"):
        raise Conflict(
            N_("period {period} is {state}; only a draft, closed or solved period can open"),
            period=period_id,
            state=period.state,
        )
    if period.state == "draft":
        _apply_standing_wishes(session, period)
    if data.deadline is not None:
        period.deadline = data.deadline
    before, period.state = period.state, "open"
    session.add(period)
    audit(
        session,
        actor,
        period.team_id,
        "open period",
        f"period {period_id}",
        was=before,
        deadline=period.deadline,
    )
    _commit(session)
    return period


def close_period(period_id: int, *, session: Session, actor: Actor) -> Period:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    if period.state != "open":
        raise Conflict(N_("period {period} is {state}, not open"), period=period_id, state=period.state)
    period.state = "closed"
    session.add(period)
    audit(session, actor, period.team_id, "close period", f"period {period_id}")
    _commit(session)
    return period


def submissions(period_id: int, *, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Per person: how many wishes, vetoes and self-picks they have in the period (who has submitted)."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    staff = mapping.team_rows(session, period.team_id)[0]
    counts: dict[int | None, Counter[str]] = defaultdict(Counter)
    for w in session.exec(select(Wish).where(Wish.period_id == period_id, Wish.source == "own")):
        counts[w.staff_id]["vetoes" if w.kind == "veto" else "wishes"] += 1
    for p in session.exec(select(SelfPick).where(SelfPick.period_id == period_id)):
        counts[p.staff_id]["self_picks"] += 1
    return [
        {
            "staff_id": s.id,
            "code": s.code,
            "name": s.name,
            "wishes": counts[s.id]["wishes"],
            "vetoes": counts[s.id]["vetoes"],
            "self_picks": counts[s.id]["self_picks"],
        }
        for s in staff
    ]


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
            f"the deadline for wishes in period {period.id} was {period.deadline.isoformat()}: "
            "wishes are read-only now"
        )


def _period_dates(period: Period) -> tuple[dt.date, dt.date]:
    return period.start, period.last_day


def _check_slot(
    session: Session, period: Period, day: dt.date, shift: str | None, route: str | None
) -> Route | None:
    first, last = _period_dates(period)
    if not first <= day <= last:
        raise InputError("date", f"date {day} is outside the period {first} … {last}")
    if shift is not None:
        known = session.exec(_SHIFT_KNOWN, params={"team_id": period.team_id, "code": shift}).first()
        if known is None:
            raise InputError("shift", f"unknown shift {shift!r}")
    if route is None:
        return None
    found = session.exec(select(Route).where(Route.team_id == period.team_id, Route.code == route)).first()
    if found is None:
        raise InputError("route", f"unknown route {route!r}")
    if shift is not None and shift not in found.shifts:
        raise InputError("route", f"route {route!r} does not run in shift {shift!r}")
    if day.weekday() not in found.weekdays:
        raise InputError("route", f"route {route!r} does not run on {day} ({day.strftime('%A')})")
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


# ---- wishes -----------------------------------------------------------------------------------------


def _visible_staff(period_id: int, *, session: Session, actor: Actor, staff_id: int | None) -> int | None:
    """Whose records of a period the actor may list: anyone's (or all, None) for a planner, own for staff."""
    period = get_period(period_id, session=session, actor=actor)
    if staff_id is None and not actor.plans:
        staff_id = actor.staff_id
    if staff_id is not None:
        require_self_or_planner(actor, period.team_id, staff_id)
    return staff_id


def list_wishes(
    period_id: int,
    *,
    session: Session,
    actor: Actor,
    staff_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Wish]:
    """The planner sees everyone's wishes (or one person's); a staff member only their own. By date, a
    page of `limit` from `offset` (all without a limit)."""
    staff_id = _visible_staff(period_id, session=session, actor=actor, staff_id=staff_id)
    query = select(Wish).where(Wish.period_id == period_id)
    if staff_id is not None:
        query = query.where(Wish.staff_id == staff_id)
    query = query.order_by(col(Wish.date), col(Wish.id)).offset(offset).limit(limit)
    return session.exec(query).all()


def get_wish(wish_id: int, *, session: Session, actor: Actor) -> Wish:
    wish = get(session, Wish, wish_id, "wish", visible_to=actor)
    period = get(session, Period, wish.period_id, "period")
    require_self_or_planner(actor, period.team_id, wish.staff_id)
    return wish


def create_wish(period_id: int, data: WishCreate, *, session: Session, actor: Actor) -> Wish:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_self_or_planner(actor, period.team_id, data.staff_id)
    _check_person(session, data.staff_id, period.team_id)
    _require_editable(period, actor)
    _check_wish(session, period, data, data.staff_id, exclude=None)
    # The hot path at a deadline (docs/benchmarks.md): the wish and its audit entry are two Core INSERTs,
    # not ORM objects flushed by the unit of work; the wish returned is attached to the session as usual.
    values = {**_row_values(Wish, data), "period_id": period_id, "version": 1, "source": "own"}
    values["updated_at"] = utcnow()
    try:
        result = session.connection().execute(_INSERT_WISH, values)
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row
        wish_id = key[0]
        audit_now(session, actor, period.team_id, "create wish", f"wish {wish_id}", data=data)
    except IntegrityError as exc:
        session.rollback()
        log.warning("commit refused by the database: %s", exc.orig)  # for the operator, not the client
        raise Conflict(STORED_DATA_CONFLICT) from None
    _commit(session)
    wish = Wish(id=wish_id, **values)
    make_transient_to_detached(wish)
    session.add(wish)  # persistent, as if loaded: no SQL
    return wish


def update_wish(wish_id: int, data: WishUpdate, *, session: Session, actor: Actor) -> Wish:
    """Change a wish if nobody changed it since the client read `data.version`; else 409."""
    wish = get_wish(wish_id, session=session, actor=actor)
    period = get(session, Period, wish.period_id, "period")
    _require_editable(period, actor)
    _check_wish(session, period, data, wish.staff_id, exclude=wish_id)
    values = {k: v for k, v in _row_values(Wish, data).items() if k != "version"}
    # One conditional UPDATE: of two writers with the same version exactly one matches (no lost write).
    result = session.execute(
        update(Wish)
        .where(col(Wish.id) == wish_id, col(Wish.version) == data.version)
        .values(**values, version=Wish.version + 1, updated_at=utcnow(), source="own")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        current = session.get(Wish, wish_id)
        raise Conflict(
            f"wish {wish_id} was changed by someone else (your version {data.version}, "
            f"now {current.version if current else 'deleted'}); reload it and try again"
        )
    audit(session, actor, period.team_id, "change wish", f"wish {wish_id}", data=data)
    _commit(session)
    session.refresh(wish)
    return wish


def delete_wish(wish_id: int, *, session: Session, actor: Actor, version: int | None = None) -> None:
    wish = get_wish(wish_id, session=session, actor=actor)
    period = get(session, Period, wish.period_id, "period")
    _require_editable(period, actor)
    query = delete(Wish).where(col(Wish.id) == wish_id)
    if version is not None:
        query = query.where(col(Wish.version) == version)
    if session.execute(query).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(f"wish {wish_id} was changed by someone else since version {version}; reload it")
    audit(session, actor, period.team_id, "delete wish", f"wish {wish_id}")
    _commit(session)


def _check_wish(session: Session, period: Period, data: Any, staff_id: int, *, exclude: int | None) -> None:
    """A veto within the limit and not on a worked day; a want not on a day off (`RuleRefusal`); and
    no second wish for what a stored one already says (`Conflict`)."""
    if data.kind == "veto" and (data.shift is not None or data.route is not None):
        raise InputError("kind", "a veto is a whole day off: give no shift or route")
    # Check-then-insert is a race under READ COMMITTED (PostgreSQL): two requests could both see one veto
    # left, or both see no such wish yet. Locking the person's row serialises their wish writes until
    # commit; the queries below then see every committed wish. (SQLite ignores FOR UPDATE: its write
    # transactions are serial already, `BEGIN IMMEDIATE` in `planner.db`.)
    session.exec(select(Staff.id).where(Staff.id == staff_id).with_for_update()).one()
    _check_not_repeated(session, period, data, staff_id, exclude)
    if data.kind == "veto":
        _check_slot(session, period, data.date, None, None)
        limit = mapping.team_rules(session, period.team_id).max_vetoes
        query = (
            select(func.count())
            .select_from(Wish)
            .where(Wish.period_id == period.id, Wish.staff_id == staff_id, Wish.kind == "veto")
        )
        if exclude is not None:
            query = query.where(Wish.id != exclude)
        used = session.exec(query).one()
        if limit is not None and used >= limit:
            who = person_label(session, staff_id)
            raise RuleRefusal(
                "veto_limit", f"{who} has used all {limit} veto days of period {period.id}", limit=limit
            )
        # Not on a day the person has claimed a shift, or the planner locked them to one.
        person_rules.check_veto(session, period, staff_id, data.date)
    else:
        _check_slot(session, period, data.date, data.shift, data.route)
        if data.kind == "want":  # not on a day the person is off whatever the rota (avoid is harmless)
            person_rules.check_want(_person(session, staff_id, period.team_id), data.date)


def _check_not_repeated(
    session: Session, period: Period, data: Any, staff_id: int, exclude: int | None
) -> None:
    """One veto per day, and one wish per day, shift and route: the same wish again, or `want` beside
    `avoid` for one slot, is a 409 that names the stored wish to change instead."""
    same_day = (Wish.period_id == period.id) & (Wish.staff_id == staff_id) & (Wish.date == data.date)
    if data.kind == "veto":
        clash = same_day & (Wish.kind == "veto")
    else:
        shift = Wish.shift.is_(None) if data.shift is None else Wish.shift == data.shift  # type: ignore[union-attr]
        route = Wish.route.is_(None) if data.route is None else Wish.route == data.route  # type: ignore[union-attr]
        clash = same_day & (Wish.kind != "veto") & shift & route
    query = select(Wish.id, Wish.kind).where(clash)
    if exclude is not None:
        query = query.where(Wish.id != exclude)
    stored = session.exec(query).first()
    if stored is None:
        return
    wish_id, kind = stored
    if kind == data.kind:
        raise Conflict(N_("the same wish is already stored (wish {wish_id})"), wish_id=wish_id)
    raise Conflict(
        N_("this slot already has a {kind} wish (wish {wish_id}): change that one instead"),
        kind=kind,
        wish_id=wish_id,
    )


# ---- standing wishes (individuelle aftaler) ---------------------------------------------------------


def create_standing_wish(data: StandingWishCreate, *, session: Session, actor: Actor) -> StandingWish:
    """Propose an agreement (staff, for themselves) or record one (planner: approved at once)."""
    person = get(session, Staff, data.staff_id, "staff")
    require_self_or_planner(actor, person.team_id, person.id)  # type: ignore[arg-type]
    _, shifts, routes, _ = mapping.team_rows(session, person.team_id)
    if data.shift is not None and data.shift not in {s.code for s in shifts}:
        raise InputError("shift", f"unknown shift {data.shift!r}")
    if data.route is not None and data.route not in {r.code for r in routes}:
        raise InputError("route", f"unknown route {data.route!r}")
    row = StandingWish(**_row_values(StandingWish, data), approved=actor.plans)
    session.add(row)
    session.flush()
    audit(session, actor, person.team_id, "create standing wish", f"standing wish {row.id}", data=data)
    _commit(session)
    return row


def list_standing_wishes(team_id: int, *, session: Session, actor: Actor) -> Sequence[StandingWish]:
    get_team(team_id, session=session, actor=actor)
    query = select(StandingWish).join(Staff).where(Staff.team_id == team_id)
    if not actor.plans:
        query = query.where(StandingWish.staff_id == actor.staff_id)
    return session.exec(query.order_by(col(StandingWish.id))).all()


def approve_standing_wish(item_id: int, *, session: Session, actor: Actor) -> StandingWish:
    row = get(session, StandingWish, item_id, "standing wish", visible_to=actor)
    person = get(session, Staff, row.staff_id, "staff")
    require_planner(actor, person.team_id)
    row.approved = True
    session.add(row)
    audit(session, actor, person.team_id, "approve standing wish", f"standing wish {item_id}")
    _commit(session)
    return row


def delete_standing_wish(item_id: int, *, session: Session, actor: Actor) -> None:
    row = get(session, StandingWish, item_id, "standing wish", visible_to=actor)
    person = get(session, Staff, row.staff_id, "staff")
    require_self_or_planner(actor, person.team_id, row.staff_id)
    if row.approved and not actor.plans:
        raise Forbidden("an approved agreement can only be ended by the planner")
    session.delete(row)
    audit(session, actor, person.team_id, "delete standing wish", f"standing wish {item_id}")
    _commit(session)


def _apply_standing_wishes(session: Session, period: Period) -> None:
    """Every approved agreement of the team becomes wishes of the period, on each matching day."""
    assert period.id is not None  # a stored period
    session.execute(delete(Wish).where(col(Wish.period_id) == period.id, col(Wish.source) == "standing"))
    _, _, routes, _ = mapping.team_rows(session, period.team_id)
    runs = {r.code: r for r in routes}
    agreements = session.exec(
        select(StandingWish).join(Staff).where(Staff.team_id == period.team_id, StandingWish.approved)
    ).all()
    for sw in agreements:
        for i in range(period.days):
            day = period.start + dt.timedelta(days=i)
            if sw.weekdays and day.weekday() not in sw.weekdays:
                continue
            route = runs.get(sw.route) if sw.route else None
            if route is not None and (
                day.weekday() not in route.weekdays or (sw.shift and sw.shift not in route.shifts)
            ):
                continue
            session.add(
                Wish(
                    period_id=period.id,
                    staff_id=sw.staff_id,
                    date=day,
                    kind=sw.kind,
                    shift=sw.shift,
                    route=sw.route,
                    weight=sw.weight,
                    source="standing",
                )
            )


# ---- open slots and self-picks ----------------------------------------------------------------------


def open_slots(period_id: int, *, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Per day and shift: how many people the day needs, how many have claimed it, and each route slot
    with whether it is still free. Staff see that a slot is taken, the planner also by whom."""
    period = get_period(period_id, session=session, actor=actor)
    staff, shifts, routes, cover = mapping.team_rows(session, period.team_id)
    code = {s.id: s.code for s in staff}
    picks = session.exec(select(SelfPick).where(SelfPick.period_id == period_id)).all()
    claimed: Counter[tuple[dt.date, str]] = Counter((p.date, p.shift) for p in picks)
    by_route = {(p.date, p.shift, p.route): p for p in picks if p.route}
    planner = actor.plans
    out: list[dict[str, Any]] = []
    for i in range(period.days):
        day = period.start + dt.timedelta(days=i)
        for s in shifts:
            slots = []
            for r in routes:
                if s.code in r.shifts and day.weekday() in r.weekdays:
                    pick = by_route.get((day, s.code, r.code))
                    slot: dict[str, Any] = {
                        "route": r.code,
                        "name": r.name,
                        "district": r.district,
                        "skills": r.skills,
                        "free": pick is None,
                    }
                    if planner and pick is not None:
                        slot["claimed_by"] = code.get(pick.staff_id)
                    slots.append(slot)
            need = _need(cover, day, s.code)
            out.append(
                {
                    "date": day,
                    "shift": s.code,
                    "need": need,
                    "claimed": claimed[(day, s.code)],
                    "open": max(0, need - claimed[(day, s.code)]),
                    "routes": slots,
                }
            )
    return out


def _need(cover: Sequence[CoverRule], day: dt.date, shift: str) -> int:
    """The cover rule for (day, shift) without a skill: a date rule beats a weekday rule beats every day;
    without a rule, the routes decide (need 0 here)."""
    best: tuple[int, int] | None = None
    for c in cover:
        if c.shift != shift or c.skill is not None:
            continue
        if c.date is not None:
            rank = 2 if c.date == day else -1
        elif c.weekday is not None:
            rank = 1 if c.weekday == day.weekday() else -1
        else:
            rank = 0
        if rank >= 0 and (best is None or rank > best[0]):
            best = (rank, c.need)
    return best[1] if best else 0


def list_self_picks(
    period_id: int, *, session: Session, actor: Actor, staff_id: int | None = None
) -> Sequence[SelfPick]:
    staff_id = _visible_staff(period_id, session=session, actor=actor, staff_id=staff_id)
    query = select(SelfPick).where(SelfPick.period_id == period_id)
    if staff_id is not None:
        query = query.where(SelfPick.staff_id == staff_id)
    return session.exec(query.order_by(col(SelfPick.date), col(SelfPick.id))).all()


def create_self_pick(period_id: int, data: SelfPickCreate, *, session: Session, actor: Actor) -> SelfPick:
    """Claim an open slot: one per person and day, a route slot for one person only, and only what the
    person's hard rules allow with their other claims and locks (`person_rules.check_claim`); a refusal
    is a `RuleRefusal` naming the rule."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_self_or_planner(actor, period.team_id, data.staff_id)
    person = _person(session, data.staff_id, period.team_id)
    _require_editable(period, actor)
    _check_slot(session, period, data.date, data.shift, data.route)
    mine = select(SelfPick).where(
        SelfPick.period_id == period_id, SelfPick.staff_id == data.staff_id, SelfPick.date == data.date
    )
    held = session.exec(mine).first()
    if held is not None:
        raise RuleRefusal(
            "one_shift_a_day",
            f"{person_label(session, data.staff_id)} has already claimed a slot on {data.date}",
            **person_rules.cell_params(session, period.team_id, data.date, held.shift, held.route),
        )
    if data.route is not None:
        taken = select(SelfPick).where(
            SelfPick.period_id == period_id,
            SelfPick.date == data.date,
            SelfPick.shift == data.shift,
            SelfPick.route == data.route,
        )
        if session.exec(taken).first() is not None:
            raise RuleRefusal(
                "taken",
                f"route {data.route!r} on {data.date} ({data.shift}) is already taken",
                **person_rules.cell_params(session, period.team_id, data.date, data.shift, data.route),
            )
    # Days off, vetoes, locks, rests, contract maxima, skills: the person's rules with this claim.
    person_rules.check_claim(session, period, person, data.date, data.shift, data.route)
    pick = SelfPick(period_id=period_id, **_row_values(SelfPick, data))
    session.add(pick)
    session.flush()
    audit(session, actor, period.team_id, "claim slot", f"self-pick {pick.id}", data=data)
    _commit(session)
    return pick


def delete_self_pick(pick_id: int, *, session: Session, actor: Actor) -> None:
    pick = get(session, SelfPick, pick_id, "self-pick", visible_to=actor)
    period = get(session, Period, pick.period_id, "period")
    require_self_or_planner(actor, period.team_id, pick.staff_id)
    _require_editable(period, actor)
    session.delete(pick)
    audit(session, actor, period.team_id, "release slot", f"self-pick {pick_id}")
    _commit(session)


# ---- solving ----------------------------------------------------------------------------------------


def create_solve_job(period_id: int, data: SolveRequest, *, session: Session, actor: Actor) -> SolveJob:
    """A queued solve of a closed period (or a re-solve from one of its drafts). The problem is built
    once here so that bad team data is a 422 now, not a failed job later."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    if not solvable(period):
        raise PeriodNotSolvable(period_id, period.state)
    if data.from_rota is not None:
        base = get(session, Rota, data.from_rota, "rota")
        if base.period_id != period_id:
            raise InputError("from_rota", f"rota {data.from_rota} belongs to another period")
    waiting = session.exec(
        select(func.count())
        .select_from(SolveJob)
        .join(Period, col(Period.id) == col(SolveJob.period_id))
        .where(Period.team_id == period.team_id, SolveJob.state.in_(ACTIVE_JOB_STATES))  # type: ignore[attr-defined]
    ).one()
    if waiting >= MAX_ACTIVE_SOLVES_PER_TEAM:
        raise Conflict(
            N_("the team has {n} solves waiting or running already: wait for one to end, or stop one"),
            n=waiting,
        )
    problem_for_job(session, period, data.from_rota, data.keep_weight)
    job = SolveJob(period_id=period_id, created_by=actor.username, **data.model_dump())
    session.add(job)
    session.flush()
    audit(session, actor, period.team_id, "start solve", f"job {job.id}", data=data)
    _commit(session)
    return job


def solvable(period: Period) -> bool:
    """Whether a solve of the period may start now (it is closed for wishes, solved or published)."""
    return period.state in SOLVABLE


def problem_for_job(session: Session, period: Period, from_rota: int | None, keep_weight: int) -> Problem:
    keep: list[Assignment] = []
    if from_rota is not None:
        keep = mapping.rota_assignments(get(session, Rota, from_rota, "rota"))
    return mapping.build_problem(session, period, keep=keep, keep_weight=keep_weight)


def get_job(job_id: int, *, session: Session, actor: Actor) -> SolveJob:
    job = get(session, SolveJob, job_id, "solve job", visible_to=actor)
    period = get(session, Period, job.period_id, "period")
    require_planner(actor, period.team_id)
    return job


def list_jobs(period_id: int, *, session: Session, actor: Actor) -> Sequence[SolveJob]:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    return session.exec(
        select(SolveJob).where(col(SolveJob.period_id) == period_id).order_by(col(SolveJob.id))
    ).all()


def cancel_job(job_id: int, *, session: Session, actor: Actor) -> SolveJob:
    """Stop a solve and keep the best rota it has found. A queued job is cancelled; a running one is
    asked to stop (`stopping`): its search ends, and it ends `done` with its best rota so far as a draft
    marked stopped early, or `cancelled` when it had none yet. A job already stopping is returned as it
    is; 409 when it has ended. The caller tells the queue (`JobQueue.cancel`)."""
    job = get_job(job_id, session=session, actor=actor)
    period = get(session, Period, job.period_id, "period")
    if set_job_state(session, job_id, "cancelled", from_states=("queued",), error="cancelled by planner"):
        audit(session, actor, period.team_id, "cancel solve", f"job {job_id}")
    elif set_job_state(session, job_id, "stopping", from_states=("running",)):
        audit(session, actor, period.team_id, "stop solve", f"job {job_id}")
    else:
        session.refresh(job)
        if job.state == "stopping":
            return job
        raise Conflict(
            N_("solve job {job} is {state}; only a queued or running job can be cancelled"),
            job=job_id,
            state=job.state,
        )
    _commit(session)
    session.refresh(job)
    return job


def set_job_state(
    session: Session, job_id: int, state: str, *, from_states: Sequence[str], **values: Any
) -> bool:
    """Move a job to `state` only if it is in one of `from_states` (one conditional UPDATE, so a cancel
    and a finishing worker cannot both win). True when it moved; the caller commits."""
    if state in ("done", "failed", "cancelled"):
        values.setdefault("finished_at", utcnow())
    result = session.execute(
        update(SolveJob)
        .where(col(SolveJob.id) == job_id, col(SolveJob.state).in_(from_states))
        .values(state=state, **values)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def fail_stale_jobs(*, session: Session) -> int:
    """At service start: jobs left queued or running by a previous run are failed, never left hanging."""
    result = session.execute(
        update(SolveJob)
        .where(col(SolveJob.state).in_(ACTIVE_JOB_STATES))
        .values(state="failed", error=RESTART_MESSAGE, finished_at=utcnow())
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        audit(session, Actor.system(), None, "fail stale jobs", f"{count} job(s)")
    session.commit()
    return count


def store_rota(
    period: Period,
    problem: Problem,
    solution: Solution,
    *,
    session: Session,
    job: SolveJob | None = None,
    stopped_early: bool = False,
) -> Rota:
    """Keep a solution's rota as a new draft of the period (`stopped_early`: the planner stopped its
    search); the period becomes `solved`. The independent checker verifies it first: a rota that breaks
    a hard rule is never stored (ValueError), and its cost is the checker's. A solution without a rota
    is not a draft (ValueError). Caller commits."""
    assert period.id is not None
    if not solution.has_rota:
        raise ValueError(f"a {solution.status} solution has no rota to store")
    broken = check.violations(problem, solution.assignments)
    if broken:
        raise ValueError(f"the solver's rota breaks hard rules: {'; '.join(map(str, broken[:5]))}")
    cost = check.objective(problem, solution.assignments)
    if cost != solution.objective:
        solution = solution.model_copy(update={"objective": cost})
    rota = mapping.rota_from_solution(
        period.id, problem, solution, job_id=job.id if job else None, from_rota=job.from_rota if job else None
    )
    rota.stopped_early = stopped_early
    session.add(rota)
    session.flush()
    if period.state == "closed" and solution.has_rota:
        period.state = "solved"
        session.add(period)
    audit(
        session,
        Actor.system(),
        period.team_id,
        "store draft rota",
        f"rota {rota.id}",
        status=solution.status,
        objective=solution.objective,
        job=job.id if job else None,
    )
    return rota


# ---- rotas ------------------------------------------------------------------------------------------


def list_rotas(period_id: int, *, session: Session, actor: Actor) -> Sequence[Rota]:
    """The planner sees every rota of the period; staff only the published one."""
    period = get_period(period_id, session=session, actor=actor)
    query = select(Rota).where(Rota.period_id == period_id)
    if not actor.can_plan(period.team_id):
        query = query.where(Rota.state == "published")
    return session.exec(query.order_by(col(Rota.id))).all()


def rota_public(rota: Rota, *, session: Session, actor: Actor) -> RotaPublic:
    """A rota as `actor` may read it. Who works when is the team's; how many of a person's wishes were
    granted (fulfilment, with their hours and target), the penalties that name a person and the conflicts
    are the planner's and that person's own: a staff member gets only theirs (and the team's cover)."""
    public = RotaPublic.model_validate(rota, from_attributes=True)
    public.unfilled = [c for c in rota.coverage if c["need"] > c["assigned"]]
    period = get(session, Period, rota.period_id, "period")
    if actor.can_plan(period.team_id):
        return public
    person = session.get(Staff, actor.staff_id) if actor.staff_id is not None else None
    own = person.code if person is not None else None
    public.fulfilment = [f for f in public.fulfilment if f.get("staff") == own]
    public.penalties = [p for p in public.penalties if p.get("staff") in (None, own)]
    public.conflicts = [c for c in public.conflicts if c.get("staff") in (None, own)]
    return public


def get_rota(rota_id: int, *, session: Session, actor: Actor) -> Rota:
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_member(actor, period.team_id)
    if rota.state != "published" and not actor.can_plan(period.team_id):
        raise NotFound("rota", rota_id)  # a draft does not exist for staff
    return rota


def published_rota(period_id: int, *, session: Session, actor: Actor) -> Rota:
    get_period(period_id, session=session, actor=actor)
    rota = session.exec(select(Rota).where(Rota.period_id == period_id, Rota.state == "published")).first()
    if rota is None:
        raise NotFound("published rota of period", period_id)
    return rota


def list_locks(period_id: int, *, session: Session, actor: Actor) -> Sequence[Lock]:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    return session.exec(
        select(Lock).where(Lock.period_id == period_id).order_by(col(Lock.date), col(Lock.staff_id))
    ).all()


def edit_cell(
    rota_id: int, staff_id: int, day: dt.date, edit: CellEdit, *, session: Session, actor: Actor
) -> Lock:
    """Fix one cell of a draft for the next re-solve: `lock` keeps what the draft has, `change` sets a
    shift (and route), `clear` makes the day off. The draft itself is never changed; a lock of the
    period is stored (replacing an earlier one on that cell). A lock that cannot hold with the person's
    other locks and hard rules is refused (`RuleRefusal`, `person_rules.check_lock`)."""
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    person = _person(session, staff_id, period.team_id)
    if edit.action == "lock":
        if edit.shift is not None or edit.route is not None:
            raise InputError("shift", "a lock keeps the draft's cell: give no shift or route")
        current = next(
            (a for a in rota.assignments if a["staff"] == person.code and a["date"] == day.isoformat()), None
        )
        shift, route = (current["shift"], current["route"]) if current else (None, None)
    elif edit.action == "change":
        if edit.shift is None:
            raise InputError("shift", "a change needs the new shift")
        shift, route = edit.shift, edit.route
    else:
        if edit.shift is not None or edit.route is not None:
            raise InputError("shift", "clear makes the day off: give no shift or route")
        shift, route = None, None
    _check_slot(session, period, day, shift, route)
    # The lock must hold with the person's other locks and hard rules (`RuleRefusal`; nothing stored).
    person_rules.check_lock(session, period, person, day, shift, route)
    session.execute(
        delete(Lock).where(
            col(Lock.period_id) == period.id, col(Lock.staff_id) == staff_id, col(Lock.date) == day
        )
    )
    lock = Lock(period_id=rota.period_id, staff_id=staff_id, date=day, shift=shift, route=route)
    session.add(lock)
    session.flush()
    audit(
        session,
        actor,
        period.team_id,
        f"{edit.action} cell",
        f"rota {rota_id}",
        staff=person.code,
        date=day,
        shift=shift,
        route=route,
    )
    _commit(session)
    return lock


def delete_lock(lock_id: int, *, session: Session, actor: Actor) -> None:
    lock = get(session, Lock, lock_id, "lock", visible_to=actor)
    period = get(session, Period, lock.period_id, "period")
    require_planner(actor, period.team_id)
    session.delete(lock)
    audit(session, actor, period.team_id, "unlock cell", f"lock {lock_id}")
    _commit(session)


def compare_rotas(a_id: int, b_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """What differs between two rotas of one period: cells, objective, unfilled slots."""
    a, b = (get_rota(i, session=session, actor=actor) for i in (a_id, b_id))
    if a.period_id != b.period_id:
        raise InputError("b", f"rotas {a_id} and {b_id} belong to different periods")

    def cells(rota: Rota) -> dict[tuple[str, str], dict[str, Any]]:
        return {(x["staff"], x["date"]): {"shift": x["shift"], "route": x["route"]} for x in rota.assignments}

    ca, cb = cells(a), cells(b)
    changed = [
        {"staff": staff, "date": day, "a": ca.get((staff, day)), "b": cb.get((staff, day))}
        for staff, day in sorted(set(ca) | set(cb))
        if ca.get((staff, day)) != cb.get((staff, day))
    ]

    def unfilled(rota: Rota) -> int:
        return sum(max(0, c["need"] - c["assigned"]) for c in rota.coverage)

    return {
        "a": a_id,
        "b": b_id,
        "changed_cells": len(changed),
        "cells": changed,
        "objective": {"a": a.objective, "b": b.objective},
        "unfilled": {"a": unfilled(a), "b": unfilled(b)},
    }


def pending_changes(rota_id: int, *, session: Session, actor: Actor) -> list[PendingCell]:
    """The period's locks that `rota` does not have (a cell changed, made a day off or locked as another
    draft had it): changes that wait for a re-solve. In the period's order of days, then the team's
    order of people. A rota that is not a draft has none: it is what was published."""
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    if rota.state != "draft":
        return []
    return _pending_cells(session, rota, period)


def _pending_cells(session: Session, rota: Rota, period: Period) -> list[PendingCell]:
    cells = {(a["staff"], a["date"]): (a["shift"], a.get("route")) for a in rota.assignments}
    people = {p.id: p for p in session.exec(select(Staff).where(Staff.team_id == period.team_id)).all()}
    labels = person_labels(people.values())
    order = {p["id"]: i for i, p in enumerate(rota.problem.get("staff", []))}
    locks = session.exec(select(Lock).where(Lock.period_id == period.id)).all()
    pending = []
    for lock in locks:
        person = people.get(lock.staff_id)
        if person is None or lock.id is None:
            continue
        has = cells.get((person.code, lock.date.isoformat()), (None, None))
        if has != (lock.shift, lock.route):
            pending.append(
                PendingCell(
                    lock.staff_id,
                    person.code,
                    labels[lock.staff_id],
                    lock.date,
                    has,
                    (lock.shift, lock.route),
                )
            )
    pending.sort(key=lambda c: (c.date, order.get(c.staff, len(order)), c.staff))
    return pending


def publish_rota(rota_id: int, *, session: Session, actor: Actor) -> Rota:
    """Publish a draft: it becomes the period's rota, an earlier published one is superseded (kept).
    Refused (409, `PendingChanges` naming the cells) while the period has cell changes the draft does
    not have: staff would get a rota other than the one the planner sees; re-solve from it first."""
    rota = get(session, Rota, rota_id, "rota", visible_to=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    if rota.state == "published":
        raise Conflict(N_("rota {rota} is already published"), rota=rota_id)
    if rota.status not in ("OPTIMAL", "FEASIBLE"):
        raise Conflict(
            N_("rota {rota} has no rota to publish (status {status})"), rota=rota_id, status=rota.status
        )
    pending = _pending_cells(session, rota, period)
    if pending:
        raise PendingChanges(rota_id, pending)
    session.execute(
        update(Rota)
        .where(col(Rota.period_id) == period.id, col(Rota.state) == "published")
        .values(state="superseded")
    )
    rota.state, rota.published_at = "published", utcnow()
    period.state = "published"
    session.add_all([rota, period])
    audit(session, actor, period.team_id, "publish rota", f"rota {rota_id}", objective=rota.objective)
    _commit(session)
    return rota


def rota_export(
    rota_id: int, *, session: Session, actor: Actor, staff_id: int | None = None, excel: bool = False
) -> str:
    """The rota as CSV (the solver's columns; `excel` for Danish Excel), for the team or one person."""
    rota = get_rota(rota_id, session=session, actor=actor)
    assignments = mapping.rota_assignments(rota)
    if staff_id is not None:
        period = get(session, Period, rota.period_id, "period")
        person = _person(session, staff_id, period.team_id)
        assignments = [a for a in assignments if a.staff == person.code]
    return rota_csv(mapping.rota_problem(rota), assignments, excel=excel)


def person_shifts(
    period_id: int, staff_id: int, *, session: Session, actor: Actor
) -> tuple[Staff, Problem, list[Assignment], Rota]:
    """One person's shifts in the published rota of a period (for the calendar); staff: their own."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_self_or_planner(actor, period.team_id, staff_id)
    person = _person(session, staff_id, period.team_id)
    rota = published_rota(period_id, session=session, actor=actor)
    mine = [a for a in mapping.rota_assignments(rota) if a.staff == person.code]
    return person, mapping.rota_problem(rota), mine, rota
