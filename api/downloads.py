"""The file downloads the API and the web pages both serve: a rota as CSV, one person's shifts as .ics.

One place for the HTTP side of each (media type, file name); the content comes from `planner`.
"""

from __future__ import annotations

from fastapi.responses import Response
from sqlmodel import Session

from planner import services
from planner.auth import Actor
from planner.calendar import person_calendar
from planner.payroll import By


def rota_csv(rota_id: int, *, session: Session, actor: Actor, staff_id: int | None, excel: bool) -> Response:
    """The rota as CSV (`excel`: `;`, CRLF and BOM for Danish Excel); `staff_id` for one person."""
    text = services.rota_export(rota_id, session=session, actor=actor, staff_id=staff_id, excel=excel)
    name = f"rota-{rota_id}" + (f"-{staff_id}" if staff_id is not None else "") + ("-excel" if excel else "")
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def payroll_csv(rota_id: int, *, session: Session, actor: Actor, excel: bool, by: By = "week") -> Response:
    """Everyone's hours per week (or month) and band as CSV (`excel`: the Danish Excel variant)."""
    text = services.payroll_export(rota_id, session=session, actor=actor, excel=excel, by=by)
    name = f"timer-{rota_id}" + ("-maaned" if by == "month" else "") + ("-excel" if excel else "")
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def person_ics(period_id: int, staff_id: int, *, session: Session, actor: Actor) -> Response:
    """One person's shifts in the published rota as iCalendar."""
    person, problem, shifts, rota = services.person_shifts(period_id, staff_id, session=session, actor=actor)
    assert rota.id is not None
    body = person_calendar(problem, shifts, staff=person.code, rota_id=rota.id)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="vagtplan-{person.code}.ics"'},
    )
