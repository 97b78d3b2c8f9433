"""Notifications (one's own), contact settings, the planner's e-mail address of an account, and
"forgot password" by e-mail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import BaseModel, Field

from api.deps import CurrentUser, Limit, Offset, PlannerUser, SessionDep
from api.web.i18n import LANGUAGES
from planner import credentials, services
from planner.auth import Actor
from planner.models import INT_MAX, Notification, NotificationList, NotificationPublic, User, UserPublic
from planner.notifications import render
from planner.services import ContactSettings, EmailAddress

router = APIRouter(tags=["notifications"])
NotificationId = Annotated[int, Path(ge=1, le=INT_MAX)]


def _language(request: Request, session: SessionDep, actor: Actor) -> str:
    """The texts' language: the one `Accept-Language` asks for, else the person's own setting."""
    asked = request.headers.get("accept-language", "")
    for part in asked.split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    return user.language if user is not None else "da"


def public(row: Notification, lang: str) -> NotificationPublic:
    """A stored notification as its reader reads it."""
    text = render(row.kind, row.params, lang)
    assert row.id is not None
    return NotificationPublic(
        id=row.id,
        kind=row.kind,
        subject=text.subject,
        body=text.body,
        link=text.link,
        created_at=row.created_at,
        read=row.read_at is not None,
    )


@router.get("/me/notifications")
def my_notifications(
    request: Request,
    session: SessionDep,
    actor: CurrentUser,
    limit: Limit = 50,
    offset: Offset = 0,
    unread: Annotated[bool, Query(description="Only the unread ones.")] = False,
) -> NotificationList:
    """Your notifications, newest first, in your language (or `Accept-Language`'s), and how many are
    unread."""
    lang = _language(request, session, actor)
    rows = services.list_notifications(
        session=session, actor=actor, limit=limit, offset=offset, unread_only=unread
    )
    return NotificationList(
        unread=services.unread_count(session=session, actor=actor), items=[public(r, lang) for r in rows]
    )


@router.post("/me/notifications/{notification_id}/read", status_code=status.HTTP_204_NO_CONTENT)
def read_notification(notification_id: NotificationId, session: SessionDep, actor: CurrentUser) -> None:
    """Mark one of your notifications read (another person's is a 404)."""
    services.mark_read(notification_id, session=session, actor=actor)


class Marked(BaseModel):
    marked: int = Field(description="How many were unread.")


@router.post("/me/notifications/read-all")
def read_all_notifications(session: SessionDep, actor: CurrentUser) -> Marked:
    """Mark all your notifications read."""
    return Marked(marked=services.mark_all_read(session=session, actor=actor))


@router.get("/me/contact")
def my_contact(session: SessionDep, actor: CurrentUser) -> ContactSettings:
    """Your e-mail address, language, and which kinds of notification come by e-mail too."""
    return services.contact_settings(session=session, actor=actor)


@router.put("/me/contact")
def set_my_contact(data: ContactSettings, session: SessionDep, actor: CurrentUser) -> ContactSettings:
    """Set your e-mail address (empty: none), language (`da`, `en`) and e-mail choices per kind (a kind
    left out keeps its choice; an unknown kind is a 422)."""
    return services.set_contact_settings(data, session=session, actor=actor)


@router.put("/users/{user_id}/email", response_model=UserPublic)
def set_email(user_id: int, data: EmailAddress, session: SessionDep, actor: PlannerUser) -> Any:
    """Set (or clear, with null or "") the e-mail address of an account of your team."""
    return services.set_user_email(user_id, data.email, session=session, actor=actor)


# ---- forgot password --------------------------------------------------------------------------------


class ResetRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)


class ResetAnswer(BaseModel):
    detail: str


RESET_ASKED = (
    "If the user name has an e-mail address, a link to choose a new password is on its way; it works "
    "once, within an hour. Otherwise ask your planner."
)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    responses={429: {"description": "Too many requests for this user name or from this address."}},
)
def ask_password_reset(data: ResetRequest, request: Request, session: SessionDep) -> ResetAnswer:
    """Forgot the password: when e-mail is configured, a link to choose a new one goes to the account's
    e-mail address. The answer is the same whether the user name exists or not."""
    address = request.client.host if request.client else None
    throttle = request.app.state.reset_throttle
    services.request_password_reset(data.username, session=session, throttle=throttle, address=address)
    return ResetAnswer(detail=RESET_ASKED)


class ResetWithLink(BaseModel):
    token: str = Field(min_length=1, max_length=200, description="The `token` of the e-mail's link.")
    new_password: str = Field(max_length=credentials.MAX_LENGTH)


@router.post("/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT)
def confirm_password_reset(data: ResetWithLink, session: SessionDep) -> None:
    """Choose a new password with the link from the e-mail (once, within an hour; the password policy
    holds). Every sign-in of the account ends."""
    services.reset_password_with_link(data.token, data.new_password, session=session)
