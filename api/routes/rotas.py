"""Rotas: drafts and published, cell edits for the next re-solve, comparison, publishing, exports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status

from api import downloads, printing
from api.deps import CurrentUser, PlannerUser, SessionDep
from api.web import i18n
from planner import services
from planner.models import CellEdit, LockPublic, RotaPublic, RotaSummary
from planner.payroll import By

router = APIRouter(tags=["rotas"])


@router.get("/periods/{period_id}/rotas", response_model=list[RotaSummary])
def list_rotas(period_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """The period's rotas: every draft (planner) or the published one (staff)."""
    return services.list_rotas(period_id, session=session, actor=actor)


@router.get("/periods/{period_id}/rota", response_model=RotaPublic)
def published_rota(period_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """The period's published rota."""
    rota = services.published_rota(period_id, session=session, actor=actor)
    return services.rota_public(rota, session=session, actor=actor)


@router.get("/rotas/{rota_id}", response_model=RotaPublic)
def get_rota(rota_id: int, session: SessionDep, actor: CurrentUser) -> Any:
    """A rota: assignments, unfilled slots, penalties with explanations, fulfilment, coverage (staff: only
    their own fulfilment, penalties and conflicts)."""
    rota = services.get_rota(rota_id, session=session, actor=actor)
    return services.rota_public(rota, session=session, actor=actor)


@router.put("/rotas/{rota_id}/cells/{staff_id}/{day}", response_model=LockPublic)
def edit_cell(
    rota_id: int, staff_id: int, day: dt.date, edit: CellEdit, session: SessionDep, actor: PlannerUser
) -> Any:
    """Lock, change or clear one cell; the next re-solve keeps it (a lock of the period)."""
    return services.edit_cell(rota_id, staff_id, day, edit, session=session, actor=actor)


@router.get("/periods/{period_id}/locks", response_model=list[LockPublic])
def list_locks(period_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """The period's locked cells."""
    return services.list_locks(period_id, session=session, actor=actor)


@router.delete("/locks/{lock_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_lock(lock_id: int, session: SessionDep, actor: PlannerUser) -> None:
    """Unlock a cell."""
    services.delete_lock(lock_id, session=session, actor=actor)


@router.get("/rotas/{rota_id}/candidates")
def candidates(
    rota_id: int,
    session: SessionDep,
    actor: PlannerUser,
    date: dt.date,
    shift: Annotated[str, Query(max_length=64)],
    route: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    """Who could take `shift` (and `route`) on `date` without breaking a hard rule, cheapest first: each
    with their cell that day now and the change in the rota's cost if they move there (the rota meeting's
    "who can take this slot?"). Planners only."""
    return services.slot_candidates(rota_id, date, shift, route, session=session, actor=actor)


@router.get("/rotas/{rota_id}/reasons")
def reasons(rota_id: int, session: SessionDep, actor: CurrentUser) -> dict[str, Any]:
    """Why each unmet wish and short slot of the rota is so: what granting (filling) it alone would cost,
    by family, and what it would do (a cover short, someone else's wish), or the rules it would break;
    worked out after the solve within a time budget (`worked_out` false until then; items the budget did
    not reach say so). Staff: the published rota's reasons of their own wishes only."""
    return services.rota_reasons(rota_id, session=session, actor=actor)


@router.post("/rotas/{rota_id}/reasons")
def refresh_reasons(rota_id: int, session: SessionDep, actor: PlannerUser) -> dict[str, Any]:
    """Work the rota's reasons out again, within the time budget (planners only)."""
    return services.refresh_reasons(rota_id, session=session, actor=actor)


@router.get("/rotas/{rota_id}/compare/{other_id}")
def compare(rota_id: int, other_id: int, session: SessionDep, actor: PlannerUser) -> dict[str, Any]:
    """What differs between two rotas of a period."""
    return services.compare_rotas(rota_id, other_id, session=session, actor=actor)


@router.post("/rotas/{rota_id}/publish", response_model=RotaSummary)
def publish(rota_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Publish a draft; an earlier published rota of the period is superseded (and kept)."""
    return services.publish_rota(rota_id, session=session, actor=actor)


@router.get(
    "/rotas/{rota_id}/export.csv",
    response_class=Response,
    responses={
        200: {"description": "The rota as CSV.", "content": {"text/csv": {"schema": {"type": "string"}}}}
    },
)
def export_csv(
    rota_id: int, session: SessionDep, actor: CurrentUser, excel: bool = False, staff_id: int | None = None
) -> Response:
    """The rota as CSV (`excel=true`: `;`, CRLF and BOM for Danish Excel); `staff_id` for one person."""
    return downloads.rota_csv(rota_id, session=session, actor=actor, staff_id=staff_id, excel=excel)


@router.get(
    "/rotas/{rota_id}/payroll.csv",
    response_class=Response,
    responses={
        200: {
            "description": "Hours per person and week, split into bands, as CSV.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def payroll_csv(
    rota_id: int,
    session: SessionDep,
    actor: PlannerUser,
    excel: bool = False,
    by: Annotated[By, Query(description="Rows per ISO `week` or per calendar `month`.")] = "week",
) -> Response:
    """Hours for payroll: per person and ISO week (or calendar month), then the period, split into day,
    evening and night hours on weekdays at the team's time bands (its rules; Danish defaults 06–17,
    17–23, 23–06) and Saturday, Sunday and public-holiday hours, in real clock time (`excel=true`: `;`,
    decimal comma, CRLF and BOM for Danish Excel); planners only."""
    return downloads.payroll_csv(rota_id, session=session, actor=actor, excel=excel, by=by)


@router.get(
    "/rotas/{rota_id}/print.pdf",
    response_class=Response,
    responses={
        200: {
            "description": "The rota for the wall: A4 landscape, every person and day, cover and legend.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def print_pdf(
    rota_id: int,
    session: SessionDep,
    actor: CurrentUser,
    week: Annotated[str | None, Query(description="Only this ISO week, e.g. 2027-W10.")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The rota (or one ISO week) as a PDF to print, in the `Accept-Language` (Danish or English): the
    team's planner any rota, staff their team's published rota."""
    lang = i18n.accepted(accept_language)
    return printing.rota_pdf(rota_id, week=week, lang=lang, session=session, actor=actor)


@router.get(
    "/periods/{period_id}/staff/{staff_id}/calendar.ics",
    response_class=Response,
    responses={
        200: {
            "description": "The person's published shifts as iCalendar (RFC 5545).",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    },
)
def calendar(period_id: int, staff_id: int, session: SessionDep, actor: CurrentUser) -> Response:
    """One person's shifts in the published rota as iCalendar (staff: your own)."""
    return downloads.person_ics(period_id, staff_id, session=session, actor=actor)
