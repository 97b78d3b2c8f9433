"""A person's notifications (their own only: newest first, unread count, mark read) and their contact
settings: e-mail address, language, and which kinds come by e-mail. The planner sets the address of an
account of their team (people without a computer of their own often give it to the planner)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func, update
from sqlmodel import Session, SQLModel, col, select

from planner.auth import Actor, require_planner
from planner.errors import InputError, NotFound
from planner.models import Notification, User, utcnow
from planner.notifications import KINDS, wants_email
from planner.services._base import _commit, audit, get
from planner.texts import N_

LANGUAGES = ("da", "en")
# An address a mail server can take: something@domain.tld, no spaces (what the SMTP server says of it
# beyond that shows in the outbox's error).
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
EMAIL_INVALID = N_("Write an e-mail address, e.g. name@example.dk.")


def email_address(value: Any) -> str | None:
    """An e-mail field: empty is none; otherwise a plausible address, stored trimmed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or len(value.strip()) > 254 or not _EMAIL.match(value.strip()):
        raise PydanticCustomError("email_invalid", EMAIL_INVALID)
    return value.strip()


class ContactSettings(SQLModel):
    """Where and how a person is told: e-mail address (empty: none, in-app only), language of texts and
    e-mails, and per kind whether it comes by e-mail too (a kind left out keeps its current choice)."""

    email: str | None = Field(default=None, max_length=254, description="Empty or null: no e-mail.")
    language: str = Field(default="da", description="`da` (Danish) or `en` (English).")
    email_kinds: dict[str, bool] = Field(default_factory=dict)

    _check_email = field_validator("email", mode="before")(email_address)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value


class EmailAddress(SQLModel):
    email: str | None = Field(default=None, max_length=254, description="Empty or null: no e-mail.")

    _check_email = field_validator("email", mode="before")(email_address)


def choosable_kinds() -> list[str]:
    """The kinds a person may choose to get by e-mail (a password link always comes: it was asked for)."""
    return [name for name, kind in KINDS.items() if kind.in_app]


def _own_user(session: Session, actor: Actor) -> User:
    if actor.user_id is None:
        raise NotFound("user", None)
    return get(session, User, actor.user_id, "user")


def contact_settings(*, session: Session, actor: Actor) -> ContactSettings:
    """The signed-in person's own settings, every choosable kind with its current choice."""
    user = _own_user(session, actor)
    kinds = {name: wants_email(user, KINDS[name]) for name in choosable_kinds()}
    return ContactSettings(email=user.email, language=user.language, email_kinds=kinds)


def set_contact_settings(data: ContactSettings, *, session: Session, actor: Actor) -> ContactSettings:
    """Store the person's own settings; an unknown kind is a 422 naming it."""
    user = _own_user(session, actor)
    known = set(choosable_kinds())
    for name in data.email_kinds:
        if name not in known:
            raise InputError(f"email_kinds.{name}", N_("unknown kind of notification {kind!r}"), kind=name)
    user.email = data.email
    user.language = data.language
    user.email_kinds = {**(user.email_kinds or {}), **data.email_kinds}
    session.add(user)
    audit(session, actor, user.team_id, "change own contact settings", user.username, email=bool(data.email))
    _commit(session)
    return contact_settings(session=session, actor=actor)


def set_user_email(user_id: int, email: str | None, *, session: Session, actor: Actor) -> User:
    """The planner sets (or clears) the e-mail address of an account of their team."""
    user = get(session, User, user_id, "user", visible_to=actor)
    assert user.team_id is not None
    require_planner(actor, user.team_id)
    user.email = email
    session.add(user)
    audit(session, actor, user.team_id, "set e-mail address", user.username, email=bool(email))
    _commit(session)
    return user


# ---- the list ---------------------------------------------------------------------------------------


def _mine(actor: Actor) -> Any:
    return col(Notification.user_id) == (actor.user_id if actor.user_id is not None else -1)


def list_notifications(
    *, session: Session, actor: Actor, limit: int = 50, offset: int = 0, unread_only: bool = False
) -> Sequence[Notification]:
    """The person's own notifications, newest first."""
    query = select(Notification).where(_mine(actor))
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    query = query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
    return session.exec(query.offset(offset).limit(limit)).all()


def unread_count(*, session: Session, actor: Actor) -> int:
    """How many of the person's notifications are unread (the number in every page's menu)."""
    if actor.user_id is None:
        return 0
    query = (
        select(func.count())
        .select_from(Notification)
        .where(_mine(actor), col(Notification.read_at).is_(None))
    )
    return int(session.exec(query).one())


def mark_read(notification_id: int, *, session: Session, actor: Actor) -> None:
    """Mark one of the person's own notifications read (again: no change). Another person's is not
    found: nobody learns that it exists."""
    row = get(session, Notification, notification_id, "notification")
    if row.user_id != actor.user_id:
        raise NotFound("notification", notification_id)
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        _commit(session)


def mark_all_read(*, session: Session, actor: Actor) -> int:
    """Mark every unread notification of the person read; how many were."""
    result = session.execute(
        update(Notification).where(_mine(actor), col(Notification.read_at).is_(None)).values(read_at=utcnow())
    )
    _commit(session)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
