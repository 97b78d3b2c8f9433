"""Life after publication: offered shifts (hand-overs and swaps), sickness, the published rota's versions
and changes, and re-planning from a date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, status
from pydantic import BaseModel

from api.deps import CurrentUser, PlannerUser, QueueDep, SessionDep
from planner import services
from planner.models import (
    OfferDecision,
    ReplanRequest,
    RotaChangePublic,
    RotaSummary,
    ShiftOfferCreate,
    ShiftOfferPublic,
    SicknessReport,
    SolveJobPublic,
)

router = APIRouter(tags=["after publication"])


class AvailableOffer(BaseModel):
    """An offer the person could take without breaking a hard rule, and what it does to their hours."""

    offer: ShiftOfferPublic
    from_name: str
    minutes_before: int
    minutes_after: int


class CellValue(BaseModel):
    shift: str
    route: str | None = None


class PersonChange(BaseModel):
    """One cell of the person's changed: `before`/`after` (null: off); `other` is the colleague who got
    the shift or whose it was."""

    change_id: int
    at: dt.datetime
    kind: Literal["handover", "swap", "sickness", "replan", "edit"]
    date: dt.date
    before: CellValue | None
    after: CellValue | None
    other: str | None


class PublishedCellEdit(BaseModel):
    """The planner's change of a published cell: a shift (and route), or null for a day off."""

    shift: str | None = None
    route: str | None = None
    reason: str = ""


@router.post(
    "/periods/{period_id}/offers", status_code=status.HTTP_201_CREATED, response_model=ShiftOfferPublic
)
def offer_shift(period_id: int, data: ShiftOfferCreate, session: SessionDep, actor: CurrentUser) -> Any:
    """Offer one's own shift of the published rota: to everyone, to one colleague (`to_staff_id`), or as
    a swap for that colleague's shift on `swap_date`. 409 when the shift has started or is offered."""
    return services.offer_shift(period_id, data, session=session, actor=actor)


@router.get("/staff/{staff_id}/available-offers", response_model=list[AvailableOffer])
def available_offers(staff_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """The open offers of colleagues this person could take without breaking any hard rule (checked on
    the published rota with the change), with the person's hours in the period before and after."""
    return services.available_offers(staff_id, session=session, actor=actor)


@router.get("/staff/{staff_id}/offers", response_model=list[ShiftOfferPublic])
def own_offers(staff_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """The offers a person made, was named in, or took (every state)."""
    return services.own_offers(staff_id, session=session, actor=actor)


@router.get("/teams/{team_id}/offers", response_model=list[ShiftOfferPublic])
def team_offers(
    team_id: int,
    session: SessionDep,
    actor: PlannerUser,
    state: Annotated[
        Literal["open", "taken", "approved", "refused", "withdrawn", "declined", "expired"] | None,
        Query(description="Only offers in this state (`taken`: waiting for approval)."),
    ] = None,
) -> Any:
    """The team's offers (the planner)."""
    services.get_team(team_id, session=session, actor=actor)
    return services.team_offers(team_id, state=state, session=session, actor=actor)


@router.get("/offers/{offer_id}", response_model=ShiftOfferPublic)
def get_offer(offer_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """One offer (staff: their own, one named to them or taken by them, or an open one to everyone)."""
    return services.get_offer(offer_id, session=session, actor=actor)


@router.post("/offers/{offer_id}/take", response_model=ShiftOfferPublic)
def take_offer(offer_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """Take an offer (the signed-in staff member). Of colleagues taking it at once exactly one wins; the
    others get 409. It then waits for the planner, or is approved at once where the team allows it."""
    return services.take_offer(offer_id, session=session, actor=actor)


@router.post("/offers/{offer_id}/withdraw", response_model=ShiftOfferPublic)
def withdraw_offer(offer_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """Withdraw one's own offer (open, or waiting for approval)."""
    return services.withdraw_offer(offer_id, session=session, actor=actor)


@router.post("/offers/{offer_id}/decline", response_model=ShiftOfferPublic)
def decline_offer(offer_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """Decline an offer named to oneself."""
    return services.decline_offer(offer_id, session=session, actor=actor)


@router.post("/offers/{offer_id}/approve", response_model=ShiftOfferPublic)
def approve_offer(offer_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Approve a taken offer: the rules are checked again, and the change becomes the next published
    version (409 when a rule would now break, or the shift has moved)."""
    return services.approve_offer(offer_id, session=session, actor=actor)


@router.post("/offers/{offer_id}/refuse", response_model=ShiftOfferPublic)
def refuse_offer(
    offer_id: int,
    session: SessionDep,
    actor: PlannerUser,
    data: Annotated[OfferDecision | None, Body()] = None,
) -> Any:
    """Refuse a taken offer; the rota stays as it is."""
    return services.refuse_offer(offer_id, (data or OfferDecision()).reason, session=session, actor=actor)


@router.post("/sickness", response_model=list[RotaSummary])
def report_sick(data: SicknessReport, session: SessionDep, actor: CurrentUser) -> Any:
    """Report sick from `start` to `end` (staff: themselves, from today; the planner: anyone of the team).
    The absence is stored; the person's shifts in the span leave the published rotas (new versions, the
    cells become open slots). Returns the new versions."""
    return services.report_sick(data, session=session, actor=actor)


@router.get("/periods/{period_id}/changes", response_model=list[RotaChangePublic])
def period_changes(period_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Every recorded change of the period's published rota, newest first (the planner)."""
    return services.period_changes(period_id, session=session, actor=actor)


@router.get("/staff/{staff_id}/changes", response_model=list[PersonChange])
def person_changes(staff_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """A person's own history of changes to their published shifts, newest first."""
    return services.person_changes(staff_id, session=session, actor=actor)


@router.put("/periods/{period_id}/published/cells/{staff_id}/{day}", response_model=RotaSummary)
def edit_published_cell(
    period_id: int,
    staff_id: int,
    day: dt.date,
    data: PublishedCellEdit,
    session: SessionDep,
    actor: PlannerUser,
) -> Any:
    """The planner changes one cell of the published rota: the next version (checked by the checker)."""
    value = None if data.shift is None else (data.shift, data.route)
    return services.edit_published_cell(
        period_id, staff_id, day, value, reason=data.reason, session=session, actor=actor
    )


@router.post(
    "/periods/{period_id}/replan", status_code=status.HTTP_202_ACCEPTED, response_model=SolveJobPublic
)
def replan(
    period_id: int, data: ReplanRequest, session: SessionDep, actor: PlannerUser, queue: QueueDep
) -> Any:
    """Re-plan the published rota from `from_date`: a solve that keeps every cell before it and changes
    as few as it can from it on. Its draft is compared with `GET /rotas/{id}/replan-diff` and published
    with `POST /rotas/{id}/publish` as the next version."""
    return services.replan(period_id, data, queue=queue, session=session, actor=actor)


@router.get("/rotas/{rota_id}/replan-diff")
def replan_diff(rota_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Who would change if this draft were published over the current version, person by person."""
    return services.replan_diff(rota_id, session=session, actor=actor)
