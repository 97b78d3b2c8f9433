"""Calendar subscriptions (issue 13, "calendars that stay current"): each account may have one secret
URL, `/calendar/{token}.ics`, that a phone's calendar subscribes to — a staff member's own shifts, or a
planner's whole team. The feed always serves the current published rota of each of the team's periods
(`Rota.state == "published"`; a version it superseded only tells which shifts to mark cancelled), built
by `planner.calendar.feed_calendar`.

Only the token's SHA-256 is stored, so the URL is shown once, when made; renewing makes a new token and
drops the old one (that URL answers 404 from then on), as does revoking. A disabled account's feed
answers 404 too.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete
from sqlmodel import Session, col, select

from planner import mapping
from planner.auth import Actor, require_planner
from planner.calendar import Version, feed_calendar
from planner.errors import Forbidden, NotFound
from planner.models import CalendarFeed, Period, Rota, Staff, Team, User, local
from planner.services._base import _commit, audit, get
from planner.texts import N_


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_of(*, session: Session, actor: Actor) -> CalendarFeed | None:
    """The actor's own subscription, if they made one (without its URL: only its hash is stored)."""
    if actor.user_id is None:
        return None
    return session.exec(select(CalendarFeed).where(CalendarFeed.user_id == actor.user_id)).first()


def renew_calendar_feed(*, session: Session, actor: Actor) -> tuple[CalendarFeed, str]:
    """A new secret token for the actor's subscription — their own shifts (staff), the team's (planner)
    — replacing the one they had, whose URL stops working. Returns the row and the token (shown once)."""
    if actor.user_id is None or actor.team_id is None:
        raise Forbidden(N_("only a team's planner or staff member has a calendar to subscribe to"))
    if actor.staff_id is None:
        require_planner(actor, actor.team_id)
    token = secrets.token_urlsafe(32)
    session.execute(delete(CalendarFeed).where(col(CalendarFeed.user_id) == actor.user_id))
    feed = CalendarFeed(
        token_hash=_digest(token), user_id=actor.user_id, team_id=actor.team_id, staff_id=actor.staff_id
    )
    session.add(feed)
    audit(session, actor, actor.team_id, "renew calendar feed", "team" if actor.staff_id is None else "own")
    _commit(session)
    session.refresh(feed)
    return feed, token


def revoke_calendar_feed(*, session: Session, actor: Actor) -> None:
    """Drop the actor's subscription: its URL answers 404 from now on (nothing to drop is fine)."""
    if actor.user_id is None:
        return
    gone = session.execute(delete(CalendarFeed).where(col(CalendarFeed.user_id) == actor.user_id))
    if gone.rowcount:  # type: ignore[attr-defined]
        audit(session, actor, actor.team_id, "revoke calendar feed")
    _commit(session)


def subscribed_calendar(token: str, *, session: Session, domain: str) -> tuple[str, bytes]:
    """The feed behind a secret token: (a file name, the iCalendar text). An unknown, renewed or revoked
    token, or one of a disabled account, is `NotFound` (and says no more)."""
    feed = session.exec(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token))).first()
    user = session.get(User, feed.user_id) if feed is not None else None
    if feed is None or user is None or user.disabled:
        raise NotFound("calendar", "")
    team = get(session, Team, feed.team_id, "team")
    person = session.get(Staff, feed.staff_id) if feed.staff_id is not None else None
    if feed.staff_id is not None and (person is None or person.team_id != feed.team_id):
        raise NotFound("calendar", "")
    periods = session.exec(
        select(Period).where(Period.team_id == feed.team_id).order_by(col(Period.start), col(Period.id))
    ).all()
    versions = []
    for period in periods:
        rotas = session.exec(
            select(Rota)
            .where(
                Rota.period_id == period.id,
                col(Rota.state).in_(("published", "superseded")),
                col(Rota.published_at).is_not(None),
            )
            .order_by(col(Rota.published_at), col(Rota.id))
        ).all()
        current = [r for r in rotas if r.state == "published"]
        if not current:
            continue  # nothing published (any more): nothing of this period in the feed
        ordered = [r for r in rotas if r.state != "published"] + current[-1:]
        versions.append(
            [
                Version(local(r.published_at), mapping.rota_problem(r), mapping.rota_assignments(r))  # type: ignore[arg-type]
                for r in ordered
            ]
        )
    name = f"Vagtplan {person.name or person.code}" if person is not None else f"Vagtplan {team.name}"
    body = feed_calendar(versions, staff=person.code if person else None, name=name, domain=domain)
    return (person.code if person else f"team-{team.id}"), body
