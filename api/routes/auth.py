"""Sign-in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep, oauth2_scheme
from planner import auth
from planner.auth import sign_in

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    username: str
    role: str
    team_id: int | None
    staff_id: int | None


@router.post(
    "/token",
    responses={
        401: {"description": "Wrong user name or password."},
        429: {"description": "Too many failed sign-ins: wait `Retry-After` s"},
    },
)
def login(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> Token:
    """Sign in with username and password; returns a bearer token. After a handful of failures for a
    user name (or many from one address) every attempt answers 429 for a while, the right one too."""
    address = request.client.host if request.client else None
    token = sign_in(
        form.username, form.password, session=session, address=address, throttle=request.app.state.throttle
    )
    return Token(access_token=token)


@router.post("/sign-out", status_code=204)
def sign_out(session: SessionDep, token: Annotated[str, Depends(oauth2_scheme)], actor: CurrentUser) -> None:
    """End this sign-in: the token sent is revoked (answers 401 from now on)."""
    auth.sign_out(token, session=session)


@router.post("/sign-out-everywhere", status_code=204)
def sign_out_everywhere(session: SessionDep, actor: CurrentUser) -> None:
    """End every sign-in of your account, on every device (a lost phone); your password stays."""
    auth.sign_out_everywhere(actor, session=session)


@router.get("/me")
def me(actor: CurrentUser) -> Me:
    """The signed-in user."""
    return Me(username=actor.username, role=actor.role, team_id=actor.team_id, staff_id=actor.staff_id)
