"""Sign in, sign out, the language switch and the start page that sends each role to its home."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import SessionDep
from api.web import i18n
from api.web.common import (
    LANG_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    WebUser,
    field_errors,
    lang_of,
    redirect,
    render,
    session_token,
)
from planner import auth, services
from planner.errors import InputError, SecondFactorNeeded, TooManyAttempts, Unauthorized
from planner.models import PasswordChange
from planner.settings import settings
from planner.texts import N_

router = APIRouter()

STAFF_HOME = f"{PREFIX}/me"
PLANNER_HOME = f"{PREFIX}/periods"
YEAR = 365 * 24 * 3600


def _safe_next(target: str | None, fallback: str) -> str:
    """Only a path of this site (never `//other.site` or `https://…`): no open redirect."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//"):
        return target
    return fallback


@router.get("/web")
@router.get("/web/")
def home(actor: WebUser) -> Response:
    """Planners start at their periods, staff at their own wishes."""
    return RedirectResponse(PLANNER_HOME if actor.is_planner else STAFF_HOME, status_code=303)


def _sign_in_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    """The sign-in form; "Glemt adgangskode?" leads to a link by e-mail when e-mail is configured."""
    return render(
        request, "sign_in.html", {"mail_on": settings().mail_configured, **context}, status_code=status_code
    )


@router.get("/web/sign-in")
def sign_in_form(request: Request, next: str | None = None, reset: str | None = None) -> Response:
    _ = i18n.translator(lang_of(request))
    notice = _("Your new password is saved. Sign in with it.") if reset else None
    return _sign_in_page(request, {"next": next or "", "error": None, "username": "", "notice": notice})


@router.post("/web/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
    code: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    address = request.client.host if request.client else None
    _ = i18n.translator(lang_of(request))
    try:
        token = auth.sign_in(
            username.strip(),
            password,
            session=session,
            address=address,
            throttle=request.app.state.throttle,
            code=code or None,
        )
    except SecondFactorNeeded:
        error = _("Type the one-time code from your authenticator app too.")
        context = {"next": next, "error": error, "username": username, "need_code": True}
        return _sign_in_page(request, context, status_code=401)
    except Unauthorized:
        wrong = _("Wrong username, password or one-time code.") if code else _("Wrong username or password.")
        context = {"next": next, "error": wrong, "username": username, "need_code": bool(code)}
        return _sign_in_page(request, context, status_code=401)
    except TooManyAttempts as exc:
        minutes = max(1, round(exc.retry_after / 60))
        error = _("Too many wrong attempts. Try again in {minutes} minutes.", minutes=minutes)
        context = {"next": next, "error": error, "username": username}
        response = _sign_in_page(request, context, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    actor = auth.actor_for_token(token, session=session)
    fallback = PLANNER_HOME if actor.is_planner else STAFF_HOME
    signed_in = RedirectResponse(_safe_next(next, fallback), status_code=303)
    signed_in.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(auth.TOKEN_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return signed_in


@router.post("/web/sign-out")
def sign_out(request: Request, session: SessionDep) -> Response:
    token = session_token(request)
    if token:
        auth.sign_out(token, session=session)
    response = redirect(request, f"{PREFIX}/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/web/sign-out-everywhere")
def sign_out_everywhere(request: Request, session: SessionDep) -> Response:
    """End every sign-in of the account (a lost phone), this browser's too."""
    token = session_token(request)
    if token:
        try:
            actor = auth.actor_for_token(token, session=session)
        except Unauthorized:
            actor = None
        if actor is not None:
            auth.sign_out_everywhere(actor, session=session)
    response = redirect(request, f"{PREFIX}/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/web/language/{lang}")
def set_language(request: Request, lang: str, back: str | None = None) -> Response:
    """Switch the pages' language (a cookie; Danish when none is set) and go back where the user was."""
    response = RedirectResponse(_safe_next(back, f"{PREFIX}/"), status_code=303)
    response.set_cookie(LANG_COOKIE, i18n.language(lang), max_age=YEAR, samesite="lax", path="/")
    return response


# ---- one's own password -----------------------------------------------------------------------------


@router.get("/web/me/password")
def password_form(request: Request, actor: WebUser) -> Response:
    """Choose a new password (after a one-time password, the only page there is until it is done)."""
    return render(request, "password.html", {"errors": {}, "forced": actor.must_change_password})


@router.post("/web/me/password")
def change_password(
    request: Request,
    session: SessionDep,
    actor: WebUser,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    repeated: Annotated[str, Form()] = "",
) -> Response:
    """Store the new password; the person's other sign-ins end, this one goes on."""
    lang = lang_of(request)
    try:
        if new_password != repeated:
            raise InputError("repeated", N_("the two new passwords differ"))
        data = PasswordChange.model_validate(
            {"current_password": current_password, "new_password": new_password}
        )
        services.change_own_password(
            data,
            token=session_token(request),
            session=session,
            actor=actor,
            throttle=request.app.state.throttle,
            address=request.client.host if request.client else None,
        )
    except TooManyAttempts as exc:
        session.rollback()
        minutes = max(1, round(exc.retry_after / 60))
        said = i18n.translator(lang)(
            "Too many wrong attempts. Try again in {minutes} minutes.", minutes=minutes
        )
        context = {"errors": {"current_password": said}, "forced": actor.must_change_password}
        page = render(request, "password.html", context, status_code=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except (ValidationError, InputError) as exc:
        session.rollback()
        context = {"errors": field_errors(exc, lang), "forced": actor.must_change_password}
        return render(request, "password.html", context, status_code=422)
    home = PLANNER_HOME if actor.is_planner else STAFF_HOME
    return redirect(request, f"{home}?saved=password")
