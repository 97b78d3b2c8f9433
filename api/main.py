"""The FastAPI application: `create_app(engine=None, queue=None)`.

Routers come from `api/routes/`, the error mapping from `api/errors.py`. The app's engine and job queue
live on `app.state`; `pusleplan serve` builds both, tests pass their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI, Response
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from api import errors, openapi, web
from api.headers import SecurityHeaders
from api.limits import BodyLimit, InFlightLimit
from api.routes import (
    auth,
    calendar,
    meeting,
    notifications,
    organisation,
    periods,
    rotas,
    solving,
    swaps,
    teams,
)
from api.web.common import STATIC_DIR
from planner.auth import SignInThrottle, reset_throttle
from planner.db import database_problem, get_engine
from planner.jobs import JobQueue, make_queue
from planner.outbox import OutboxWorker
from planner.settings import settings

SWAGGER_UI = "/static/vendor/swagger-ui-5.35.0"
DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>pusleplan API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>
  <script src="/static/docs.js"></script>
</body>
</html>
"""


def app_version() -> str:
    try:
        return version("pusleplan")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def create_app(
    engine: Engine | None = None, queue: JobQueue | None = None, *, outbox_worker: bool | None = None
) -> FastAPI:
    """The service on `engine` (default: `DATABASE_URL`). Without `queue`, solves go to the queue the
    settings ask for (`planner.jobs.make_queue`: by default a `ProcessQueue` started with the app and
    stopped with it; `PUSLEPLAN_QUEUE=celery`: the solve workers). The outbox worker (deadline reminders
    and e-mail, `planner.outbox`) runs in a thread of the app when `outbox_worker`, by default when the
    app makes its own queue (the service; a test that passes its queue runs `pusleplan send-mail`'s round)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_queue = app.state.queue is None
        if own_queue:
            app.state.queue = make_queue(app.state.engine)
        worker = None
        if outbox_worker or (outbox_worker is None and own_queue):
            worker = OutboxWorker(app.state.engine).start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if own_queue:
                app.state.queue.shutdown()
                app.state.queue = None

    app = FastAPI(
        title="pusleplan",
        version=app_version(),
        description="Self-scheduling rota planner for home-care teams: periods, wishes, solves, rotas.",
        lifespan=lifespan,
        docs_url=None,  # served below, from the package's own copy of Swagger UI
        redoc_url=None,  # ReDoc's bundle is not shipped: /docs is the one API page
    )
    app.state.engine = engine or get_engine()
    app.state.queue = queue
    app.state.throttle = SignInThrottle(settings().throttle_storage)
    app.state.reset_throttle = reset_throttle(settings().throttle_storage)
    errors.install(app)
    openapi.install(app)
    for module in (
        auth,
        teams,
        periods,
        solving,
        rotas,
        meeting,
        notifications,
        calendar,
        organisation,
        swaps,
    ):
        app.include_router(module.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Pages and downloads compressed for phones on slow mobile data (a staff calendar: 292 KB → 11 KB);
    # small API answers (under 1 KiB) go as they are.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimit)
    app.add_middleware(InFlightLimit)
    app.add_middleware(SecurityHeaders)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        """A browser that opens the service lands on the web pages."""
        return RedirectResponse("/web/", status_code=303)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The API's interactive documentation: Swagger UI shipped in the package (a care site may be
        offline, and the Content-Security-Policy allows no other origin), started by `static/docs.js`."""
        return HTMLResponse(DOCS_PAGE)

    @app.get(
        "/health",
        tags=["service"],
        responses={503: {"description": "The database cannot be reached (the body says why)."}},
    )
    def health(response: Response) -> dict[str, Any]:
        """Version and database status: 200 when the database can serve, 503 with the same body when
        not — it does not answer, or (SQLite) its file is missing, replaced or read-only, or
        (PostgreSQL) it is read-only — so a load balancer or a container health check takes the instance
        out."""
        problem = database_problem(app.state.engine)
        if problem is not None:
            response.status_code = 503
        return {
            "status": "ok" if problem is None else "unavailable",
            "version": app.version,
            "database": "ok" if problem is None else f"error: {problem}",
        }

    return app
