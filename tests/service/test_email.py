"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives when a period opens and a rota
is published, in Danish; retries after a failing server without a second copy; two senders at once send
each message once (SQLite file and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import outbox
from planner.models import OutboxMail
from service.helpers import World, build_world, migrated, ok, solve_period
from service.smtp import SENDER, SmtpServer


def _addresses(world: World) -> None:
    for who in ("mette", "ali", "planner"):
        ok(world.put(who, "/me/contact", json={"email": f"{who}@example.dk"}))
    # Sara keeps no address: she is told in the app only.


def _danish(world: World, who: str, url: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(world.client.get(url, headers={**world.as_(who), "Accept-Language": "da"}))
    return result


def _new_open_period(world: World, *, close_first: bool = True) -> int:
    """A second period, opened for wishes; the first is closed first (unless asked not to), so its
    deadline (in 24 h) sends no reminder in the test's round."""
    if close_first:
        ok(world.post("planner", f"/periods/{world.period}/close"))
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=10)).isoformat()
    body = {"name": "uge 14", "start": "2027-04-05", "days": 7, "deadline": deadline}
    period = ok(world.post("planner", f"/teams/{world.team}/periods", json=body), 201)["id"]
    ok(world.post("planner", f"/periods/{period}/open"))
    return int(period)


def test_a_period_opened_for_wishes_mails_each_staff_member_with_an_address_in_danish(
    world: World, smtp_server: SmtpServer
) -> None:
    _addresses(world)
    period = _new_open_period(world, close_first=False)
    assert smtp_server.received == []  # nothing is sent in the request
    outbox.run_once(world.engine)
    got = sorted((r.recipients[0], r.subject) for r in smtp_server.received)
    assert got == [  # not the planner; and the reminder of the first period, whose deadline is in 24 h
        ("ali@example.dk", "1 dag til fristen for dine ønsker til uge 9"),
        ("ali@example.dk", "Skriv dine ønsker til uge 14"),
        ("mette@example.dk", "1 dag til fristen for dine ønsker til uge 9"),
        ("mette@example.dk", "Skriv dine ønsker til uge 14"),
    ]
    mail = next(r for r in smtp_server.to("mette@example.dk") if "uge 14" in r.subject)
    assert mail.sender == SENDER and mail.message["From"] == SENDER
    assert mail.subject == "Skriv dine ønsker til uge 14"
    assert "Perioden uge 14 (5. april 2027 – 11. april 2027) er åben for ønsker." in mail.body
    assert f"http://pusleplan.test/web/me/periods/{period}" in mail.body
    assert "http://pusleplan.test/web/me/account" in mail.body  # where to choose which e-mails come
    outbox.run_once(world.engine)  # a second round sends nothing again
    assert len(smtp_server.received) == 4


def test_publishing_mails_staff_and_planner_and_respects_each_persons_choice(
    world: World, smtp_server: SmtpServer
) -> None:
    _addresses(world)
    ok(
        world.put(
            "ali", "/me/contact", json={"email": "ali@example.dk", "email_kinds": {"rota_published": False}}
        )
    )
    solve_period(world, publish=True)
    outbox.run_once(world.engine)
    subjects = {r.recipients[0]: r.subject for r in smtp_server.received}
    assert subjects == {
        "mette@example.dk": "Vagtplanen for uge 9 er offentliggjort",
        "planner@example.dk": "Vagtplanen for uge 9 er offentliggjort",
    }
    # Ali chose not to get it by e-mail, and is told in the app all the same.
    told = _danish(world, "ali", "/me/notifications")
    assert [n["subject"] for n in told["items"]][:1] == ["Vagtplanen for uge 9 er offentliggjort"]


def test_an_english_reader_gets_english(world: World, smtp_server: SmtpServer) -> None:
    ok(world.put("mette", "/me/contact", json={"email": "mette@example.dk", "language": "en"}))
    _new_open_period(world)
    outbox.run_once(world.engine)
    assert [r.subject for r in smtp_server.received] == ["Enter your wishes for uge 14"]


def test_a_failing_server_is_tried_again_later_and_the_mail_arrives_once(
    world: World, smtp_server: SmtpServer
) -> None:
    ok(world.put("mette", "/me/contact", json={"email": "mette@example.dk"}))
    _new_open_period(world)
    smtp_server.fail_next(2)
    first = outbox.run_once(world.engine)
    assert (first.sent, first.retrying) == (0, 1) and "451" in first.errors[0]
    with Session(world.engine) as session:
        row = session.exec(select(OutboxMail)).one()
        assert (row.state, row.attempts) == ("pending", 1) and "451" in (row.last_error or "")
    assert outbox.run_once(world.engine).sent == 0  # not due yet: it waits (backoff)
    later = dt.datetime.now(dt.UTC) + outbox.backoff(1) + dt.timedelta(seconds=1)
    assert outbox.send_due(world.engine, now=later).retrying == 1  # the server fails once more
    much_later = later + outbox.backoff(2) + dt.timedelta(seconds=1)
    assert outbox.send_due(world.engine, now=much_later).sent == 1
    assert outbox.send_due(world.engine, now=much_later + dt.timedelta(days=1)).sent == 0
    assert smtp_server.handler.refused == 2
    assert [r.recipients for r in smtp_server.received] == [["mette@example.dk"]]
    with Session(world.engine) as session:
        row = session.exec(select(OutboxMail)).one()
        assert (row.state, row.attempts, row.last_error) == ("sent", 3, None)


def test_after_the_last_attempt_the_mail_is_failed_with_its_error(
    world: World, smtp_server: SmtpServer
) -> None:
    ok(world.put("mette", "/me/contact", json={"email": "mette@example.dk"}))
    _new_open_period(world)
    smtp_server.fail_next(outbox.MAX_ATTEMPTS)
    now = dt.datetime.now(dt.UTC)
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.send_due(world.engine, now=now)
        now += outbox.LONGEST_WAIT + dt.timedelta(seconds=1)
    with Session(world.engine) as session:
        row = session.exec(select(OutboxMail)).one()
        assert (row.state, row.attempts) == ("failed", outbox.MAX_ATTEMPTS) and "451" in (
            row.last_error or ""
        )
    smtp_server.fail_next(0)
    assert outbox.send_due(world.engine, now=now + dt.timedelta(days=1)).sent == 0
    assert smtp_server.received == []


def test_without_mail_settings_the_round_sends_nothing_and_the_app_still_tells(world: World) -> None:
    period = _new_open_period(world)
    report = outbox.run_once(world.engine)
    assert report.sent == 0
    told = _danish(world, "mette", "/me/notifications")
    assert any(n["link"] == f"/web/me/periods/{period}" for n in told["items"])


def _two_senders_at_once(engine: Engine, smtp_server: SmtpServer) -> None:
    with Session(engine) as session:
        world_rows = [
            OutboxMail(
                user_id=1,
                kind="period_open",
                params={"period": f"p{i}"},
                key=f"k{i}",
                to_address=f"p{i}@example.dk",
            )
            for i in range(12)
        ]
        session.add_all(world_rows)
        session.commit()
    barrier = threading.Barrier(2)
    reports: list[outbox.Round] = []

    def sender() -> None:
        barrier.wait()
        reports.append(outbox.send_due(engine))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in reports) == 12 and all(not r.errors for r in reports)
    assert sorted(r.recipients[0] for r in smtp_server.received) == sorted(
        f"p{i}@example.dk" for i in range(12)
    )


def test_two_senders_at_once_send_each_mail_once(tmp_path: Path, smtp_server: SmtpServer) -> None:
    """On an SQLite file (or PostgreSQL with `PUSLEPLAN_TEST_DATABASE_URL`): two rounds at once."""
    with migrated(tmp_path) as engine:
        for _ in build_world(engine):  # an account (user 1, the planner) the rows belong to
            pass
        _two_senders_at_once(engine, smtp_server)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_server_that_cannot_do_the_configured_security_is_an_error_not_a_plain_text_send(
    world: World, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, security: str
) -> None:
    """The test server speaks plain SMTP only: a service configured for TLS must not fall back to it."""
    monkeypatch.setenv("PUSLEPLAN_SMTP_SECURITY", security)
    monkeypatch.setenv("PUSLEPLAN_SMTP_TIMEOUT", "5")
    ok(world.put("mette", "/me/contact", json={"email": "mette@example.dk"}))
    _new_open_period(world)
    report = outbox.run_once(world.engine)
    assert report.retrying == 1 and smtp_server.received == []
    assert ("SSL" if security == "ssl" else "STARTTLS") in report.errors[0]
