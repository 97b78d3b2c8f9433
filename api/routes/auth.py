"""Sign-in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.deps import CurrentUser, SessionDep, oauth2_scheme
from planner import auth, services, two_factor
from planner.auth import sign_in
from planner.models import PasswordChange, User

router = APIRouter(tags=["auth"])
TOTP_FIELD = "The one-time code of the authenticator app, for an account with two-factor sign-in on."


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    username: str
    role: str
    team_id: int | None
    staff_id: int | None
    teams: list[int] = Field(default=[], description="The teams you plan (a planner may plan several).")
    two_factor: bool = False
    must_change_password: bool = False


class TwoFactorKey(BaseModel):
    secret: str
    uri: str


class OneTimeCode(BaseModel):
    code: str = Field(min_length=6, max_length=12, description="The 6 digits the authenticator app shows.")


@router.post(
    "/token",
    responses={
        401: {"description": "Wrong user name or password."},
        429: {"description": "Too many failed sign-ins: wait `Retry-After` s"},
    },
)
def login(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    totp: Annotated[
        str | None, Form(max_length=12, description="One-time code, for two-factor accounts")
    ] = None,
) -> Token:
    """Sign in with username and password (and `totp`, the one-time code, where the account has
    two-factor sign-in on); returns a bearer token. After a handful of failures for a user name (or many
    from one address) every attempt answers 429 for a while, the right one too."""
    address = request.client.host if request.client else None
    token = sign_in(
        form.username,
        form.password,
        session=session,
        address=address,
        throttle=request.app.state.throttle,
        code=totp,
    )
    return Token(access_token=token)


@router.post("/sign-out", status_code=204)
def sign_out(session: SessionDep, token: Annotated[str, Depends(oauth2_scheme)], actor: CurrentUser) -> None:
    """End this sign-in: the token sent is revoked (answers 401 from now on)."""
    auth.sign_out(token, session=session)


@router.post(
    "/me/password",
    status_code=204,
    responses={429: {"description": "Too many wrong current passwords: wait `Retry-After` s"}},
)
def change_password(
    data: PasswordChange,
    request: Request,
    session: SessionDep,
    token: Annotated[str, Depends(oauth2_scheme)],
    actor: CurrentUser,
) -> None:
    """Choose a new password (with the one in use; the policy of the account form). Your other sign-ins
    end; this one goes on. After a one-time password (the planner's reset) this is the only thing the
    account may do until it is done."""
    address = request.client.host if request.client else None
    throttle = request.app.state.throttle
    services.change_own_password(
        data, token=token, session=session, actor=actor, throttle=throttle, address=address
    )


@router.post("/sign-out-everywhere", status_code=204)
def sign_out_everywhere(session: SessionDep, actor: CurrentUser) -> None:
    """End every sign-in of your account, on every device (a lost phone); your password stays."""
    auth.sign_out_everywhere(actor, session=session)


@router.get("/me")
def me(actor: CurrentUser, session: SessionDep) -> Me:
    """The signed-in user."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    return Me(
        username=actor.username,
        role=actor.role,
        team_id=actor.team_id,
        staff_id=actor.staff_id,
        teams=list(actor.teams),
        two_factor=bool(user and user.totp_enabled),
        must_change_password=actor.must_change_password,
    )


@router.post("/me/two-factor")
def begin_two_factor(actor: CurrentUser, session: SessionDep) -> TwoFactorKey:
    """Step 1 of turning on two-factor sign-in: a new key for the authenticator app (`uri` as a QR
    code, or `secret` typed in). Not asked at sign-in until confirmed."""
    return TwoFactorKey(**two_factor.begin(actor, session=session))


@router.post("/me/two-factor/confirm")
def confirm_two_factor(data: OneTimeCode, actor: CurrentUser, session: SessionDep) -> Me:
    """Step 2: a code from the app turns two-factor sign-in on; from now on `/token` needs `totp`."""
    two_factor.confirm(actor, data.code, session=session)
    return me(actor, session)


@router.post("/me/two-factor/off")
def turn_off_two_factor(data: OneTimeCode, actor: CurrentUser, session: SessionDep) -> Me:
    """Turn two-factor sign-in off, with a current code from the app."""
    two_factor.turn_off(actor, data.code, session=session)
    return me(actor, session)
