"""Password reset links ("Glemt adgangskode?"): made when the e-mail is sent, checked and used once.

The secret is 32 random bytes; the database keeps only its SHA-256 (`PasswordResetToken`), so neither
the outbox nor a copy of the database holds a usable link. A link works once and for `LIFETIME` from
when it was sent. No FastAPI here; `planner.services.accounts` asks for and redeems a reset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from planner.models import OutboxMail, PasswordResetToken, User, utcnow
from planner.settings import Settings

LIFETIME = dt.timedelta(hours=1)
PAGE = "/web/reset-password"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, row: OutboxMail, configured: Settings) -> dict[str, Any]:
    """A new link for the row's account (its hash stored in `session`; the caller commits before the
    e-mail goes): the values the e-mail's text needs."""
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordResetToken(token_hash=digest(token), user_id=row.user_id, expires_at=utcnow() + LIFETIME)
    )
    user = session.get(User, row.user_id)
    return {"link": f"{configured.base_url}{PAGE}?token={token}", "username": user.username if user else ""}


def _usable(session: Session, token: str, now: dt.datetime) -> PasswordResetToken | None:
    row = session.exec(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == digest(token))
    ).first()
    if row is None or row.used_at is not None:
        return None
    expires = row.expires_at if row.expires_at.utcoffset() else row.expires_at.replace(tzinfo=dt.UTC)
    return row if expires > now else None


def account_of(session: Session, token: str) -> User | None:
    """The enabled account a valid, unused, unexpired link belongs to, or None."""
    row = _usable(session, token, utcnow()) if token else None
    user = session.get(User, row.user_id) if row is not None else None
    return user if user is not None and not user.disabled else None


def use(session: Session, token: str) -> User | None:
    """Spend a link (one conditional UPDATE: of two requests with it, one wins) and every other unused
    link of its account; the account, or None when the link is not (or no longer) valid. Caller commits."""
    now = utcnow()
    row = _usable(session, token, now)
    if row is None:
        return None
    spent = session.execute(
        update(PasswordResetToken)
        .where(col(PasswordResetToken.id) == row.id, col(PasswordResetToken.used_at).is_(None))
        .values(used_at=now)
    )
    if int(spent.rowcount or 0) != 1:  # type: ignore[attr-defined]
        return None
    session.execute(
        update(PasswordResetToken)
        .where(col(PasswordResetToken.user_id) == row.user_id, col(PasswordResetToken.used_at).is_(None))
        .values(used_at=now)
    )
    user = session.get(User, row.user_id)
    return user if user is not None and not user.disabled else None
