"""The organisation above the teams: an administrator's overview of every team's status, and the planner
accounts and who plans which team.

What an administrator may see stops at the team: its name, planners, head count, periods (state and
deadline), solves queued and running, and its latest published rota's date — never a person's wishes,
absences, contract or rota lines. To see those, an administrator makes themself one of the team's
planners (`set_planner_teams`), which the team's audit trail records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from planner import auth, credentials
from planner.auth import Actor, hash_password, new_password, require_admin
from planner.credentials import normal_username
from planner.errors import Conflict, InputError, NotFound
from planner.models import (
    INT_MAX,
    Period,
    PeriodStatus,
    PlannerAccount,
    PlannerCreate,
    PlannerPublic,
    PlannerTeams,
    PublishedStatus,
    Rota,
    SolveJob,
    Staff,
    Team,
    TeamPlanner,
    TeamStatus,
    User,
    utcnow,
)
from planner.services._base import _commit, audit, get
from planner.texts import N_

PLANNING_ROLES = ("planner", "admin")


def organisation_status(*, session: Session, actor: Actor, today: dt.date | None = None) -> list[TeamStatus]:
    """Every team's status for an administrator, by team id: the periods still in play (not published,
    or not yet over on `today`), the solves waiting and running, and the latest published rota. A few
    queries for all teams together, not a few per team."""
    require_admin(actor)
    today = today or utcnow().date()
    teams = session.exec(select(Team).order_by(col(Team.id))).all()
    planners: defaultdict[int, list[str]] = defaultdict(list)
    query = select(TeamPlanner.team_id, User.username).join(User, col(User.id) == col(TeamPlanner.user_id))
    legacy = select(User.team_id, User.username).where(User.role != "staff", col(User.team_id).is_not(None))
    for team_id, username in sorted(
        {*session.exec(query).all(), *session.exec(legacy).all()}, key=lambda r: r[1]
    ):
        if team_id is not None:
            planners[team_id].append(username)
    staff = dict(
        session.exec(select(Staff.team_id, func.count()).group_by(col(Staff.team_id))).all()  # type: ignore[arg-type]
    )
    periods: defaultdict[int, list[PeriodStatus]] = defaultdict(list)
    # Published periods that began more than a year ago are over (a period is at most 366 days): left out
    # in the query, so years of history are not read; the rest are checked exactly here.
    in_play = or_(col(Period.state) != "published", col(Period.start) > today - dt.timedelta(days=366))
    query_periods = select(Period).where(in_play).order_by(col(Period.start), col(Period.id))
    for period in session.exec(query_periods).all():
        if period.state != "published" or period.last_day >= today:
            periods[period.team_id].append(PeriodStatus.model_validate(period, from_attributes=True))
    jobs: Counter[tuple[int, str]] = Counter()
    active = (
        select(Period.team_id, SolveJob.state, func.count())
        .join(Period, col(Period.id) == col(SolveJob.period_id))
        .where(col(SolveJob.state).in_(("queued", "running", "stopping")))
        .group_by(col(Period.team_id), col(SolveJob.state))
    )
    for team_id, state, count in session.exec(active).all():  # type: ignore[call-overload]
        jobs[team_id, "queued" if state == "queued" else "running"] += count
    latest: dict[int, PublishedStatus] = {}
    published = (
        select(Period.team_id, Rota.id, Rota.period_id, Rota.published_at)
        .join(Period, col(Period.id) == col(Rota.period_id))
        .where(col(Rota.state) == "published")
        .order_by(col(Rota.published_at), col(Rota.id))
    )
    for team_id, rota_id, period_id, at in session.exec(published).all():
        latest[team_id] = PublishedStatus(rota_id=int(rota_id or 0), period_id=period_id, published_at=at)
    return [
        TeamStatus(
            id=team.id,
            name=team.name,
            planners=planners[team.id],
            staff=staff.get(team.id, 0),
            periods=periods[team.id],
            solves_queued=jobs[team.id, "queued"],
            solves_running=jobs[team.id, "running"],
            latest_published=latest.get(team.id),
        )
        for team in teams
        if team.id is not None
    ]


def _teams_exist(session: Session, teams: Sequence[int]) -> list[int]:
    """`teams` without repeats, each an existing team (`InputError` at `teams[i]` names the first that is
    not)."""
    for i, team_id in enumerate(teams):
        if not 0 < team_id <= INT_MAX or session.get(Team, team_id) is None:
            raise InputError(f"teams[{i}]", N_("unknown team {team}"), team=team_id)
    return sorted(set(teams))


def _public(session: Session, user: User) -> PlannerPublic:
    assert user.id is not None
    return PlannerPublic(
        id=user.id,
        username=user.username,
        role=user.role,  # type: ignore[arg-type]
        teams=list(auth.planned_teams(session, user.id)),
        disabled=user.disabled,
        must_change_password=user.must_change_password,
    )


def list_planners(*, session: Session, actor: Actor) -> list[PlannerPublic]:
    """Every planner and administrator account with the teams it plans, by user name."""
    require_admin(actor)
    query = select(User).where(col(User.role).in_(PLANNING_ROLES)).order_by(col(User.username))
    return [_public(session, user) for user in session.exec(query).all()]


def create_planner(data: PlannerCreate, *, session: Session, actor: Actor) -> PlannerAccount:
    """A planner account that plans `data.teams`, with a one-time password (returned once: its owner
    chooses their own at the first sign-in)."""
    require_admin(actor)
    teams = _teams_exist(session, data.teams)
    if session.exec(select(User).where(User.username == data.username)).first() is not None:
        raise Conflict(N_("username {username!r} is taken"), username=data.username)
    password = new_password()
    user = User(
        username=data.username,
        role="planner",
        password_hash=hash_password(password),
        must_change_password=True,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for team_id in teams:
        session.add(TeamPlanner(user_id=user.id, team_id=team_id))
        audit(session, actor, team_id, "create account", data.username, role="planner")
    if not teams:
        audit(session, actor, None, "create account", data.username, role="planner")
    _commit(session)
    return PlannerAccount(**_public(session, user).model_dump(), password=password)


def set_planner_teams(user_id: int, data: PlannerTeams, *, session: Session, actor: Actor) -> PlannerPublic:
    """Which teams a planner (or an administrator) account plans, as a whole; each team gained or lost
    is written in that team's audit trail, so its planners see who came and went."""
    require_admin(actor)
    user = get(session, User, user_id, "user")
    if user.role not in PLANNING_ROLES:
        raise NotFound("user", user_id)
    wanted = set(_teams_exist(session, data.teams))
    if user.team_id is not None:  # a planner's row as written before `team_planner`: move its team there
        assert user.id is not None
        if session.get(TeamPlanner, (user.id, user.team_id)) is None:
            session.add(TeamPlanner(user_id=user.id, team_id=user.team_id))
        user.team_id = None
        session.add(user)
        session.flush()
    had = set(session.exec(select(TeamPlanner.team_id).where(TeamPlanner.user_id == user_id)).all())
    gone = had - wanted
    if gone:
        session.execute(
            delete(TeamPlanner).where(
                col(TeamPlanner.user_id) == user_id, or_(*(col(TeamPlanner.team_id) == t for t in gone))
            )
        )
    for team_id in sorted(wanted - had):
        session.add(TeamPlanner(user_id=user_id, team_id=team_id))
        audit(session, actor, team_id, "add planner", user.username)
    for team_id in sorted(gone):
        audit(session, actor, team_id, "remove planner", user.username)
    _commit(session)
    return _public(session, user)


def create_admin(username: str, password: str | None = None, *, session: Session) -> tuple[User, str]:
    """An administrator account (`pusleplan create-admin`): with `password` (the policy of
    `planner.credentials` applies: an `InputError` on `password` says which rule it breaks), or with a
    generated one-time password its owner replaces at the first sign-in. Returns the account and the
    password, for the caller to show once when generated. Caller commits."""
    name = normal_username(username)
    if not name:
        raise InputError("USER", "a user name is needed")
    if auth.user_named(name, session=session) is not None:
        raise InputError(
            "USER",
            f"an account named {name!r} exists (`pusleplan reset-password {name}` gives it a new password)",
        )
    if password is not None:
        problem = credentials.password_problem(password, name)
        if problem:
            text = credentials.ERROR_TEXTS[problem].format(min_length=credentials.MIN_LENGTH)
            raise InputError("password", text)
    chosen = password if password is not None else new_password()
    user = User(
        username=name,
        role="admin",
        password_hash=hash_password(chosen),
        must_change_password=password is None,
    )
    session.add(user)
    audit(session, Actor.system(), None, "create administrator", name)
    return user, chosen
