"""Teams and their set-up: the team, its staff, shift types, routes, cover rules and working-time rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from planner import mapping, person_rules
from planner.auth import (
    Actor,
    end_sign_ins,
    require_member,
    require_planner,
    require_self_or_planner,
)
from planner.errors import (
    Conflict,
    Forbidden,
    InputError,
)
from planner.models import (
    ColleaguePublic,
    Rules,
    RulesUpdate,
    Staff,
    StaffPublic,
    Team,
    TeamCreate,
    TeamPlanner,
    User,
)
from planner.services._base import (
    SETUP,
    _commit,
    _row_values,
    audit,
    get,
)
from planner.texts import N_

# ---- teams and their set-up -------------------------------------------------------------------------


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


def create_team(data: TeamCreate, *, session: Session, actor: Actor) -> Team:
    """A new team with the Danish default rules: made by an administrator, or by a planner who plans no
    team yet (who becomes its planner; a planner's further teams come from an administrator)."""
    if not (actor.role in ("planner", "system") or actor.is_admin):
        raise Forbidden(N_("only planners may create teams"))
    if actor.role == "planner" and actor.teams:
        raise Conflict(N_("you already plan a team; an administrator creates further teams"))
    team = Team(name=data.name)
    session.add(team)
    session.flush()
    assert team.id is not None  # flushed
    session.add(Rules(team_id=team.id))
    if actor.role == "planner" and actor.user_id is not None:
        get(session, User, actor.user_id, "user")
        session.add(TeamPlanner(user_id=actor.user_id, team_id=team.id))
    audit(session, actor, team.id, "create team", f"team {team.id}", name=data.name)
    _commit(session)
    return team


def list_teams(*, session: Session, actor: Actor) -> Sequence[Team]:
    """The teams the actor is in; an administrator (and the service itself) every team."""
    if actor.role == "system" or actor.is_admin:
        return session.exec(select(Team).order_by(col(Team.id))).all()
    mine = actor.teams if actor.role != "staff" else (actor.team_id,)
    return session.exec(select(Team).where(col(Team.id).in_(mine)).order_by(col(Team.id))).all()


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
                unknown = N_("unknown shift {value!r}") if what == "shift" else N_("unknown route {value!r}")
                raise InputError(f"{field}[{i}]", unknown, value=value)

    if kind == "shift type":
        known("forbidden_next", data.forbidden_next, shift_codes, "shift")
    elif kind == "route":
        known("shifts", data.shifts, shift_codes, "shift")
    elif kind == "cover rule":
        if data.shift not in shift_codes:
            raise InputError("shift", N_("unknown shift {shift!r}"), shift=data.shift)
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


# ---- a person's favourite routes -------------------------------------------------------------------


class FavouriteRouteError(InputError):
    """A favourite route the team does not have, or one listed twice; `value` is the route code."""

    def __init__(self, index: int, value: str, reason: Literal["unknown", "twice"]) -> None:
        text = f"unknown route {value!r}" if reason == "unknown" else f"route {value!r} is listed twice"
        super().__init__(f"favourite_routes[{index}]", text)
        self.value = value
        self.reason = reason


def set_favourite_routes(staff_id: int, routes: Sequence[str], *, session: Session, actor: Actor) -> Staff:
    """Store the person's favourite routes, most wanted first. Staff set their own; the planner anyone's
    in the team. Every code must be a route of the team, each once, and one the person has the skills
    for (`RuleRefusal` `route`, why `skills`)."""
    person = get(session, Staff, staff_id, "staff")
    require_self_or_planner(actor, person.team_id, staff_id)
    _, shifts, team_routes, _ = mapping.team_rows(session, person.team_id)
    known = {r.code for r in team_routes}
    seen: set[str] = set()
    for i, code in enumerate(routes):
        if code not in known:
            raise FavouriteRouteError(i, code, "unknown")
        if code in seen:
            raise FavouriteRouteError(i, code, "twice")
        seen.add(code)
    person_rules.check_favourites(person, routes, team_routes, shifts)
    before = list(person.favourite_routes)
    person.favourite_routes = list(routes)
    session.add(person)
    audit(
        session,
        actor,
        person.team_id,
        "change favourite routes",
        f"staff {staff_id}",
        before=before,
        after=list(routes),
    )
    _commit(session)
    return person
