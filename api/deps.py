"""FastAPI dependencies: a database session per request, the signed-in user, the job queue.

`SessionDep`, `CurrentUser`, `PlannerUser` and `QueueDep` are the aliases routes declare; routes never
open sessions or check tokens themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from planner.auth import Actor, actor_for_token
from planner.db import READ_ONLY, request_session
from planner.errors import Forbidden
from planner.jobs import JobQueue
from planner.texts import N_

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; whatever a failing request wrote is rolled back when it closes. A GET
    only reads, and a write request reads without the write lock after its commit
    (`planner.db.request_session`). `async`: making a session does no I/O, so it needs no trip to the
    thread pool (the routes, which do the I/O, are sync and run there)."""
    writes = request.method not in ("GET", "HEAD", "OPTIONS")
    with request_session(request.app.state.engine, writes=writes) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


# What an account signed in with a one-time password may do: choose its own, see who it is, sign out.
ONE_TIME_PASSWORD_PATHS = ("/me", "/me/password", "/sign-out", "/sign-out-everywhere")
ONE_TIME_PASSWORD_FIRST = N_(
    "you signed in with a one-time password: choose your own first (POST /me/password)"
)


def get_current_user(
    request: Request, session: SessionDep, token: Annotated[str, Depends(oauth2_scheme)]
) -> Actor:
    session.connection(execution_options=READ_ONLY)  # a read: on SQLite no write lock, no queue
    actor = actor_for_token(token, session=session)
    session.rollback()  # end the read transaction before the route starts its own work
    if actor.must_change_password and request.url.path not in ONE_TIME_PASSWORD_PATHS:
        raise Forbidden(
            N_("you signed in with a one-time password: choose your own first (POST /me/password)")
        )
    return actor


CurrentUser = Annotated[Actor, Depends(get_current_user)]


def get_planner(actor: CurrentUser) -> Actor:
    if not actor.is_planner:
        raise Forbidden(N_("only planners may do this"))
    return actor


PlannerUser = Annotated[Actor, Depends(get_planner)]


def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


QueueDep = Annotated[JobQueue, Depends(get_queue)]

# Paging of the long lists: a page of at most 1000 rows, from a row number a database can hold.
Limit = Annotated[int, Query(ge=1, le=1000, description="Rows in the page (at most 1000).")]
Offset = Annotated[int, Query(ge=0, le=2_147_483_647, description="Rows to skip before the page.")]
