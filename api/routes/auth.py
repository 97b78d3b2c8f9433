"""Sign-in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep
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


@router.post("/token")
def login(session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Sign in with username and password; returns a bearer token."""
    return Token(access_token=sign_in(form.username, form.password, session=session))


@router.get("/me")
def me(actor: CurrentUser) -> Me:
    """The signed-in user."""
    return Me(username=actor.username, role=actor.role, team_id=actor.team_id, staff_id=actor.staff_id)
