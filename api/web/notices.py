"""The pages of notifications (one's own list, marking read), one's account (e-mail address, language,
which e-mails come) and "Glemt adgangskode?" (asking for a link by e-mail, and choosing a new password
with it). Pages call `planner.services` as the API does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.deps import SessionDep
from api.web import i18n
from api.web.common import LANG_COOKIE, PREFIX, WebUser, field_errors, lang_of, redirect, render
from planner import services
from planner.errors import InputError, TooManyAttempts
from planner.models import Notification
from planner.notifications import KINDS
from planner.notifications import render as render_notification
from planner.services import ContactSettings
from planner.settings import settings
from planner.texts import N_

router = APIRouter()
LIST = f"{PREFIX}/me/notifications"
ACCOUNT = f"{PREFIX}/me/account"
YEAR = 365 * 24 * 3600


def _item(row: Notification, lang: str) -> dict[str, Any]:
    text = render_notification(row.kind, row.params, lang)
    return {"id": row.id, "text": text, "at": row.created_at, "read": row.read_at is not None}


@router.get("/web/me/notifications")
def notifications_page(request: Request, session: SessionDep, actor: WebUser, all: bool = False) -> Response:
    """My notifications, newest first (the latest 50; `?all=1` up to 500)."""
    lang = lang_of(request)
    rows = services.list_notifications(session=session, actor=actor, limit=500 if all else 50)
    unread = services.unread_count(session=session, actor=actor)
    items = [_item(r, lang) for r in rows]
    return render(
        request,
        "notifications.html",
        {"items": items, "unread_count": unread, "more": not all and len(rows) == 50},
    )


@router.post("/web/me/notifications/{notification_id}/read")
def read_one(request: Request, session: SessionDep, actor: WebUser, notification_id: int) -> Response:
    services.mark_read(notification_id, session=session, actor=actor)
    return redirect(request, LIST)


@router.post("/web/me/notifications/{notification_id}/open")
def open_one(request: Request, session: SessionDep, actor: WebUser, notification_id: int) -> Response:
    """Mark it read and go to the page it is about."""
    services.mark_read(notification_id, session=session, actor=actor)
    stored = session.get(Notification, notification_id)
    link = render_notification(stored.kind, stored.params).link if stored is not None else None
    return redirect(request, link or LIST)


@router.post("/web/me/notifications/read-all")
def read_all(request: Request, session: SessionDep, actor: WebUser) -> Response:
    services.mark_all_read(session=session, actor=actor)
    return redirect(request, LIST)


# ---- my account: e-mail address, language, which e-mails --------------------------------------------


def _account_context(request: Request, data: ContactSettings, errors: dict[str, str]) -> dict[str, Any]:
    kinds = [
        (name, KINDS[name].label, data.email_kinds.get(name, KINDS[name].email_default))
        for name in data.email_kinds
    ]
    return {
        "data": data,
        "kinds": kinds,
        "errors": errors,
        "mail_on": settings().mail_configured,
        "saved": request.query_params.get("saved") == "1",
    }


@router.get("/web/me/account")
def account_page(request: Request, session: SessionDep, actor: WebUser) -> Response:
    data = services.contact_settings(session=session, actor=actor)
    return render(request, "account.html", _account_context(request, data, {}))


@router.post("/web/me/account")
async def save_account(request: Request, session: SessionDep, actor: WebUser) -> Response:
    form = await request.form()
    current = services.contact_settings(session=session, actor=actor)
    chosen = {name: form.get(f"kind-{name}") == "on" for name in current.email_kinds}
    raw = {"email": form.get("email", ""), "language": form.get("language", "da"), "email_kinds": chosen}
    try:
        data = ContactSettings.model_validate(raw)
        services.set_contact_settings(data, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        shown = current.model_copy(update={"email": str(raw["email"]), "email_kinds": chosen})
        context = _account_context(request, shown, field_errors(exc, lang_of(request)))
        return render(request, "account.html", context, status_code=422)
    response = redirect(request, f"{ACCOUNT}?saved=1")
    response.set_cookie(LANG_COOKIE, data.language, max_age=YEAR, samesite="lax", path="/")
    return response


# ---- forgot password --------------------------------------------------------------------------------

ASKED = N_(
    "If the user name has an e-mail address, a link to choose a new password is on its way to it. "
    "It works once, within an hour. No e-mail? Ask your planner."
)


@router.get("/web/forgot-password")
def forgot_form(request: Request) -> Response:
    return render(
        request,
        "forgot_password.html",
        {"mail_on": settings().mail_configured, "asked": False, "error": None},
    )


@router.post("/web/forgot-password")
def forgot(
    request: Request, session: SessionDep, username: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """The same answer whether the name exists or not (only the throttle's answer differs: for everyone)."""
    mail_on = settings().mail_configured
    if not mail_on:
        return render(request, "forgot_password.html", {"mail_on": False, "asked": False, "error": None})
    address = request.client.host if request.client else None
    try:
        services.request_password_reset(
            username, session=session, throttle=request.app.state.reset_throttle, address=address
        )
    except TooManyAttempts as exc:
        session.rollback()
        minutes = max(1, round(exc.retry_after / 60))
        _ = i18n.translator(lang_of(request))
        error = _("Too many requests. Try again in {minutes} minutes.", minutes=minutes)
        page = render(
            request,
            "forgot_password.html",
            {"mail_on": True, "asked": False, "error": error},
            status_code=429,
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    return render(request, "forgot_password.html", {"mail_on": True, "asked": True, "error": None})


@router.get("/web/reset-password")
def reset_form(request: Request, session: SessionDep, token: str = "") -> Response:
    """The e-mail's link: a form for the new password, or why the link does not work."""
    try:
        user = services.password_reset_account(token, session=session)
    except InputError as exc:
        context = {"token": "", "username": None, "errors": field_errors(exc, lang_of(request))}
        return render(request, "reset_password.html", context, status_code=404)
    return render(request, "reset_password.html", {"token": token, "username": user.username, "errors": {}})


@router.post("/web/reset-password")
def reset(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form(max_length=200)] = "",
    new_password: Annotated[str, Form()] = "",
    repeated: Annotated[str, Form()] = "",
) -> Response:
    lang = lang_of(request)
    try:
        user = services.password_reset_account(token, session=session)
    except InputError as exc:
        context = {"token": "", "username": None, "errors": field_errors(exc, lang)}
        return render(request, "reset_password.html", context, status_code=404)
    try:
        if new_password != repeated:
            raise InputError("repeated", N_("the two new passwords differ"))
        services.reset_password_with_link(token, new_password, session=session)
    except InputError as exc:
        session.rollback()
        errors = field_errors(exc, lang)
        status = 404 if exc.field == "token" else 422
        context = {"token": token if status == 422 else "", "username": user.username, "errors": errors}
        return render(request, "reset_password.html", context, status_code=status)
    return redirect(request, f"{PREFIX}/sign-in?reset=1")
