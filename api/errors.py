"""The one place where `planner` errors become HTTP status codes."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError

from planner.errors import Conflict, Forbidden, InputError, NotFound, Unauthorized


def install(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # A unique or foreign-key constraint caught what the services could not check first (a race
        # between two requests, a duplicate code); the request's session is rolled back.
        return JSONResponse({"detail": f"conflicts with stored data: {exc.orig}"}, status_code=409)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot hold (PostgreSQL: an integer out of range) that validation let
        # through; nothing of the request is stored.
        detail = [{"loc": ["body"], "msg": f"value out of range: {exc.orig}", "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(Unauthorized)
    async def _unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        # The same shape as FastAPI's own validation errors: a list with the field path in `loc`.
        loc = ["body", *exc.field.replace("[", ".").replace("]", "").split(".")]
        detail = [
            {"loc": [int(p) if p.isdigit() else p for p in loc], "msg": exc.message, "type": "value_error"}
        ]
        return JSONResponse({"detail": detail}, status_code=422)
