"""The rota for the wall as a page and as a PDF: one template (`templates/print/rota.html`) and one style
sheet (`static/print.css`) for the browser's print and the PDF, so the two cannot drift apart.

The PDF is WeasyPrint rendering that same HTML. WeasyPrint needs the system's Pango (Debian:
`libpango-1.0-0 libpangoft2-1.0-0`, present wherever a desktop or Chromium is installed); it is imported
only when a PDF is asked for, so the service starts and serves everything else without it, and a PDF
asked for on a machine without Pango is a 503 that says what to install.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from babel.numbers import format_decimal
from fastapi import HTTPException
from fastapi.responses import Response
from sqlmodel import Session

from api.web import i18n
from api.web.common import STATIC_DIR, templates
from planner import services
from planner.auth import Actor
from planner.models import Period, local
from planner.views.printing import PrintRota

MISSING_PANGO = (
    "PDF needs the Pango text library: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "(the print page works without it)"
)


def _clock(value: dt.time | None, lang: str) -> str:
    return "" if value is None else value.strftime("%H.%M" if lang == "da" else "%H:%M")


def context(period: Period, sheet: PrintRota, lang: str, *, pdf: bool) -> dict[str, Any]:
    """What the print template needs besides the translators."""
    _ = i18n.translator(lang)
    title = period.name or _(
        "Rota for {first} – {last}",
        first=i18n.date_short(sheet.first, lang),
        last=i18n.date_short(sheet.last, lang),
    )
    return {
        "title": _("Rota: {name}", name=title) if period.name else title,
        "sheet": sheet,
        "pdf": pdf,
        "weeks": sheet.period_weeks,
        "holidays": {dt.date.fromisoformat(str(d)) for d in period.public_holidays},
        "published_at": local(sheet.published_at),
        "created_at": local(sheet.created_at),
        "printed_at": local(dt.datetime.now(dt.UTC)),
        "hours": lambda minutes: format_decimal(minutes / 60, "0.#", locale=lang),
        "clock": lambda t: _clock(t, lang),
    }


def render_html(
    period: Period, sheet: PrintRota, lang: str, *, pdf: bool, extra: dict[str, Any] | None = None
) -> str:
    """The print page as HTML in `lang` (without the screen's toolbar when `pdf`)."""
    page = {
        "_": i18n.translator(lang),
        "gettext": i18n.translator(lang),
        "ngettext": i18n.plural_translator(lang),
        "lang": lang,
        **context(period, sheet, lang, pdf=pdf),
        **(extra or {}),
    }
    return templates.env.get_template("print/rota.html").render(page)


def pdf_bytes(html: str) -> bytes:
    """The HTML rendered by WeasyPrint with the print style sheet."""
    try:
        with warnings.catch_warnings():
            # Without the system's HarfBuzz-Subset WeasyPrint warns that a future version will need it;
            # this one draws the PDF without it (fonts embedded whole), so the rota still prints.
            warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
            import weasyprint
    except (OSError, ImportError):  # the system's Pango is missing (or WeasyPrint itself)
        raise HTTPException(503, MISSING_PANGO) from None
    stylesheet = weasyprint.CSS(filename=str(STATIC_DIR / "print.css"))
    return weasyprint.HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(stylesheets=[stylesheet])


def rota_pdf(rota_id: int, *, week: str | None, lang: str, session: Session, actor: Actor) -> Response:
    """The rota (or one ISO week of it) as an A4-landscape PDF, for whoever may read the rota."""
    period, sheet = services.rota_for_print(rota_id, week=week, session=session, actor=actor)
    body = pdf_bytes(render_html(period, sheet, lang, pdf=True))
    name = f"vagtplan-{rota_id}" + (f"-{sheet.week}" if sheet.week else "")
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


__all__ = ["context", "pdf_bytes", "render_html", "rota_pdf"]
