"""Calendar subscriptions: a secret URL per account that a phone's calendar follows (issue 13).

`GET /calendar/{token}.ics` needs no sign-in — the token is the key (only its SHA-256 is stored) — and
serves the current published rota(s) of the team, for one person or the whole team. `/me/calendar-feed`
makes, renews (the old URL stops working) and revokes one's own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.deps import CurrentUser, SessionDep
from planner import services
from planner.errors import NotFound
from planner.models import CalendarFeed, CalendarFeedPublic

router = APIRouter(tags=["calendar"])
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def feed_urls(request: Request, token: str) -> tuple[str, str]:
    """(https URL, webcal URL) of a token on the host the request came to."""
    url = str(request.url_for("subscribed_calendar", token=token))
    return url, "webcal://" + url.split("://", 1)[1]


def public(
    feed: CalendarFeed, request: Request | None = None, token: str | None = None
) -> CalendarFeedPublic:
    out = CalendarFeedPublic.model_validate(feed, from_attributes=True)
    if request is not None and token is not None:
        out.url, out.webcal = feed_urls(request, token)
    return out


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={
        200: {
            "description": "The current published shifts as iCalendar (RFC 5545), to subscribe to.",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        },
        404: {"description": "No such calendar: the link was renewed or revoked.", "content": ERROR},
    },
)
def subscribed_calendar(token: str, request: Request, session: SessionDep) -> Response:
    """A subscribed calendar (no sign-in: the secret URL is the key)."""
    name, body = services.subscribed_calendar(
        token, session=session, domain=request.url.hostname or "pusleplan"
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'inline; filename="vagtplan-{name}.ics"',
            "Cache-Control": "private, max-age=300",
            "Referrer-Policy": "no-referrer",
        },
    )


@router.get(
    "/me/calendar-feed",
    response_model=CalendarFeedPublic,
    responses={404: {"description": "You have no calendar link.", "content": ERROR}},
)
def my_calendar_feed(session: SessionDep, actor: CurrentUser) -> Any:
    """Your calendar subscription, if any (its URL was shown once, when made; renew for a new one)."""
    feed = services.calendar_feed_of(session=session, actor=actor)
    if feed is None:
        raise NotFound("calendar", "")
    return public(feed)


@router.post("/me/calendar-feed", response_model=CalendarFeedPublic, status_code=status.HTTP_201_CREATED)
def renew_calendar_feed(request: Request, session: SessionDep, actor: CurrentUser) -> Any:
    """A new secret calendar URL (your own shifts; a planner's: the whole team's), shown this once; the
    URL you had before stops working."""
    feed, token = services.renew_calendar_feed(session=session, actor=actor)
    return public(feed, request, token)


@router.delete("/me/calendar-feed", status_code=status.HTTP_204_NO_CONTENT)
def revoke_calendar_feed(session: SessionDep, actor: CurrentUser) -> None:
    """Stop your calendar URL: subscribed calendars get nothing more from it."""
    services.revoke_calendar_feed(session=session, actor=actor)
