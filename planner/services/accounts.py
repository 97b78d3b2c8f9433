"""Accounts: sign-in users of a team (create, disable, delete) and the audit trail's reading."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from planner import credentials, reset_links
from planner.auth import (
    Actor,
    SignInThrottle,
    end_sign_ins,
    give_one_time_password,
    hash_password,
    planned_teams,
    require_planner,
    user_named,
    verify_password,
)
from planner.errors import (
    Conflict,
    Forbidden,
    InputError,
    NotFound,
    TooManyAttempts,
)
from planner.models import (
    AuditEntry,
    OneTimePassword,
    OutboxMail,
    PasswordChange,
    Staff,
    Team,
    TeamPlanner,
    User,
    UserCreate,
    UserPublic,
    utcnow,
)
from planner.services._base import (
    _commit,
    audit,
    get,
)
from planner.settings import settings
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
        team_id=team_id if data.role == "staff" else None,
        staff_id=data.staff_id if data.role == "staff" else None,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    if data.role == "planner":
        session.flush()
        assert user.id is not None
        session.add(TeamPlanner(user_id=user.id, team_id=team_id))
    audit(session, actor, team_id, "create account", data.username, role=data.role)
    _commit(session)
    return user


def account_teams(session: Session, user: User) -> tuple[int, ...]:
    """The teams an account is in: a staff account's one team, or the teams a planner plans."""
    if user.role == "staff":
        return (user.team_id,) if user.team_id is not None else ()
    assert user.id is not None
    return planned_teams(session, user.id)


def _managed_account(session: Session, actor: Actor, user_id: int) -> tuple[User, tuple[int, ...]]:
    """An account `actor` may disable, reset or delete, and the teams whose audit says so: a staff
    account by its team's planner; a planner's by an administrator, or by a planner of a team it plans."""
    user = get(session, User, user_id, "user", visible_to=actor)
    teams = account_teams(session, user)
    if user.role == "staff":
        assert user.team_id is not None
        require_planner(actor, user.team_id)
    elif not (actor.is_admin or any(actor.can_plan(t) for t in teams)):
        raise Forbidden(N_("only the team's planner may do this"))
    return user, teams


def _audit_account(
    session: Session, actor: Actor, teams: tuple[int, ...], action: str, target: str, **detail: int
) -> None:
    for team in teams or (None,):
        audit(session, actor, team, action, target, **detail)


def set_user_disabled(user_id: int, disabled: bool, *, session: Session, actor: Actor) -> User:
    """Disable an account (every sign-in of it ends at once, and it cannot sign in) or enable it again;
    the team's planner (or, for a planner's account, an administrator), and not their own account (a
    team would be left without a planner)."""
    user, teams = _managed_account(session, actor, user_id)
    if disabled and user.id == actor.user_id:
        raise Conflict(N_("you cannot disable your own account: another planner must"))
    user.disabled = disabled
    session.add(user)
    ended = end_sign_ins(session, user_id) if disabled else 0
    action = "disable account" if disabled else "enable account"
    _audit_account(session, actor, teams, action, user.username, tokens=ended)
    _commit(session)
    return user


def delete_user(user_id: int, *, session: Session, actor: Actor) -> None:
    """Remove an account (its sign-ins end; the person, their wishes and rotas stay; the name is free)."""
    user, teams = _managed_account(session, actor, user_id)
    if user.id == actor.user_id:
        raise Conflict(N_("you cannot delete your own account: another planner must"))
    ended = end_sign_ins(session, user_id)
    session.execute(delete(TeamPlanner).where(col(TeamPlanner.user_id) == user_id))
    session.delete(user)
    _audit_account(session, actor, teams, "delete account", user.username, tokens=ended)
    _commit(session)


def list_users(team_id: int, *, session: Session, actor: Actor) -> list[UserPublic]:
    """The team's accounts: its planners (each with every team they plan) and its staff."""
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    planners = select(TeamPlanner.user_id).where(TeamPlanner.team_id == team_id)
    query = select(User).where(or_(col(User.team_id) == team_id, col(User.id).in_(planners)))
    out = []
    for user in session.exec(query.order_by(col(User.id))).all():
        teams = list(account_teams(session, user)) if user.role != "staff" else []
        out.append(UserPublic.model_validate({**user.model_dump(), "teams": teams}))
    return out


def audit_log(
    team_id: int,
    *,
    session: Session,
    actor: Actor,
    limit: int = 200,
    offset: int = 0,
    who: str | None = None,
    action: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: str | None = None,
) -> Sequence[AuditEntry]:
    """The team's audit trail, newest first: optionally only what `who` (a user name) did, entries whose
    action contains `action` ("wish", "sign-in") or is exactly `kind` ("create wish";
    `planner.audit_kinds`), and those from `since` to `until` (dates, UTC, both included)."""
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    query = select(AuditEntry).where(col(AuditEntry.team_id) == team_id)
    if who:
        query = query.where(col(AuditEntry.who) == who.strip().lower())
    if action:
        query = query.where(col(AuditEntry.action).contains(action.strip()))
    if kind:
        query = query.where(col(AuditEntry.action) == kind)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until is not None:
        query = query.where(
            col(AuditEntry.at) < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    query = query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return session.exec(query).all()


# ---- passwords ------------------------------------------------------------------------------------


def _own_words(session: Session, user: User) -> list[str]:
    """What a person's password must not be made of besides their user name: their name and code, and
    their team's name (`credentials.password_problem`)."""
    words: list[str] = []
    for team_id in account_teams(session, user):
        team = session.get(Team, team_id)
        words += team.name.split() if team else []
    if user.staff_id is not None:
        person = session.get(Staff, user.staff_id)
        words += person.name.split() + [person.code] if person else []
    return words


def change_own_password(
    data: PasswordChange,
    *,
    token: str | None,
    session: Session,
    actor: Actor,
    throttle: SignInThrottle | None = None,
    address: str | None = None,
) -> User:
    """The signed-in person chooses a new password: with the one in use, and one the policy allows (not
    made of their own or their team's names). Every other sign-in of the account ends; the one that
    asked (`token`) goes on. A one-time password is thereby replaced. A wrong current password counts
    as a failed sign-in of the account in `throttle` (a borrowed session cannot guess it without limit:
    `TooManyAttempts` while the account is held back)."""
    if actor.user_id is None:
        raise InputError("current_password", N_("this account has no password"))
    user = get(session, User, actor.user_id, "user")
    wait = throttle.retry_after(user.username, address) if throttle else 0
    if wait:
        raise TooManyAttempts(wait)
    if not verify_password(data.current_password, user.password_hash):
        if throttle:
            throttle.failed(user.username, address)
        raise InputError("current_password", N_("this is not the password you use now"))
    if data.new_password == data.current_password:
        raise InputError("new_password", N_("choose a password other than the one you use now"))
    problem = credentials.password_problem(data.new_password, user.username, _own_words(session, user))
    if problem:
        raise InputError("new_password", credentials.ERROR_TEXTS[problem], min_length=credentials.MIN_LENGTH)
    user.password_hash = hash_password(data.new_password)
    user.must_change_password = False
    session.add(user)
    assert user.id is not None
    ended = end_sign_ins(session, user.id, keep=token)
    teams = account_teams(session, user)
    _audit_account(session, actor, teams, "change own password", user.username, other_sign_ins_ended=ended)
    _commit(session)
    return user


def reset_user_password(user_id: int, *, session: Session, actor: Actor) -> OneTimePassword:
    """The planner gives an account of the team a one-time password (shown once): its sign-ins end, and
    at its next sign-in the person must choose their own before anything else. Not the planner's own
    account (they change theirs with the current one)."""
    user, teams = _managed_account(session, actor, user_id)
    if user.id == actor.user_id:
        raise Conflict(N_("change your own password with the one you use now, not with a reset"))
    password = give_one_time_password(user, session=session)
    _audit_account(session, actor, teams, "reset password", user.username)
    _commit(session)
    return OneTimePassword(username=user.username, password=password)


# ---- forgot password: a link by e-mail ---------------------------------------------------------------

RESET_LINK_INVALID = N_(
    "This link does not work (any more): it was used already, or it is more than an hour old. "
    "Ask for a new one on the sign-in page."
)


def request_password_reset(
    username: str, *, session: Session, throttle: SignInThrottle | None = None, address: str | None = None
) -> None:
    """ "Forgot password": when e-mail is configured and `username` names an enabled account with an
    e-mail address, a link to choose a new password goes to that address (through the outbox; the link
    itself is made when it is sent, `planner.reset_links`). The caller's answer is the same whether or
    not anything was sent: nobody learns which user names exist. Every request counts in `throttle`
    (`TooManyAttempts` while the name or the address is held back). Commits."""
    wait = throttle.retry_after(username, address) if throttle else 0
    if wait:
        raise TooManyAttempts(wait)
    if throttle:
        throttle.failed(username, address)
    user = user_named(username, session=session) if username.strip() else None
    sent = bool(user and not user.disabled and user.email and settings().mail_configured)
    if user is not None and sent:
        assert user.id is not None and user.email is not None
        session.add(
            OutboxMail(
                user_id=user.id,
                kind="password_reset",
                params={},
                key=f"password-reset:{secrets.token_hex(8)}",
                to_address=user.email,
                language=user.language,
                next_attempt_at=utcnow(),
            )
        )
    team = user.team_id if user else None
    who = username.strip()[:100]
    session.add(
        AuditEntry(who=who, team_id=team, action="forgot password", detail={"address": address, "sent": sent})
    )
    _commit(session)


def password_reset_account(token: str, *, session: Session) -> User:
    """The account a password link belongs to (the page that opens it greets its user name), or an
    `InputError` on `token` when the link is unknown, used or expired."""
    user = reset_links.account_of(session, token)
    if user is None:
        raise InputError("token", RESET_LINK_INVALID)
    return user


def reset_password_with_link(token: str, new_password: str, *, session: Session) -> User:
    """Choose a new password with a link from the e-mail: the password policy holds (as for one's own
    change), the link is spent (and every other link of the account), and every sign-in of the account
    ends. A link that is unknown, used or expired is an `InputError` on `token`. Commits."""
    user = password_reset_account(token, session=session)
    problem = credentials.password_problem(new_password, user.username, _own_words(session, user))
    if problem:
        raise InputError("new_password", credentials.ERROR_TEXTS[problem], min_length=credentials.MIN_LENGTH)
    used = reset_links.use(session, token)
    if used is None or used.id != user.id:  # spent meanwhile by a request beside this one
        session.rollback()
        raise InputError("token", RESET_LINK_INVALID)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    session.add(user)
    assert user.id is not None
    ended = end_sign_ins(session, user.id)
    session.add(
        AuditEntry(
            who=user.username,
            team_id=user.team_id,
            action="password reset by e-mail link",
            target=user.username,
            detail={"sign_ins_ended": ended},
        )
    )
    _commit(session)
    return user
