"""`notify()`: one in-app notification per person and one outbox e-mail per person who wants it by e-mail
and has an address; an event reported twice tells nobody twice (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from planner.auth import hash_password
from planner.models import Notification, OutboxMail, Team, User
from planner.notifications import KINDS, notify, render


def _people(engine: Engine) -> dict[str, int]:
    hashed = hash_password("x")
    with Session(engine) as session:
        team = Team(name="Uldum")
        session.add(team)
        session.flush()
        users = {
            "mette": User(
                username="mette",
                role="staff",
                team_id=team.id,
                password_hash=hashed,
                email="mette@example.dk",
            ),
            "ali": User(
                username="ali", role="staff", team_id=team.id, password_hash=hashed
            ),  # no address: in-app only
            "sara": User(
                username="sara",
                role="staff",
                team_id=team.id,
                password_hash=hashed,
                email="sara@example.dk",
                email_kinds={"rota_published": False},  # her own choice: not by e-mail
            ),
            "jonas": User(
                username="jonas",
                role="staff",
                team_id=team.id,
                password_hash=hashed,
                email="j@example.dk",
                disabled=True,
            ),
        }
        session.add_all(users.values())
        session.commit()
        return {name: u.id for name, u in users.items() if u.id is not None}


@pytest.fixture
def mail_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUSLEPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PUSLEPLAN_SMTP_FROM", "pusleplan@example.dk")


PARAMS = {"period": "uge 9", "period_id": 1, "start_date": "2027-03-01", "last_date": "2027-03-07"}


def test_one_notification_per_person_and_mail_for_who_wants_it(engine: Engine, mail_on: None) -> None:
    ids = _people(engine)
    for _ in range(2):  # the same event reported twice
        with Session(engine) as session:
            notify(
                session, user_ids=ids.values(), kind="rota_published", params=PARAMS, key="rota-published:1"
            )
            session.commit()
    with Session(engine) as session:
        told = session.exec(select(Notification)).all()
        mails = session.exec(select(OutboxMail)).all()
        names = {v: k for k, v in ids.items()}
        assert sorted(names[n.user_id] for n in told) == ["ali", "mette", "sara"]  # not the disabled one
        assert [(names[m.user_id], m.to_address, m.state) for m in mails] == [
            ("mette", "mette@example.dk", "pending")
        ]
        text = render(told[0].kind, told[0].params, "da")
    assert text.subject == "Vagtplanen for uge 9 er offentliggjort"
    assert "1. marts 2027" in text.body and text.link == "/web/me/periods/1/rota"


def test_a_new_event_of_the_same_kind_tells_again(engine: Engine, mail_on: None) -> None:
    ids = _people(engine)
    with Session(engine) as session:
        for key in ("rota-published:1", "rota-published:2"):
            notify(session, user_ids=[ids["mette"]], kind="rota_published", params=PARAMS, key=key)
        session.commit()
        assert len(session.exec(select(Notification)).all()) == 2
        assert len(session.exec(select(OutboxMail)).all()) == 2


def test_without_mail_settings_nothing_goes_to_the_outbox(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PUSLEPLAN_SMTP_HOST", raising=False)
    ids = _people(engine)
    with Session(engine) as session:
        notify(session, user_ids=ids.values(), kind="period_open", params=PARAMS, key="period-open:1")
        session.commit()
        assert len(session.exec(select(Notification)).all()) == 3
        assert session.exec(select(OutboxMail)).all() == []


def test_nothing_is_stored_when_the_callers_transaction_rolls_back(engine: Engine, mail_on: None) -> None:
    ids = _people(engine)
    with Session(engine) as session:
        notify(session, user_ids=ids.values(), kind="period_open", params=PARAMS, key="period-open:1")
        session.rollback()
        assert session.exec(select(Notification)).all() == []
        assert session.exec(select(OutboxMail)).all() == []


def test_an_unknown_kind_is_refused(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(ValueError, match="unknown notification kind"):
        notify(session, user_ids=[1], kind="no_such_kind", params={}, key="x")


def test_two_transactions_reporting_one_event_at_once_tell_each_person_once(
    engine: Engine, mail_on: None
) -> None:
    if engine.url.database in (None, "", ":memory:") and engine.dialect.name == "sqlite":
        pytest.skip("one in-memory connection: no two transactions at once")
    ids = _people(engine)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def report() -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                notify(session, user_ids=ids.values(), kind="period_open", params=PARAMS, key="period-open:7")
                session.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=report) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as session:
        assert len(session.exec(select(Notification)).all()) == 3
        assert len(session.exec(select(OutboxMail)).all()) == 2  # mette and sara (period_open by e-mail)


def test_every_kind_has_danish_texts() -> None:
    for kind in KINDS.values():
        text = render(kind.name, {}, "da")
        english = render(kind.name, {}, "en")
        assert text.subject != english.subject and text.body != english.body, kind.name
