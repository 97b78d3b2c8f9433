"""The e-mail outbox: sends the rows `planner.notifications.notify` (and a password reset) wrote, outside
any request, each at most once.

A row moves pending → sending → sent; each move is one conditional UPDATE (`planner/jobs.py`'s way), so
of two senders (two `serve` processes, a cron `pusleplan send-mail` beside the service) exactly one claims
a row, and a claimed row is never claimed again. A failed attempt puts the row back to pending with a
later `next_attempt_at` (`backoff`) and the error, until `MAX_ATTEMPTS`; then it is `failed`. A sender
that dies between claiming and recording leaves the row `sending`: it is not sent again (at most once —
a second copy of "your rota is published" is worse than none being recorded as lost; the row says so).

`OutboxWorker` is the thread the service starts: every `interval` seconds it sends the reminders that
are due (`services.remind_deadlines`) and the e-mails that are due. `run_once` is the same for one round
(`pusleplan send-mail`, cron, tests).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from planner import mail, reset_links
from planner.models import OutboxMail, utcnow
from planner.notifications import render
from planner.settings import Settings, settings
from planner.texts import N_, translator

log = logging.getLogger("pusleplan.outbox")
MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=6)
BATCH = 100
FOOTER = N_("You get this e-mail from pusleplan. Choose which e-mails you get on your account page: {link}")
ACCOUNT_PAGE = "/web/me/account"

# Values made only when a row is sent (a password link's secret: the database never holds it).
AT_SEND: dict[str, Callable[[Session, OutboxMail, Settings], dict[str, Any]]] = {
    "password_reset": reset_links.issue,
}


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 4, 16, 64 minutes, … at most 6 hours."""
    return min(FIRST_RETRY * 4 ** max(0, attempts - 1), LONGEST_WAIT)


@dataclass
class Round:
    """What one round did."""

    reminded: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _move(session: Session, row_id: int, from_state: str, **values: Any) -> bool:
    """One conditional state move; True when this caller made it."""
    result = session.execute(
        update(OutboxMail)
        .where(col(OutboxMail.id) == row_id, col(OutboxMail.state) == from_state)
        .values(**values)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def claim(session: Session, row_id: int, now: dt.datetime) -> bool:
    """Take a due pending row for sending (commit follows); False when another sender has it."""
    result = session.execute(
        update(OutboxMail)
        .where(
            col(OutboxMail.id) == row_id,
            col(OutboxMail.state) == "pending",
            col(OutboxMail.next_attempt_at) <= now,
        )
        .values(state="sending", claimed_at=now, attempts=OutboxMail.attempts + 1)  # type: ignore[operator]
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def compose(session: Session, row: OutboxMail, configured: Settings) -> mail.EmailMessage:
    """The e-mail of a row in its reader's language: the kind's subject and body, the page it is about,
    and where to choose which e-mails come."""
    params = dict(row.params)
    if row.kind in AT_SEND:
        params.update(AT_SEND[row.kind](session, row, configured))
    text = render(row.kind, params, row.language)
    _ = translator(row.language)
    parts = [text.body]
    if text.link:
        parts.append(configured.base_url + text.link)
    if row.kind not in AT_SEND:
        parts.append("--\n" + _(FOOTER, link=configured.base_url + ACCOUNT_PAGE))
    body = "\n\n".join(parts) + "\n"
    return mail.message(
        configured, to=row.to_address, subject=text.subject, body=body, message_id=f"outbox-{row.id}"
    )


def send_due(
    engine: Engine,
    *,
    now: dt.datetime | None = None,
    configured: Settings | None = None,
    send: Callable[[Settings, mail.EmailMessage], None] = mail.send,
    report: Round | None = None,
) -> Round:
    """Send every due pending row once (oldest first, `BATCH` at most): claim, compose, send, record."""
    configured = configured or settings()
    report = report or Round()
    if not configured.mail_configured:
        return report
    now = now or utcnow()
    with Session(engine) as session:
        due = session.exec(
            select(OutboxMail.id)
            .where(col(OutboxMail.state) == "pending", col(OutboxMail.next_attempt_at) <= now)
            .order_by(col(OutboxMail.id))
            .limit(BATCH)
        ).all()
    for row_id in due:
        if row_id is not None:
            _send_one(engine, row_id, now, configured, send, report)
    return report


def _send_one(
    engine: Engine,
    row_id: int,
    now: dt.datetime,
    configured: Settings,
    send: Callable[[Settings, mail.EmailMessage], None],
    report: Round,
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        if not claim(session, row_id, now):
            session.rollback()
            return  # another sender has it (or it is no longer due)
        session.commit()
        row = session.get(OutboxMail, row_id)
        assert row is not None
        try:
            message = compose(session, row, configured)
            session.commit()  # what composing stored (a password link's hash) exists before it is sent
            send(configured, message)
        except Exception as exc:
            session.rollback()
            error = f"{type(exc).__name__}: {exc}"[:2000]
            report.errors.append(error)
            log.warning("e-mail %s (attempt %s) failed: %s", row_id, row.attempts, error)
            if row.attempts >= MAX_ATTEMPTS:
                _move(session, row_id, "sending", state="failed", last_error=error)
                report.failed += 1
            else:
                later = utcnow() + backoff(row.attempts)
                _move(session, row_id, "sending", state="pending", next_attempt_at=later, last_error=error)
                report.retrying += 1
            session.commit()
            return
        _move(session, row_id, "sending", state="sent", sent_at=utcnow(), last_error=None)
        session.commit()
        report.sent += 1


def run_once(engine: Engine, *, now: dt.datetime | None = None) -> Round:
    """One round: the deadline reminders that are due (in-app, and into the outbox), then the e-mails."""
    from planner import services  # the services use this package's neighbours; imported at use

    report = Round()
    with Session(engine) as session:
        report.reminded = services.remind_deadlines(session=session, now=now)
    return send_due(engine, now=now, report=report)


class OutboxWorker:
    """The service's sender: a daemon thread running `run_once` every `interval` seconds until `stop`."""

    def __init__(self, engine: Engine, *, interval: float = 30.0) -> None:
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="outbox")

    def start(self) -> OutboxWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                run_once(self.engine)
            except Exception:  # a round that failed (the database away) is tried again at the next
                log.exception("the outbox round failed")
            self._stop.wait(self.interval)
