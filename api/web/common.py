"""What every web page shares: templates, the cookie session, CSRF, language, and error pages.

A page route declares `WebUser` (or `WebPlanner`) like an API route declares `CurrentUser`: the session
cookie holds the same kind of opaque token as the API's bearer token (`planner.auth`), HttpOnly and
SameSite=Lax. Every unsafe request (POST, PUT, PATCH, DELETE) under `/web` must carry the session's CSRF
token, in the form field `csrf` or the `X-CSRF-Token` header (htmx sends it from `<body hx-headers>`);
`check_csrf` is a dependency of the web router, so no page can forget it. No business rules here: pages
call `planner.services` like the API routes do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from babel.numbers import format_decimal
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api.deps import SessionDep
from api.web import i18n
from api.web.explain import say
from planner import credentials
from planner.auth import Actor, actor_for_token, csrf_matches, csrf_token
from planner.db import READ_ONLY
from planner.errors import Forbidden, InputError, RuleRefusal, Unauthorized
from planner.services.notices import EMAIL_INVALID, unread_count
from planner.texts import N_

SESSION_COOKIE = "pusleplan_session"
LANG_COOKIE = "pusleplan_lang"
PREFIX = "/web"
SIGN_IN = f"{PREFIX}/sign-in"
# Paths that take an unsafe request without a session (and so without a CSRF token).
FORGOT_PASSWORD = f"{PREFIX}/forgot-password"
RESET_PASSWORD = f"{PREFIX}/reset-password"
CSRF_EXEMPT = {SIGN_IN, FORGOT_PASSWORD, RESET_PASSWORD}

_HERE = Path(__file__).resolve().parent.parent
STATIC_DIR = _HERE / "static"
templates = Jinja2Templates(directory=str(_HERE / "templates"))
# `_`, `gettext` and `ngettext` come with each page in its reader's language (`render`), never installed
# on the shared environment; the extension gives templates `{% trans %}` and lets `pybabel extract` read them.
templates.env.add_extension("jinja2.ext.i18n")
templates.env.globals.update(
    date_long=i18n.date_long,
    date_short=i18n.date_short,
    day_month=i18n.day_month,
    weekday_short=i18n.weekday_short,
    weekday_names=i18n.weekday_names,
    when=i18n.when,
    say=say,
    languages=i18n.LANGUAGES,
)


class SignInRequired(Exception):
    """No session, or an expired one: the page sends the browser to the sign-in form."""


class PasswordChangeRequired(Exception):
    """Signed in with a one-time password: every page but choosing one's own sends the browser there."""


# The page where one chooses one's own password, and what a one-time password still allows.
PASSWORD_PAGE = "/web/me/password"
_ONE_TIME_PASSWORD_PAGES = (PASSWORD_PAGE, "/web/sign-out", "/web/sign-out-everywhere")


class CsrfFailed(Exception):
    """An unsafe request without the session's CSRF token."""


def lang_of(request: Request) -> str:
    return i18n.language(request.cookies.get(LANG_COOKIE))


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def get_web_user(request: Request, session: SessionDep) -> Actor:
    token = session_token(request)
    if token is None:
        raise SignInRequired()
    session.connection(execution_options=READ_ONLY)
    try:
        actor = actor_for_token(token, session=session)
        # The number beside "Notifications" in every page's menu, read in the same read transaction.
        request.state.unread = unread_count(session=session, actor=actor)
    except Unauthorized:
        raise SignInRequired() from None
    finally:
        session.rollback()
    request.state.actor = actor
    if actor.must_change_password and request.url.path not in _ONE_TIME_PASSWORD_PAGES:
        raise PasswordChangeRequired()
    return actor


WebUser = Annotated[Actor, Depends(get_web_user)]


def get_web_planner(actor: WebUser) -> Actor:
    if not actor.is_planner:
        raise Forbidden(N_("only planners may open this page"))
    return actor


WebPlanner = Annotated[Actor, Depends(get_web_planner)]


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token does not belong to its session cookie."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.url.path in CSRF_EXEMPT:
        return
    token = session_token(request)
    candidate = request.headers.get("x-csrf-token")
    if candidate is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette keeps the parsed form for the route's own Form fields
        value = form.get("csrf")
        candidate = value if isinstance(value, str) else None
    if token is None:
        raise SignInRequired()
    if candidate is None or not csrf_matches(token, candidate):
        raise CsrfFailed()


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The template `name` with what every page needs: `_`/`gettext`/`ngettext` (translate), `lang`,
    `actor`, `csrf`."""
    lang = lang_of(request)
    token = session_token(request)
    _ = i18n.translator(lang)
    page: dict[str, Any] = {
        "_": _,
        "gettext": _,
        "ngettext": i18n.plural_translator(lang),
        "lang": lang,
        "actor": getattr(request.state, "actor", None),
        "unread": getattr(request.state, "unread", 0),
        "csrf": csrf_token(token) if token else "",
        "today": dt.date.today(),
        "path": request.url.path,
    }
    page.update(context or {})
    return templates.TemplateResponse(request, name, page, status_code=status_code, headers=headers)


def redirect(request: Request, url: str) -> Response:
    """After a successful POST: a 303 to `url`, or for htmx an `HX-Redirect` so the whole page moves."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


# pydantic's error types that forms meet, worded for a person (English text, translated by `_`).
_ERROR_TEXTS = {
    "missing": N_("Fill in this field."),
    "greater_than": N_("Must be more than {gt}."),
    "greater_than_equal": N_("Must be at least {ge}."),
    "less_than": N_("Must be less than {lt}."),
    "less_than_equal": N_("Must be at most {le}."),
    "string_too_short": N_("Too short."),
    "string_too_long": N_("Too long (at most {max_length} characters)."),
    "int_parsing": N_("Write a whole number."),
    "float_parsing": N_("Write a number."),
    "finite_number": N_("Write a number."),
    "year_out_of_range": N_("Must be in the years {first}–{last}."),
    "date_parsing": N_("Write a date (yyyy-mm-dd)."),
    "date_from_datetime_parsing": N_("Write a date (yyyy-mm-dd)."),
    "time_parsing": N_("Write a time (hh:mm)."),
    "datetime_parsing": N_("Write a date and time."),
    "datetime_from_date_parsing": N_("Write a date and time."),
    "string_pattern_mismatch": N_("Use only letters, digits, '-' and '_'."),
    "literal_error": N_("Choose one of the options."),
    "enum": N_("Choose one of the options."),
    "list_too_short": N_("Choose at least one."),
    "too_short": N_("Choose at least one."),
    "too_long": N_("Too many (at most {max_length})."),
    "email_invalid": EMAIL_INVALID,
    **credentials.ERROR_TEXTS,
}


def _limit(value: Any, lang: str) -> Any:
    """A limit from a validation error as a reader writes it: 0 not 0.0, 7,5 in Danish."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return format_decimal(value, locale=lang)


def validation_text(error: Mapping[str, Any], lang: str) -> str:
    """One of pydantic's validation errors worded for people in `lang` (its own English text where the
    catalogue has no wording for its type)."""
    text = _ERROR_TEXTS.get(error["type"])
    if text is None:
        return str(error["msg"])
    try:
        ctx = {k: _limit(v, lang) for k, v in (error.get("ctx") or {}).items()}
        return i18n.translator(lang)(text, **ctx)
    except (KeyError, IndexError):
        return str(error["msg"])


def field_errors(exc: Exception, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, str]:
    """Form field → message in `lang`, from pydantic's validation errors or a planner `InputError`. The
    key is the dotted field path (`contract.weekly_hours`); a form shows each next to its input. Texts of
    the planner layer (which names field and value) are shown as they are."""
    _ = i18n.translator(lang)
    if isinstance(exc, ValidationError):
        out: dict[str, str] = {}
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"]) or "form"
            out.setdefault(key, validation_text(error, lang))
        return out
    if isinstance(exc, InputError):
        return {exc.field: error_text(exc, lang)}
    return {"form": str(exc)}


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"{SIGN_IN}?next={quote(target)}" if request.method == "GET" else SIGN_IN
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def error_text(exc: Exception, lang: str) -> str:
    """A planner error in `lang`: its template (`planner/errors.py`) worded by the catalogue, with a
    state's name translated; an error without a template as it is (English)."""
    template, params = getattr(exc, "template", None), getattr(exc, "params", None)
    if not template or not isinstance(params, dict) or isinstance(exc, RuleRefusal):
        return str(exc)
    _ = i18n.translator(lang)
    values = {k: _(v) if k == "state" and isinstance(v, str) else v for k, v in params.items()}
    try:
        return _(template, **values)
    except (KeyError, IndexError, ValueError):  # a wording that names a value the error lacks
        return str(exc)


def error_page(
    request: Request, status_code: int, message: str, *, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """A readable page (or, for htmx, a fragment) for an error raised by a page route."""
    _ = i18n.translator(lang_of(request))
    titles = {403: _("Not allowed"), 404: _("Page not found")}
    return render(
        request,
        "error.html",
        {"title": titles.get(status_code, _("Something went wrong")), "message": message},
        status_code=status_code,
        headers=headers,
    )


def is_page(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")
