"""The calendar subscription page (`/web/me/calendar`, issue 13): make or renew one's secret calendar
link (staff: their own shifts; a planner: the whole team's), copy it, and how to add it on an iPhone or
an Android phone; or stop it. The link is shown once, right after it was made: only its hash is stored."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.routes.calendar import feed_urls
from api.web import i18n
from api.web.common import WebUser, lang_of, render
from planner import services
from planner.models import local

router = APIRouter()
PAGE = "/web/me/calendar"


def _page(
    request: Request, session: SessionDep, actor: WebUser, *, token: str | None = None, said: str = ""
) -> Response:
    feed = services.calendar_feed_of(session=session, actor=actor)
    urls = feed_urls(request, token) if token else None
    return render(
        request,
        "calendar_feed.html",
        {
            "feed": feed,
            "made": local(feed.created_at) if feed else None,
            "url": urls[0] if urls else None,
            "webcal": urls[1] if urls else None,
            "team": actor.staff_id is None,
            "said": said,
        },
    )


@router.get(PAGE)
def calendar_page(request: Request, session: SessionDep, actor: WebUser) -> Response:
    """Whether I have a calendar link, and a button to make (or renew) one."""
    return _page(request, session, actor)


@router.post(PAGE)
def renew(request: Request, session: SessionDep, actor: WebUser) -> Response:
    """A new calendar link, shown this once; the old one stops working."""
    _, token = services.renew_calendar_feed(session=session, actor=actor)
    return _page(request, session, actor, token=token)


@router.post(f"{PAGE}/stop")
def stop(request: Request, session: SessionDep, actor: WebUser) -> Response:
    """Stop my calendar link."""
    services.revoke_calendar_feed(session=session, actor=actor)
    _ = i18n.translator(lang_of(request))
    said = _("Your calendar link is stopped: calendars get nothing more from it.")
    return _page(request, session, actor, said=said)
