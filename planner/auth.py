"""Passwords, bearer tokens and who may do what.

Passwords are hashed with Argon2 (pwdlib). A bearer token is 32 random bytes; the database keeps only its
SHA-256, so a copy of the database gives no usable token. `Actor` is the signed-in user as the services
see it, and the `require_*` checks are the only place the role rules are written down.
No FastAPI here: `api.deps` turns the `Authorization` header into an `Actor`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pwdlib import PasswordHash
from sqlalchemy import delete, false
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from planner import two_factor
from planner.credentials import normal_username
from planner.errors import Forbidden, InputError, SecondFactorNeeded, TooManyAttempts, Unauthorized
from planner.models import ApiToken, AuditEntry, User, utcnow
from planner.texts import N_

TOKEN_LIFETIME = dt.timedelta(hours=12)
_hasher = PasswordHash.recommended()
# Verifying against this when the user does not exist keeps the answer time the same either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Actor:
    """Who is asking: a planner of `team_id`, or a staff member (`staff_id`) of `team_id`."""

    user_id: int | None
    username: str
    role: str
    team_id: int | None
    staff_id: int | None
    # Signed in with a one-time password: may only choose their own (`services.change_own_password`).
    must_change_password: bool = False

    @property
    def is_planner(self) -> bool:
        return self.role == "planner"

    @property
    def plans(self) -> bool:
        """A planner (of their own team), or the service itself (of every team)."""
        return self.role in ("planner", "system")

    def can_plan(self, team_id: int) -> bool:
        """May plan `team_id`: its planner, or the service itself."""
        return self.role == "system" or (self.is_planner and self.team_id == team_id)

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.role, user.team_id, user.staff_id, user.must_change_password)

    @classmethod
    def system(cls, team_id: int | None = None) -> Actor:
        """The service itself (demo set-up, solve jobs): a planner of every team."""
        return cls(None, "system", "system", team_id, None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def reset_password(username: str, *, session: Session) -> tuple[User, str]:
    """Give an account a new generated password and end its sign-ins (its tokens); returns the user and
    the password, for the caller to show once. An unknown user name is an `InputError` that lists the
    planner accounts (the one a lost password usually belongs to). Caller commits."""
    user = user_named(username, session=session)
    if user is None:
        planners = session.exec(
            select(User.username).where(User.role == "planner").order_by(User.username)
        ).all()
        known = f" (planner accounts: {', '.join(planners)})" if planners else " (there are no accounts yet)"
        raise InputError("USER", f"no account named {username!r}{known}")
    return user, give_one_time_password(user, session=session)


def give_one_time_password(user: User, *, session: Session) -> str:
    """A generated password for `user`, to be changed at their next sign-in; their sign-ins end. The
    password, for the caller to show once. Caller commits."""
    password = new_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.add(user)
    assert user.id is not None
    end_sign_ins(session, user.id)
    return password


def user_named(username: str, *, session: Session) -> User | None:
    """The account `username` names: compared trimmed and in lower case (`ANNE.S` is `anne.s`); an
    account stored before names were kept that way is still found by its exact name."""
    normal = normal_username(username)
    user = session.exec(select(User).where(User.username == normal)).first()
    if user is None and username != normal:
        user = session.exec(select(User).where(User.username == username)).first()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Failed sign-ins allowed in a moving window before sign-in waits: per user name (a guesser of one
# account), and per address, higher, since a care office's phones and PCs share one.
ACCOUNT_LIMIT = parse("5 per 5 minutes")
ADDRESS_LIMIT = parse("50 per 5 minutes")
# Asking for a password link by e-mail ("Glemt adgangskode?"), counted apart from sign-ins (asking must
# not lock anyone out of signing in): a few per account an hour, more from an office's shared address.
RESET_ACCOUNT_LIMIT = parse("3 per hour")
RESET_ADDRESS_LIMIT = parse("20 per hour")


def reset_throttle(storage: str = "memory://") -> SignInThrottle:
    """The throttle of password reset requests (its own counts, beside the sign-in's)."""
    return SignInThrottle(storage, RESET_ACCOUNT_LIMIT, RESET_ADDRESS_LIMIT, scope="reset:")


class SignInThrottle:
    """Counts failed sign-ins (the `limits` library, moving windows) per user name and per client
    address; while either is over its limit every attempt waits, the right password too. The counts
    live in `storage` (`memory://`: this process; `redis://…` shares them between processes)."""

    def __init__(
        self,
        storage: str = "memory://",
        account: RateLimitItem = ACCOUNT_LIMIT,
        address: RateLimitItem = ADDRESS_LIMIT,
        scope: str = "",
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage))
        # `scope` keeps another throttle's counts apart in a shared storage (the password reset's).
        self._limits = ((account, f"{scope}user"), (address, f"{scope}address"))

    def _keys(self, username: str, address: str | None) -> list[tuple[RateLimitItem, str]]:
        values = (username.strip().casefold(), address)
        return [
            (limit, f"{kind}:{value}")
            for (limit, kind), value in zip(self._limits, values, strict=True)
            if value
        ]

    def retry_after(self, username: str, address: str | None) -> int:
        """Seconds until an attempt may be tried (0: now)."""
        wait = 0.0
        for limit, key in self._keys(username, address):
            if not self._limiter.test(limit, key):
                reset = self._limiter.get_window_stats(limit, key).reset_time
                wait = max(wait, reset - time.time(), 1)
        return math.ceil(wait)

    def failed(self, username: str, address: str | None) -> None:
        for limit, key in self._keys(username, address):
            self._limiter.hit(limit, key)


def sign_in(
    username: str,
    password: str,
    *,
    session: Session,
    address: str | None = None,
    throttle: SignInThrottle | None = None,
    code: str | None = None,
) -> str:
    """A new bearer token for the user; `Unauthorized` for a wrong name or password, `TooManyAttempts`
    while `throttle` holds this name or `address` back. Every failure is in the audit log (with the
    team of the account it was meant for, where the name is known)."""
    user = user_named(username, session=session)
    wait = throttle.retry_after(username, address) if throttle else 0
    if wait:
        _audit_failure(session, username, user, address, "sign-in refused: too many failures")
        raise TooManyAttempts(wait)
    if user is None:
        _hasher.verify(password, _DUMMY_HASH)
    right = user is not None and verify_password(password, user.password_hash)
    if user is None or not right or user.disabled:
        if throttle:
            throttle.failed(username, address)
        # A disabled account gets the answer of a wrong password: nobody learns that it exists.
        what = "sign-in refused: account disabled" if right and user and user.disabled else "sign-in failed"
        _audit_failure(session, username, user, address, what)
        raise Unauthorized("wrong username or password")
    if user.totp_enabled:  # the second factor: a one-time code from the account's authenticator app
        if not code:
            raise SecondFactorNeeded("this account signs in with a one-time code too: send it as `totp`")
        if not two_factor.code_ok(user, code):
            if throttle:
                throttle.failed(username, address)
            _audit_failure(session, username, user, address, "sign-in failed: wrong one-time code")
            raise Unauthorized("wrong one-time code")
        session.add(user)  # the code's time step is now used
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(ApiToken(token_hash=_digest(token), user_id=user.id, expires_at=utcnow() + TOKEN_LIFETIME))
    session.commit()
    return token


def _audit_failure(
    session: Session, username: str, user: User | None, address: str | None, what: str
) -> None:
    """Record a failed sign-in at once (the request then fails): who was tried, from where."""
    session.rollback()
    team = user.team_id if user else None
    session.add(AuditEntry(who=username[:100], team_id=team, action=what, detail={"address": address}))
    session.commit()


def actor_for_token(token: str, *, session: Session) -> Actor:
    """The user a bearer token belongs to, or `Unauthorized`. One query for the columns an `Actor`
    needs (it runs on every request: no ORM objects)."""
    # sqlalchemy's own `select`: sqlmodel's typed one takes at most four columns.
    query = (
        sa_select(
            col(User.id),
            col(User.username),
            col(User.role),
            col(User.team_id),
            col(User.staff_id),
            col(User.must_change_password),
            col(ApiToken.expires_at),
        )
        .join(ApiToken, col(ApiToken.user_id) == col(User.id))
        .where(col(ApiToken.token_hash) == _digest(token), col(User.disabled) == false())
    )
    row = session.execute(query).first()
    if row is None or row.expires_at <= utcnow():
        raise Unauthorized("unknown or expired token")
    return Actor(row.id, row.username, row.role, row.team_id, row.staff_id, row.must_change_password)


# ---- the role rules ---------------------------------------------------------------------------------


def require_planner(actor: Actor, team_id: int) -> None:
    """Planners may do everything in their own team."""
    if not actor.can_plan(team_id):
        raise Forbidden(N_("only the team's planner may do this"))


def require_member(actor: Actor, team_id: int) -> None:
    """Anyone in the team (planner or staff) may read what the team shares."""
    if actor.role == "system":
        return
    if actor.team_id != team_id:
        raise Forbidden(N_("you are not a member of this team"))


def require_self_or_planner(actor: Actor, team_id: int, staff_id: int) -> None:
    """A staff member may act for themselves only; the planner for everyone in the team."""
    if actor.can_plan(team_id):
        return
    if actor.team_id != team_id or actor.staff_id != staff_id:
        raise Forbidden(N_("staff may only see and change their own wishes and picks"))


def end_sign_ins(session: Session, user_id: int, *, keep: str | None = None) -> int:
    """Revoke every token of an account (sign out everywhere, a new password, disabling, deleting) but
    `keep` (the token of the request that changes the password); the number revoked. Caller commits."""
    query = delete(ApiToken).where(col(ApiToken.user_id) == user_id)
    if keep is not None:
        query = query.where(col(ApiToken.token_hash) != _digest(keep))
    result = session.execute(query)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def sign_out_everywhere(actor: Actor, *, session: Session) -> int:
    """End every sign-in of the actor's account (a lost phone); the number ended."""
    assert actor.user_id is not None
    ended = end_sign_ins(session, actor.user_id)
    session.add(
        AuditEntry(
            who=actor.username, team_id=actor.team_id, action="sign out everywhere", detail={"tokens": ended}
        )
    )
    session.commit()
    return ended


def sign_out(token: str, *, session: Session) -> None:
    """Revoke one token (the web page's "sign out"); an unknown token is already as good as revoked."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is not None:
        session.delete(row)
        session.commit()


def csrf_token(token: str) -> str:
    """The CSRF token that belongs to a session token: an HMAC keyed by the (secret, HttpOnly) session
    token, so a page of another site can neither read nor compute it (OWASP's HMAC-based token pattern)."""
    return hmac.new(token.encode(), b"pusleplan-csrf", hashlib.sha256).hexdigest()


def csrf_matches(token: str, candidate: str) -> bool:
    return hmac.compare_digest(csrf_token(token), candidate)
