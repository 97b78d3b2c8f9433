"""The demo team: an example problem loaded as a team with an open period and one account per person, and
started over in place when asked (`pusleplan init-demo [--force]`).

No printing and no environment here: the command passes the passwords in and shows them. Removing a team
follows the foreign keys of the stored tables, so a table added later is removed with its team too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, delete, or_
from sqlmodel import Session, SQLModel, col, select

from planner import mapping, services
from planner.auth import Actor, hash_password, new_password
from planner.credentials import normal_username
from planner.models import ApiToken, Period, Staff, Team, TeamPlanner, User
from solver.problem import Problem

PLANNER_USERNAME = "planlaegger"
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    password: str


@dataclass(frozen=True)
class Demo:
    team: Team
    period: Period
    accounts: list[Account]
    replaced: list[int]  # ids of the teams of the same name that were removed first


def demo_teams(session: Session, name: str) -> Sequence[Team]:
    """The teams a demo called `name` would start over."""
    return session.exec(select(Team).where(col(Team.name) == name).order_by(col(Team.id))).all()


def load_demo(
    session: Session,
    problem: Problem,
    *,
    name: str,
    planner_password: str | None = None,
    staff_password: str | None = None,
    admin_password: str | None = None,
    replace: bool = False,
) -> Demo:
    """The problem as team `name`, its period open for wishes, a planner account `planlaegger`, one
    staff account per person (user name = staff id), and an administrator `admin` when the database has
    no administrator yet (it plans no team: it sees every team's status, nobody's wishes). Passwords not
    given are generated, each its own. With `replace`, teams called `name` are removed first (with
    everything in them: periods, wishes, rotas, accounts), so the demo starts over under the same user
    names. Caller commits."""
    replaced = [t.id for t in demo_teams(session, name) if t.id is not None] if replace else []
    for team_id in replaced:
        remove_team(session, team_id)
    team, period = mapping.import_problem(session, problem, team_name=name)
    period.state = "open"
    session.add(period)
    planner = Account(
        _free_username(session, PLANNER_USERNAME), "planner", planner_password or new_password()
    )
    planner_user = _user(planner, team)
    session.add(planner_user)
    session.flush()
    assert planner_user.id is not None and team.id is not None
    session.add(TeamPlanner(user_id=planner_user.id, team_id=team.id))
    accounts = [planner]
    people = session.exec(select(Staff).where(col(Staff.team_id) == team.id).order_by(col(Staff.id))).all()
    for person in people:
        account = Account(_free_username(session, person.code), "staff", staff_password or new_password())
        session.add(_user(account, team, person))
        accounts.append(account)
    if session.exec(select(User).where(User.role == "admin")).first() is None:
        admin = Account(_free_username(session, ADMIN_USERNAME), "admin", admin_password or new_password())
        session.add(User(username=admin.username, role="admin", password_hash=hash_password(admin.password)))
        accounts.insert(0, admin)
    assert team.id is not None
    what = "start demo over" if replaced else "init demo"
    services.audit(session, Actor.system(team.id), team.id, what, f"team {team.id}", replaced=replaced)
    return Demo(team, period, accounts, replaced)


def remove_team(session: Session, team_id: int) -> None:
    """Delete a team and every row that hangs from it by foreign keys (people, set-up, periods, wishes,
    picks, locks, jobs, rotas, accounts and their tokens), children first, and the planner accounts that
    plan this team and no other. The audit log stays."""
    others = select(TeamPlanner.user_id).where(TeamPlanner.team_id != team_id)
    only_here = session.exec(
        select(User.id)
        .join(TeamPlanner, col(TeamPlanner.user_id) == col(User.id))
        .where(TeamPlanner.team_id == team_id, User.role == "planner", col(User.id).not_in(others))
    ).all()
    team = Team.__table__  # type: ignore[attr-defined]
    owned: dict[Table, ColumnElement[bool]] = {team: team.c.id == team_id}
    for table in SQLModel.metadata.sorted_tables:  # parents before children
        links = [
            fk.parent.in_(select(fk.column).where(owned[fk.column.table]))
            for fk in table.foreign_keys
            if fk.column.table in owned and table is not team
        ]
        if links:
            owned[table] = or_(*links)
    for table in reversed([t for t in SQLModel.metadata.sorted_tables if t in owned]):
        session.execute(delete(table).where(owned[table]))
    if only_here:
        session.execute(delete(ApiToken).where(col(ApiToken.user_id).in_(only_here)))
        session.execute(delete(User).where(col(User.id).in_(only_here)))


def _user(account: Account, team: Team, person: Staff | None = None) -> User:
    """A staff member's account in `team`; a planner's account (which plans `team`: see `load_demo`)."""
    return User(
        username=account.username,
        role=account.role,
        team_id=team.id if account.role == "staff" else None,
        staff_id=person.id if person else None,
        password_hash=hash_password(account.password),
    )


def _free_username(session: Session, wanted: str) -> str:
    wanted = normal_username(wanted)
    name, n = wanted, 1
    while session.exec(select(User).where(User.username == name)).first() is not None:
        n += 1
        name = f"{wanted}{n}"
    return name
