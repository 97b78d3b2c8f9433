"""The organisation above the teams, for its administrators: every team's status, the planner accounts
and which teams each plans. (A team is made with `POST /teams`; a planner's account is reset, disabled
or removed with the `/users/{id}` routes.)"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from api.deps import CurrentUser, SessionDep
from planner import services
from planner.models import PlannerAccount, PlannerCreate, PlannerPublic, PlannerTeams, TeamStatus

router = APIRouter(tags=["organisation"])


@router.get("/organisation/status", response_model=list[TeamStatus])
def organisation_status(session: SessionDep, actor: CurrentUser) -> Any:
    """Every team's status: its planners, head count, periods in play (state, deadline), solves queued
    and running, and its latest published rota. Administrators only; no person's data."""
    return services.organisation_status(session=session, actor=actor)


@router.get("/organisation/planners", response_model=list[PlannerPublic])
def list_planners(session: SessionDep, actor: CurrentUser) -> Any:
    """Every planner and administrator account, with the teams it plans."""
    return services.list_planners(session=session, actor=actor)


@router.post("/organisation/planners", status_code=status.HTTP_201_CREATED, response_model=PlannerAccount)
def create_planner(data: PlannerCreate, session: SessionDep, actor: CurrentUser) -> Any:
    """Create a planner account for the given teams, with a one-time password shown only in this answer
    (its owner chooses their own at the first sign-in)."""
    return services.create_planner(data, session=session, actor=actor)


@router.put("/organisation/planners/{user_id}/teams", response_model=PlannerPublic)
def set_planner_teams(user_id: int, data: PlannerTeams, session: SessionDep, actor: CurrentUser) -> Any:
    """Set which teams a planner (or an administrator) plans; each team gained or lost is in its audit."""
    return services.set_planner_teams(user_id, data, session=session, actor=actor)
