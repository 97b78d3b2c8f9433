"""Optional two-factor sign-in (issue 17): a time-based one-time code (TOTP, RFC 6238, `pyotp`) from an
authenticator app, asked after the password. Meant for planners, whose accounts reach a whole team's
personal data; any account may turn it on.

Turning it on is two steps, so a mistyped secret cannot lock anyone out: `begin` makes a secret and the
`otpauth://` URI an app reads, `confirm` with a code from the app turns it on. Turning it off needs a
current code. A code is accepted once (the time step used is stored) and one step either side of now
(30 s) for a phone clock that is a little off.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pyotp
from sqlmodel import Session

from planner.errors import Conflict, InputError
from planner.models import AuditEntry, User
from planner.texts import N_

if TYPE_CHECKING:  # planner.auth uses `code_ok` at sign-in
    from planner.auth import Actor

ISSUER = "pusleplan"
STEP = 30  # seconds per code
WINDOW = 1  # steps accepted either side of now


def _user(actor: Actor, session: Session) -> User:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise InputError("user", "only an account can have two-factor sign-in")
    return user


def code_ok(user: User, code: str) -> bool:
    """Is `code` a current, unused one-time code of `user`'s secret? Marks its time step used."""
    if not user.totp_secret or not code.strip().isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret, interval=STEP)
    now = totp.timecode(dt.datetime.now())
    for step in range(now - WINDOW, now + WINDOW + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue  # used already (or older than a used one): no replay
        if pyotp.utils.strings_equal(totp.generate_otp(step), code.strip()):
            user.totp_last_step = step
            return True
    return False


def begin(actor: Actor, *, session: Session) -> dict[str, str]:
    """A new secret for the actor's account, not yet asked at sign-in; the URI for the app (a QR code of
    it, or the secret typed in)."""
    user = _user(actor, session)
    if user.totp_enabled:
        raise Conflict(N_("two-factor sign-in is on already: turn it off first to make a new key"))
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    session.add(user)
    session.commit()
    uri = pyotp.TOTP(user.totp_secret, interval=STEP).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return {"secret": user.totp_secret, "uri": uri}


def confirm(actor: Actor, code: str, *, session: Session) -> User:
    """Turn two-factor sign-in on with a code from the app (proving it holds the secret)."""
    user = _user(actor, session)
    if not user.totp_secret:
        raise Conflict(N_("start by making a key (POST /me/two-factor)"))
    if not code_ok(user, code):
        raise InputError("code", N_("the code does not match: check the app's clock and try the newest code"))
    user.totp_enabled = True
    session.add(user)
    session.add(AuditEntry(who=user.username, team_id=actor.team_id, action="two-factor sign-in on"))
    session.commit()
    return user


def turn_off(actor: Actor, code: str, *, session: Session) -> User:
    """Turn two-factor sign-in off; a current code proves it is the account holder."""
    user = _user(actor, session)
    if not user.totp_enabled:
        raise Conflict(N_("two-factor sign-in is not on"))
    if not code_ok(user, code):
        raise InputError("code", N_("the code does not match: check the app's clock and try the newest code"))
    user.totp_enabled, user.totp_secret, user.totp_last_step = False, None, None
    session.add(user)
    session.add(AuditEntry(who=user.username, team_id=actor.team_id, action="two-factor sign-in off"))
    session.commit()
    return user
