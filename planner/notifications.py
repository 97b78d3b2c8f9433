"""Notifications: the registered kinds with their texts, and `notify`, which tells people of an event.

An event is told with `notify(session, user_ids=…, kind=…, params=…, key=…)` inside the transaction of
the use case that causes it (the caller commits): one in-app notification per person, and one e-mail in
the outbox (`planner.outbox` sends it later, outside the request) per person who wants this kind by
e-mail and has an address, when e-mail is configured (`planner.settings`). `key` names the event
(`rota-published:12`): a unique constraint on (key, person) makes a second report of the same event
tell nobody again, also when two transactions report it at once.

A kind is registered once (`register`) with its subject and body as catalogue texts (`N_`, worded in
Danish in `pusleplan.po`) whose `{name}` fields `params` fill, a link to the page it is about, and
whether it comes by e-mail unless the person says otherwise. Texts are said in the reader's language
when shown or sent (`render`): a param named `…_date` holds an ISO date, one named `…_at` an ISO time
stamp (UTC), both written as the reader's language writes them (Danish local time).
No FastAPI and no sending here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date, format_datetime, get_date_format, get_time_format
from sqlalchemy import false, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from planner.models import LOCAL_ZONE, Notification, OutboxMail, TeamPlanner, User, utcnow
from planner.settings import settings
from planner.texts import DEFAULT_LANGUAGE, N_, translator


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its texts (catalogue msgids with `{param}` fields), the page it links to
    (a path with `{param}` fields, or None), whether it comes by e-mail by default, and whether it is
    shown in the app (a password link is e-mail only)."""

    name: str
    label: str  # what the person's choices call it ("The rota is published")
    subject: str
    body: str
    link: str | None = None
    email_default: bool = True
    in_app: bool = True
    planner_link: str | None = None  # where a planner is sent instead (staff pages are not theirs)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (once; a second kind of the same name is a programming error)."""
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"notification kind {kind.name!r} is registered already")
    KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown notification kind {name!r}") from None


PERIOD_OPEN = register(
    Kind(
        "period_open",
        N_("A period is open for wishes"),
        N_("Enter your wishes for {period}"),
        N_(
            "The period {period} ({start_date} – {last_date}) is open for wishes. "
            "Enter your wishes in pusleplan."
        ),
        link="/web/me/periods/{period_id}",
    )
)
DEADLINE_48H = register(
    Kind(
        "deadline_48h",
        N_("Reminder: 2 days before the deadline for wishes"),
        N_("2 days left to enter your wishes for {period}"),
        N_(
            "The deadline for wishes for {period} is {deadline_at}, and you have not entered any wishes "
            "yet. Enter them in pusleplan before then."
        ),
        link="/web/me/periods/{period_id}",
    )
)
DEADLINE_24H = register(
    Kind(
        "deadline_24h",
        N_("Reminder: 1 day before the deadline for wishes"),
        N_("1 day left to enter your wishes for {period}"),
        N_(
            "The deadline for wishes for {period} is {deadline_at}, and you have not entered any wishes "
            "yet. Enter them in pusleplan before then."
        ),
        link="/web/me/periods/{period_id}",
    )
)
ROTA_PUBLISHED = register(
    Kind(
        "rota_published",
        N_("The rota is published"),
        N_("The rota for {period} is published"),
        N_("The rota for {period} ({start_date} – {last_date}) is published. See your shifts in pusleplan."),
        link="/web/me/periods/{period_id}/rota",
        planner_link="/web/rotas/{rota_id}",
    )
)
PASSWORD_RESET = register(
    Kind(
        "password_reset",
        N_("A link to choose a new password"),
        N_("Choose a new password for pusleplan"),
        N_(
            "Someone (hopefully you) asked for a new password for the account {username}. Open this link "
            "within an hour to choose one; it works once:\n\n{link}\n\nIf it was not you, do nothing: "
            "your password stays as it is."
        ),
        in_app=False,
    )
)


# ---- the texts in a reader's language ---------------------------------------------------------------


def _written(name: str, value: Any, lang: str) -> Any:
    """A param as the reader writes it: `…_date` an ISO date, `…_at` an ISO time stamp (UTC)."""
    if not isinstance(value, str):
        return value
    try:
        if name.endswith("_date"):
            return format_date(dt.date.fromisoformat(value), "long", locale=lang)
        if name.endswith("_at"):
            at = dt.datetime.fromisoformat(value)
            at = (at if at.utcoffset() is not None else at.replace(tzinfo=dt.UTC)).astimezone(LOCAL_ZONE)
            pattern = f"{get_date_format('long', lang).pattern} {get_time_format('short', lang).pattern}"
            return format_datetime(at, pattern, locale=lang)
    except ValueError:
        return value
    return value


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    link: str | None


def render(
    kind_name: str, params: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE, *, planner: bool = False
) -> Text:
    """A notification's subject, body and link in `lang` (`params` filled in; a text that names a param
    the event lacks says the text unfilled rather than fail: the list must always show). `planner`: the
    reader plans, and is linked to the planner's page where the kind has one."""
    kind = kind_named(kind_name)
    _ = translator(lang)
    values = {name: _written(name, value, lang) for name, value in params.items()}
    if not values.get("period") and "start_date" in values:  # a period without a name: its first day
        values["period"] = values["start_date"]

    def said(template: str) -> str:
        try:
            return _(template, **values)
        except (KeyError, IndexError, ValueError):
            return _(template)

    link = None
    target = kind.planner_link if planner and kind.planner_link else kind.link
    if target is not None:
        try:
            link = target.format(**params)
        except (KeyError, IndexError, ValueError):
            link = None
    return Text(said(kind.subject), said(kind.body), link)


# ---- telling people ---------------------------------------------------------------------------------


def wants_email(user: User, kind: Kind) -> bool:
    """The person's own choice for this kind, or the kind's default."""
    choice = (user.email_kinds or {}).get(kind.name)
    return kind.email_default if choice is None else bool(choice)


def _insert_ignoring_duplicates(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL, the databases the service runs on): a
    row whose (key, user) exists already is left out, also one a concurrent transaction has just written
    — the unique constraint decides, not a read before."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    table = model.__table__
    if dialect == "postgresql":
        session.execute(postgresql.insert(table).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        session.execute(sqlite.insert(table).on_conflict_do_nothing(), rows)
    else:
        raise NotImplementedError(f"notifications on {dialect}")


def _stored(value: Any) -> Any:
    """A param as the JSON column keeps it: a date as ISO text, a time stamp as ISO text in UTC."""
    if isinstance(value, dt.datetime):
        aware = value if value.utcoffset() is not None else value.replace(tzinfo=LOCAL_ZONE)
        return aware.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def notify(session: Session, *, user_ids: Iterable[int], kind: str, params: dict[str, Any], key: str) -> None:
    """Tell the people `user_ids` of one event of `kind` (`params` fill its texts: JSON values, and dates
    and time stamps, which are stored as ISO text — name them `…_date` and `…_at`). Adds, in the
    caller's transaction (the caller commits), an in-app notification per person and an outbox e-mail
    per person who wants this kind by e-mail and has an address (when e-mail is configured). Idempotent
    on (`key`, person): reporting an event twice tells nobody twice. A disabled account and an unknown
    id are left out."""
    registered = kind_named(kind)
    params = {name: _stored(value) for name, value in params.items()}
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return
    if len(key) > 200:
        raise ValueError(f"notification key too long ({len(key)} > 200 characters)")
    users = session.exec(select(User).where(col(User.id).in_(ids), col(User.disabled) == false())).all()
    now = utcnow()
    if registered.in_app:
        _insert_ignoring_duplicates(
            session,
            Notification,
            [
                {
                    "user_id": u.id,
                    "kind": kind,
                    "params": params,
                    "key": key,
                    "created_at": now,
                    "read_at": None,
                }
                for u in users
            ],
        )
    if not settings().mail_configured:
        return
    mails = [
        {
            "user_id": u.id,
            "kind": kind,
            "params": params,
            "key": key,
            "to_address": u.email,
            "language": u.language or DEFAULT_LANGUAGE,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for u in users
        if u.email and wants_email(u, registered)
    ]
    _insert_ignoring_duplicates(session, OutboxMail, mails)


def team_user_ids(session: Session, team_id: int, *, staff: bool = True, planners: bool = False) -> list[int]:
    """The accounts of a team that are told of its events: its staff, its planners, or both (enabled
    accounts only)."""
    found: set[int] = set()
    if staff:
        query = select(User.id).where(
            col(User.team_id) == team_id, col(User.role) == "staff", col(User.disabled) == false()
        )
        found |= {i for i in session.exec(query).all() if i is not None}
    if planners:
        members = select(TeamPlanner.user_id).where(TeamPlanner.team_id == team_id)
        query = select(User.id).where(
            or_(col(User.id).in_(members), col(User.team_id) == team_id),  # a row of the old way too
            col(User.role) == "planner",
            col(User.disabled) == false(),
        )
        found |= {i for i in session.exec(query).all() if i is not None}
    return sorted(found)


def period_params(period: Any) -> dict[str, Any]:
    """What the texts of a period's events say of it (`Period`: name, id, first and last day, deadline)."""
    params: dict[str, Any] = {
        "period": period.name,
        "period_id": period.id,
        "start_date": period.start.isoformat(),
        "last_date": period.last_day.isoformat(),
    }
    if period.deadline is not None:
        deadline = period.deadline if period.deadline.utcoffset() else period.deadline.replace(tzinfo=dt.UTC)
        params["deadline_at"] = deadline.astimezone(dt.UTC).isoformat()
    return params
