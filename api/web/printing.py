"""The rota for the wall: the print page of a period or one week (A4 landscape, `@media print` without
menu or buttons) and the same as a PDF. The team's planner prints any rota of theirs; staff print
their team's published rota (the colleagues' names they already see on their own rota page)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import printing
from api.deps import SessionDep
from api.web.common import WebUser, error_page, error_text, lang_of
from planner import services
from planner.errors import InputError

router = APIRouter()


@router.get("/web/rotas/{rota_id}/print")
def print_page(
    request: Request, rota_id: int, session: SessionDep, actor: WebUser, week: str | None = None
) -> Response:
    """The rota (or ISO `week`, e.g. 2027-W10) ready to print: people, days, cover, legend, version."""
    lang = lang_of(request)
    try:
        period, sheet = services.rota_for_print(rota_id, week=week or None, session=session, actor=actor)
    except InputError as exc:
        return error_page(request, 422, error_text(exc, lang))
    base = f"/web/rotas/{rota_id}/print"
    rota_page = (
        f"/web/rotas/{rota_id}" if actor.can_plan(period.team_id) else f"/web/me/periods/{period.id}/rota"
    )
    extra = {
        "base_url": base,
        "pdf_url": f"{base}.pdf" + (f"?week={sheet.week}" if sheet.week else ""),
        "back": rota_page,
    }
    return HTMLResponse(printing.render_html(period, sheet, lang, pdf=False, extra=extra))


@router.get("/web/rotas/{rota_id}/print.pdf")
def print_pdf(
    request: Request, rota_id: int, session: SessionDep, actor: WebUser, week: str | None = None
) -> Response:
    """The print page as an A4-landscape PDF (WeasyPrint)."""
    return printing.rota_pdf(rota_id, week=week or None, lang=lang_of(request), session=session, actor=actor)
