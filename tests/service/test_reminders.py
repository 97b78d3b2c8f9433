"""The deadline reminders (issue 13): 48 h and 24 h before the deadline for wishes, to the staff who have
entered nothing yet, each once per person and period; the outbox worker thread and `pusleplan send-mail`
send what is due."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import outbox, services
from planner.cli import main
from planner.models import Notification, Period, User
from service.helpers import World, build_world, migrated, ok
from service.smtp import SmtpServer


def _deadline(world: World) -> dt.datetime:
    with Session(world.engine) as session:
        period = session.get(Period, world.period)
        assert period is not None and period.deadline is not None
        deadline = period.deadline
    return deadline if deadline.utcoffset() else deadline.replace(tzinfo=dt.UTC)


def _reminded(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(User.username, Notification.kind)
            .join(User, User.id == Notification.user_id)  # type: ignore[arg-type]
            .where(Notification.kind.in_(["deadline_48h", "deadline_24h"]))  # type: ignore[attr-defined]
        ).all()
    return sorted((str(name), str(kind)) for name, kind in rows)


def _remind(engine: Engine, now: dt.datetime) -> int:
    with Session(engine) as session:
        return services.remind_deadlines(session=session, now=now)


def _wish(world: World, who: str) -> None:
    body = {"staff_id": world.staff[who], "date": "2027-03-02", "kind": "avoid", "shift": "aften"}
    ok(world.post(who, f"/periods/{world.period}/wishes", json=body), 201)


def test_each_reminder_goes_once_to_those_who_have_entered_nothing(world: World) -> None:
    deadline = _deadline(world)
    _wish(world, "mette")
    assert _remind(world.engine, deadline - dt.timedelta(hours=50)) == 0  # not yet
    assert _remind(world.engine, deadline - dt.timedelta(hours=40)) == 2
    assert _reminded(world.engine) == [("ali", "deadline_48h"), ("sara", "deadline_48h")]
    assert _remind(world.engine, deadline - dt.timedelta(hours=30)) == 0  # each once
    _wish(world, "sara")
    assert _remind(world.engine, deadline - dt.timedelta(hours=20)) == 1
    assert _remind(world.engine, deadline - dt.timedelta(hours=2)) == 0
    assert _reminded(world.engine) == [
        ("ali", "deadline_24h"),
        ("ali", "deadline_48h"),
        ("sara", "deadline_48h"),
    ]
    assert _remind(world.engine, deadline + dt.timedelta(minutes=1)) == 0  # the deadline has passed
    told = world.client.get("/me/notifications", headers={**world.as_("ali"), "Accept-Language": "da"})
    subjects = [n["subject"] for n in ok(told)["items"]]
    assert subjects[0] == "1 dag til fristen for dine ønsker til uge 9"
    assert "du har ikke skrevet nogen ønsker endnu" in ok(told)["items"][0]["body"]


def test_a_period_opened_late_gets_only_the_24_hour_reminder_and_a_closed_one_none(world: World) -> None:
    deadline = _deadline(world)
    assert _remind(world.engine, deadline - dt.timedelta(hours=10)) == 3
    assert {kind for _, kind in _reminded(world.engine)} == {"deadline_24h"}
    ok(world.post("planner", f"/periods/{world.period}/close"))
    with Session(world.engine) as session:  # forget them, to see that a closed period reminds nobody
        for row in session.exec(select(Notification).where(Notification.kind == "deadline_24h")).all():
            session.delete(row)
        session.commit()
    assert _remind(world.engine, deadline - dt.timedelta(hours=10)) == 0


def test_send_mail_command_sends_what_is_due_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with migrated(tmp_path) as engine:
        for world in build_world(engine):
            ok(world.put("mette", "/me/contact", json={"email": "mette@example.dk"}))
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
        monkeypatch.setattr("planner.db._engine", None)
        try:
            assert main(["send-mail"]) == 0
            first = capsys.readouterr().out
            assert main(["send-mail"]) == 0
            second = capsys.readouterr().out
        finally:
            from planner import db

            db.get_engine().dispose()
            monkeypatch.setattr("planner.db._engine", None)
    # The world's deadline is in 24 h: Ali, Mette and Sara are reminded; Mette has an address.
    assert first.strip() == "reminded 3; e-mails sent 1, to be tried again 0, given up 0"
    assert second.strip() == "reminded 0; e-mails sent 0, to be tried again 0, given up 0"
    assert [(m.recipients, m.subject) for m in smtp_server.received] == [
        (["mette@example.dk"], "1 dag til fristen for dine ønsker til uge 9")
    ]


def test_the_services_worker_thread_reminds_and_sends(tmp_path: Path, smtp_server: SmtpServer) -> None:
    with migrated(tmp_path) as engine:
        for world in build_world(engine):
            ok(world.put("ali", "/me/contact", json={"email": "ali@example.dk"}))
        worker = outbox.OutboxWorker(engine, interval=0.2).start()
        try:
            waited = 0.0
            while not smtp_server.received and waited < 20:
                time.sleep(0.1)
                waited += 0.1
        finally:
            worker.stop()
        time.sleep(0.5)  # more rounds have passed: still one e-mail
    assert [m.recipients for m in smtp_server.received] == [["ali@example.dk"]]


def test_a_deleted_account_takes_its_notifications_along(world: World) -> None:
    users = {u["username"]: u["id"] for u in ok(world.get("planner", f"/teams/{world.team}/users"))}
    assert ok(world.get("sara", "/me/notifications"))["unread"] == 1
    assert world.delete("planner", f"/users/{users['sara']}").status_code == 204
    with Session(world.engine) as session:
        assert session.exec(select(Notification).where(Notification.user_id == users["sara"])).all() == []
