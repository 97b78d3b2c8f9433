"""Planning periods and their workflow: open, close, wishes, open slots and self-picks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from api.deps import CurrentUser, Limit, Offset, PlannerUser, SessionDep
from planner import services
from planner.models import (
    FixApply,
    PeriodCreate,
    PeriodOpen,
    PeriodPublic,
    SelfPickCreate,
    SelfPickPublic,
    WishCreate,
    WishPublic,
    WishUpdate,
)

router = APIRouter(tags=["periods"])


@router.post("/teams/{team_id}/periods", status_code=status.HTTP_201_CREATED, response_model=PeriodPublic)
def create_period(team_id: int, data: PeriodCreate, session: SessionDep, actor: PlannerUser) -> Any:
    """Create a planning period (state `draft`)."""
    return services.create_period(team_id, data, session=session, actor=actor)


@router.get("/teams/{team_id}/periods", response_model=list[PeriodPublic])
def list_periods(team_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """The team's periods."""
    return services.list_periods(team_id, session=session, actor=actor)


@router.get("/periods/{period_id}", response_model=PeriodPublic)
def get_period(period_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """One period, with its state and deadline."""
    return services.get_period(period_id, session=session, actor=actor)


@router.post("/periods/{period_id}/open", response_model=PeriodPublic)
def open_period(
    period_id: int, session: SessionDep, actor: PlannerUser, data: PeriodOpen | None = None
) -> Any:
    """Open the period for wishes (or reopen it); approved standing wishes are added on first opening."""
    return services.open_period(period_id, data or PeriodOpen(), session=session, actor=actor)


@router.post("/periods/{period_id}/close", response_model=PeriodPublic)
def close_period(period_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Close the period for wishes."""
    return services.close_period(period_id, session=session, actor=actor)


@router.get("/periods/{period_id}/fixes")
def fixes(period_id: int, session: SessionDep, actor: PlannerUser) -> list[dict[str, Any]]:
    """When the period's hard rules cannot all hold: the smallest relaxations that make a rota possible
    (drop a veto or a lock, lower a minimum of hours, one more day in a row, …), each checked by a solve,
    smallest first; empty when it has a rota already or none was found in time. Planners only."""
    return services.period_fixes(period_id, session=session, actor=actor)


@router.post("/periods/{period_id}/fixes")
def apply_fix(period_id: int, fix: FixApply, session: SessionDep, actor: PlannerUser) -> dict[str, Any]:
    """Make one relaxation of a proposed fix in the stored input (the veto wish, the lock or the person's
    contract), audited; then solve again. Planners only."""
    return services.apply_fix(period_id, fix, session=session, actor=actor)


@router.get("/periods/{period_id}/submissions")
def submissions(period_id: int, session: SessionDep, actor: PlannerUser) -> list[dict[str, Any]]:
    """Who has submitted: wishes, vetoes and self-picks per person, and `last_change` (UTC) of the
    latest of them (null: nothing stored)."""
    return services.submissions(period_id, session=session, actor=actor)


@router.get("/periods/{period_id}/wishes", response_model=list[WishPublic])
def list_wishes(
    period_id: int,
    session: SessionDep,
    actor: CurrentUser,
    staff_id: int | None = None,
    limit: Limit | None = None,
    offset: Offset = 0,
) -> Any:
    """Wishes of the period by date: your own (staff), or everyone's / one person's (planner); all of
    them, or a page of `limit` from `offset`."""
    return services.list_wishes(
        period_id, session=session, actor=actor, staff_id=staff_id, limit=limit, offset=offset
    )


@router.post("/periods/{period_id}/wishes", status_code=status.HTTP_201_CREATED, response_model=WishPublic)
def create_wish(period_id: int, data: WishCreate, session: SessionDep, actor: CurrentUser) -> Any:
    """Add a wish or a veto day (staff: for yourself, while the period is open)."""
    return services.create_wish(period_id, data, session=session, actor=actor)


@router.get("/wishes/{wish_id}", response_model=WishPublic)
def get_wish(wish_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """One wish."""
    return services.get_wish(wish_id, session=session, actor=actor)


@router.put("/wishes/{wish_id}", response_model=WishPublic)
def update_wish(wish_id: int, data: WishUpdate, session: SessionDep, actor: CurrentUser) -> Any:
    """Change a wish; `version` must be the one you read, else 409 (someone changed it meanwhile)."""
    return services.update_wish(wish_id, data, session=session, actor=actor)


@router.delete("/wishes/{wish_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_wish(wish_id: int, session: SessionDep, actor: CurrentUser, version: int | None = None) -> None:
    """Delete a wish (with `version`: only if unchanged since)."""
    services.delete_wish(wish_id, session=session, actor=actor, version=version)


@router.get("/periods/{period_id}/open-slots")
def open_slots(period_id: int, session: SessionDep, actor: CurrentUser) -> list[dict[str, Any]]:
    """Per day and shift: the need, how many claimed it, and which route slots are still free."""
    return services.open_slots(period_id, session=session, actor=actor)


@router.get("/periods/{period_id}/self-picks", response_model=list[SelfPickPublic])
def list_self_picks(
    period_id: int, session: SessionDep, actor: CurrentUser, staff_id: int | None = None
) -> Any:
    """Claimed slots: your own (staff), or everyone's (planner)."""
    return services.list_self_picks(period_id, session=session, actor=actor, staff_id=staff_id)


@router.post(
    "/periods/{period_id}/self-picks", status_code=status.HTTP_201_CREATED, response_model=SelfPickPublic
)
def create_self_pick(period_id: int, data: SelfPickCreate, session: SessionDep, actor: CurrentUser) -> Any:
    """Claim an open slot (self-pick)."""
    return services.create_self_pick(period_id, data, session=session, actor=actor)


@router.delete("/self-picks/{pick_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_self_pick(pick_id: int, session: SessionDep, actor: CurrentUser) -> None:
    """Release a claimed slot."""
    services.delete_self_pick(pick_id, session=session, actor=actor)
