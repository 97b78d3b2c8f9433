"""Accounts: sign-in users of a team (create, disable, delete) and the audit trail's reading."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from planner import credentials
from planner.auth import (
    Actor,
    end_sign_ins,
    hash_password,
    require_planner,
)
from planner.errors import (
    Conflict,
    InputError,
    NotFound,
)
from planner.models import (
    AuditEntry,
    Staff,
    Team,
    User,
    UserCreate,
)
from planner.services._base import (
    _commit,
    audit,
    get,
)
from planner.texts import N_

# ---- accounts ---------------------------------------------------------------------------------------


def create_user(team_id: int, data: UserCreate, *, session: Session, actor: Actor) -> User:
    """An account in the team: a planner, or a staff member tied to one person of the team."""
    team = get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    if data.role == "staff":
        if data.staff_id is None:
            raise InputError("staff_id", N_("a staff account needs the person it belongs to"))
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
