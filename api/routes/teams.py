"""Teams and their set-up: staff, shift types, routes, cover rules, rules, accounts, agreements, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from api.deps import CurrentUser, Limit, Offset, PlannerUser, SessionDep
from planner import personal_data as personal
from planner import services
from planner.models import (
    AuditEntryPublic,
    ColleaguePublic,
    CoverRuleCreate,
    CoverRulePublic,
    OneTimePassword,
    RouteCreate,
    RoutePublic,
    RulesPublic,
    RulesUpdate,
    ShiftTypeCreate,
    ShiftTypePublic,
    StaffCreate,
    StaffPublic,
    StandingWishCreate,
    StandingWishPublic,
    TeamCreate,
    TeamPublic,
    UserCreate,
    UserPublic,
)

router = APIRouter(tags=["teams"])


@router.get("/teams/{team_id}/fairness")
def fairness(team_id: int, session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """The fairness ledger across the team's published periods: per person and period the wish weight
    asked and met, weekends and nights worked, with running totals; for the planner also the credit each
    person gets in the next solve when the team weighs fairness by earlier periods. Staff: their own
    lines."""
    return services.fairness_ledger(team_id, session=session, actor=actor)


@router.post("/teams", status_code=status.HTTP_201_CREATED, response_model=TeamPublic)
def create_team(data: TeamCreate, session: SessionDep, actor: CurrentUser) -> Any:
    """Create a team (with the Danish default rules): an administrator, or a planner who plans no team
    yet (who becomes its planner)."""
    return services.create_team(data, session=session, actor=actor)


@router.get("/teams", response_model=list[TeamPublic])
def list_teams(session: SessionDep, actor: CurrentUser) -> Any:
    """Your teams (an administrator: every team)."""
    return services.list_teams(session=session, actor=actor)


@router.get("/teams/{team_id}", response_model=TeamPublic)
def get_team(team_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """One team."""
    return services.get_team(team_id, session=session, actor=actor)


def _setup_routes(kind: str, path: str, create: type, public: type) -> None:
    """List, create, read, replace and delete one kind of set-up record (planner writes, members read)."""

    def list_items(team_id: int, session: SessionDep, actor: CurrentUser) -> Sequence[Any]:
        if kind == "staff":
            return services.staff_records(team_id, session=session, actor=actor)
        return services.list_setup(kind, team_id, session=session, actor=actor)

    def create_item(team_id: int, data: Any, session: SessionDep, actor: PlannerUser) -> Any:
        return services.create_setup(kind, team_id, data, session=session, actor=actor)

    def get_item(item_id: int, session: SessionDep, actor: CurrentUser) -> Any:
        if kind == "staff":
            return services.staff_record(item_id, session=session, actor=actor)
        return services.get_setup(kind, item_id, session=session, actor=actor)

    def update_item(item_id: int, data: Any, session: SessionDep, actor: PlannerUser) -> Any:
        return services.update_setup(kind, item_id, data, session=session, actor=actor)

    def delete_item(item_id: int, session: SessionDep, actor: PlannerUser) -> None:
        services.delete_setup(kind, item_id, session=session, actor=actor)

    def doc(fn: Callable[..., Any], text: str) -> Callable[..., Any]:
        fn.__doc__ = text
        fn.__name__ = f"{fn.__name__}_{path.replace('-', '_')}"
        if "data" in fn.__annotations__:
            # The body model differs per kind; a string annotation could not name it from here.
            fn.__annotations__["data"] = create
        return fn

    read = public if kind != "staff" else ColleaguePublic | StaffPublic  # a colleague's public part
    router.get(f"/teams/{{team_id}}/{path}", response_model=list[read])(  # type: ignore[valid-type]
        doc(list_items, f"List the team's {kind} records.")
    )
    router.post(f"/teams/{{team_id}}/{path}", status_code=201, response_model=public)(
        doc(create_item, f"Add a {kind}.")
    )
    router.get(f"/{path}/{{item_id}}", response_model=read)(doc(get_item, f"One {kind}."))
    router.put(f"/{path}/{{item_id}}", response_model=public)(doc(update_item, f"Replace a {kind}."))
    router.delete(f"/{path}/{{item_id}}", status_code=204)(doc(delete_item, f"Delete a {kind}."))


_setup_routes("staff", "staff", StaffCreate, StaffPublic)
_setup_routes("shift type", "shift-types", ShiftTypeCreate, ShiftTypePublic)
_setup_routes("route", "routes", RouteCreate, RoutePublic)
_setup_routes("cover rule", "cover", CoverRuleCreate, CoverRulePublic)


@router.get("/teams/{team_id}/rules", response_model=RulesPublic)
def get_rules(team_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """The team's working-time rules and soft-rule weights."""
    return services.get_rules(team_id, session=session, actor=actor)


@router.put("/teams/{team_id}/rules", response_model=RulesPublic)
def update_rules(team_id: int, data: RulesUpdate, session: SessionDep, actor: PlannerUser) -> Any:
    """Replace the team's rules."""
    return services.update_rules(team_id, data, session=session, actor=actor)


@router.post("/teams/{team_id}/users", status_code=201, response_model=UserPublic)
def create_user(team_id: int, data: UserCreate, session: SessionDep, actor: PlannerUser) -> Any:
    """Create an account (a planner, or a staff member's own)."""
    return services.create_user(team_id, data, session=session, actor=actor)


@router.get("/teams/{team_id}/users", response_model=list[UserPublic])
def list_users(team_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """The team's accounts."""
    return services.list_users(team_id, session=session, actor=actor)


@router.get("/staff/{staff_id}/personal-data")
def personal_data(staff_id: int, session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """Everything stored about one person, as one document (GDPR art. 15): for the person themself
    and the planner."""
    return personal.personal_data(staff_id, session=session, actor=actor)


@router.post("/staff/{staff_id}/erase")
def erase_person(staff_id: int, session: SessionDep, actor: PlannerUser) -> dict[str, Any]:
    """Erase one person on request (GDPR art. 17): their record, account, wishes, picks, agreements and
    locks go; rotas and the audit keep a pseudonym in their place. Cannot be undone."""
    return personal.erase_person(staff_id, session=session, actor=actor)


@router.post("/users/{user_id}/disable", response_model=UserPublic)
def disable_user(user_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """Disable an account: every sign-in of it ends now and it cannot sign in (its person stays)."""
    return services.set_user_disabled(user_id, True, session=session, actor=actor)


@router.post("/users/{user_id}/enable", response_model=UserPublic)
def enable_user(user_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """Enable a disabled account again (same user name and password)."""
    return services.set_user_disabled(user_id, False, session=session, actor=actor)


@router.post("/users/{user_id}/reset-password", response_model=OneTimePassword)
def reset_password(user_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """Give an account of your team (an administrator: a planner's account) a one-time password, shown
    only in this answer: its sign-ins end, and at its next sign-in the person must choose their own
    (`POST /me/password`) before anything else."""
    return services.reset_user_password(user_id, session=session, actor=actor)


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: int, session: SessionDep, actor: CurrentUser) -> None:
    """Remove an account: its sign-ins end and the user name is free (the person and their data stay)."""
    services.delete_user(user_id, session=session, actor=actor)


@router.get("/teams/{team_id}/audit", response_model=list[AuditEntryPublic])
def audit_log(
    team_id: int,
    session: SessionDep,
    actor: PlannerUser,
    limit: Limit = 200,
    offset: Offset = 0,
    who: Annotated[str | None, Query(max_length=100, description="Only what this user name did.")] = None,
    action: Annotated[str | None, Query(max_length=100, description="Actions containing this text.")] = None,
    since: Annotated[dt.date | None, Query(description="From this date (UTC).")] = None,
    until: Annotated[dt.date | None, Query(description="To this date (UTC), included.")] = None,
    kind: Annotated[
        str | None, Query(max_length=100, description="Only this action, exactly (e.g. `publish rota`).")
    ] = None,
) -> Any:
    """Who changed what and when, newest first; a page of `limit` entries from `offset`, filtered by
    who, kind of action and dates."""
    return services.audit_log(
        team_id,
        session=session,
        actor=actor,
        limit=limit,
        offset=offset,
        who=who,
        action=action,
        since=since,
        until=until,
        kind=kind,
    )


@router.get("/teams/{team_id}/standing-wishes", response_model=list[StandingWishPublic])
def list_standing_wishes(team_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """Individual agreements: all of them (planner) or your own (staff)."""
    return services.list_standing_wishes(team_id, session=session, actor=actor)


@router.post("/standing-wishes", status_code=201, response_model=StandingWishPublic)
def create_standing_wish(data: StandingWishCreate, session: SessionDep, actor: CurrentUser) -> Any:
    """Propose (staff) or record (planner, approved at once) an individual agreement."""
    return services.create_standing_wish(data, session=session, actor=actor)


@router.post("/standing-wishes/{item_id}/approve", response_model=StandingWishPublic)
def approve_standing_wish(item_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Approve an agreement: it is applied to every period opened from now on."""
    return services.approve_standing_wish(item_id, session=session, actor=actor)


@router.delete("/standing-wishes/{item_id}", status_code=204)
def delete_standing_wish(item_id: int, session: SessionDep, actor: CurrentUser) -> None:
    """End an agreement (staff: only a proposal not yet approved)."""
    services.delete_standing_wish(item_id, session=session, actor=actor)
