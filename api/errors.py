"""The one place where `planner` errors become HTTP status codes."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.web.common import (
    PASSWORD_PAGE,
    CsrfFailed,
    PasswordChangeRequired,
    SignInRequired,
    error_page,
    error_text,
    is_htmx,
    is_page,
    lang_of,
    sign_in_redirect,
    validation_text,
)
from api.web.i18n import accepted, translator
from planner.errors import (
    Conflict,
    DatabaseUnavailable,
    Forbidden,
    InputError,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)
from planner.services import STORED_DATA_CONFLICT

log = logging.getLogger("pusleplan.api")


def _methods_of(app: FastAPI, request: Request) -> list[str]:
    """The methods the routes of the request's path answer (a path has one route per method)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _json_safe(value: Any) -> Any:
    """`value` with every float JSON cannot hold (NaN, ±Infinity, echoed from the request) as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _language(request: Request) -> str:
    """The language of a JSON answer: English unless `Accept-Language` prefers one of the catalogue's."""
    return accepted(request.headers.get("accept-language"))


def _said(request: Request, exc: Exception) -> str:
    """A planner error's message in the client's language (`_language`); English as raised."""
    lang = _language(request)
    if lang == "en":
        return exc.message if isinstance(exc, InputError) else str(exc)
    return error_text(exc, lang)


def install(app: FastAPI) -> None:
    """JSON errors for the API; for the web pages (`/web/...`) the same status with a readable page."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own answer, except that a NaN or Infinity the client sent is echoed as text (the
        # default handler cannot write it and answered 500), and `msg` in the client's language.
        lang = _language(request)
        errors = [
            {**error, "msg": validation_text(error, lang)} if lang != "en" else error
            for error in exc.errors()
        ]
        return JSONResponse({"detail": _json_safe(jsonable_encoder(errors))}, status_code=422)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        if is_page(request):
            return error_page(request, 404, error_text(exc, lang_of(request)))
        return JSONResponse({"detail": _said(request, exc)}, status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only those of the first route matched
            headers["Allow"] = ", ".join(_methods_of(app, request))
        if is_page(request) and exc.status_code in (404, 405):
            return error_page(request, exc.status_code, str(exc.detail), headers=headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        if is_page(request):
            return error_page(request, 409, error_text(exc, lang_of(request)))
        return JSONResponse({"detail": _said(request, exc)}, status_code=409)

    @app.exception_handler(PasswordChangeRequired)
    async def _password_first(request: Request, exc: PasswordChangeRequired) -> Response:
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": PASSWORD_PAGE})
        return RedirectResponse(PASSWORD_PAGE, status_code=303)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        return sign_in_redirect(request)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        _ = translator(lang_of(request))
        return error_page(request, 403, _("The form has expired; please try again."))

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # A unique or foreign-key constraint caught what the services could not check first (a race
        # between two requests); the request's session is rolled back. The database's text names tables
        # and columns: the log has it, the answer says what happened in the client's words.
        log.warning("request refused by the database: %s", exc.orig)
        return await _conflict(request, Conflict(STORED_DATA_CONFLICT))

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot hold (PostgreSQL: an integer out of range) that validation let
        # through; nothing of the request is stored.
        log.warning("value refused by the database: %s", exc.orig)
        msg = "a value is beyond what the database can hold"
        detail = [{"loc": ["body"], "msg": msg, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(Unauthorized)
    async def _unauthorized(request: Request, exc: Unauthorized) -> Response:
        if is_page(request):
            return sign_in_redirect(request)
        return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(DatabaseUnavailable)
    async def _database(request: Request, exc: DatabaseUnavailable) -> Response:
        log.error("%s", exc)
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(TooManyAttempts)
    async def _too_many(request: Request, exc: TooManyAttempts) -> Response:
        headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse({"detail": str(exc)}, status_code=429, headers=headers)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if is_page(request):
            return error_page(request, 403, error_text(exc, lang_of(request)))
        return JSONResponse({"detail": _said(request, exc)}, status_code=403)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        if is_page(request):  # pages show input errors next to the field; one that escapes is a 422 page
            return error_page(request, 422, str(exc))
        # The same shape as FastAPI's own validation errors: a list with the field path in `loc`.
        loc = ["body", *exc.field.replace("[", ".").replace("]", "").split(".")]
        detail = [
            {
                "loc": [int(p) if p.isdigit() else p for p in loc],
                "msg": _said(request, exc),
                "type": "value_error",
            }
        ]
        return JSONResponse({"detail": detail}, status_code=422)
