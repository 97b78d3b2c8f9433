"""Forgot password by e-mail (issue 15): "Glemt adgangskode?" on the sign-in page sends a link to the
account's address (read from a real SMTP server); the link sets a new password under the policy, works
once, ends the account's other sign-ins; the answer never tells whether a user name exists; requests
are throttled. Without e-mail the page says to ask the planner, as the sign-in page does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from service.helpers import PASSWORD, ok
from service.smtp import SmtpServer
from sqlmodel import Session, select

from planner import outbox
from planner.models import PasswordResetToken
from web.helpers import Web, text_of

NEW = "grøn cykel under træet"
ASK_PLANNER = "Spørg din planlægger: du får en engangsadgangskode"


def _link(smtp_server: SmtpServer, address: str) -> str:
    mails = [m for m in smtp_server.to(address) if m.subject == "Vælg en ny adgangskode til pusleplan"]
    assert len(mails) == 1, [m.subject for m in smtp_server.received]
    match = re.search(r"http://pusleplan\.test(/web/reset-password\?token=\S+)", mails[0].body)
    assert match, mails[0].body
    return match.group(1)


def _ask(client: TestClient, username: str) -> str:
    response = client.post("/web/forgot-password", data={"username": username})
    assert response.status_code == 200, response.text
    return text_of(response.text)


def test_a_link_by_email_sets_a_new_password_once(web: Web, smtp_server: SmtpServer) -> None:
    ok(web.world.put("mette", "/me/contact", json={"email": "mette@example.dk"}))
    phone = web.page("mette")  # signed in on her phone
    anonymous = TestClient(web.world.client.app, follow_redirects=False)
    sign_in = text_of(anonymous.get("/web/sign-in").text)
    assert "Glemt adgangskode?" in sign_in and ASK_PLANNER not in sign_in
    answer = _ask(anonymous, "Mette")
    assert "er et link til at vælge en ny adgangskode på vej" in answer
    assert _ask(anonymous, "ingen-saadan") == answer  # the same answer for a name that does not exist
    outbox.run_once(web.world.engine)
    link = _link(smtp_server, "mette@example.dk")
    with Session(web.world.engine) as session:  # only the hash of the link's secret is stored
        token = link.split("token=")[1]
        assert token not in str(session.exec(select(PasswordResetToken)).all())

    form = anonymous.get(link)
    assert form.status_code == 200 and "Til kontoen mette." in text_of(form.text)
    weak = anonymous.post(
        "/web/reset-password", data={"token": token, "new_password": "mette123", "repeated": "mette123"}
    )
    assert weak.status_code == 422 and "Må ikke indeholde brugernavnet." in text_of(weak.text)
    differ = anonymous.post(
        "/web/reset-password", data={"token": token, "new_password": NEW, "repeated": "x"}
    )
    assert differ.status_code == 422 and "de to nye adgangskoder er ikke ens" in text_of(differ.text)
    done = anonymous.post("/web/reset-password", data={"token": token, "new_password": NEW, "repeated": NEW})
    assert done.status_code == 303 and done.headers["location"] == "/web/sign-in?reset=1"
    assert "Din nye adgangskode er gemt." in text_of(anonymous.get("/web/sign-in?reset=1").text)

    assert phone.get("/web/me").status_code == 303  # her other sign-ins have ended
    assert anonymous.post("/web/sign-in", data={"username": "mette", "password": PASSWORD}).status_code == 401
    assert anonymous.post("/web/sign-in", data={"username": "mette", "password": NEW}).status_code == 303

    again = anonymous.post(
        "/web/reset-password", data={"token": token, "new_password": NEW + "x", "repeated": NEW + "x"}
    )
    assert again.status_code == 404 and "Linket virker ikke (længere)" in text_of(again.text)
    assert anonymous.get(link).status_code == 404


def test_an_expired_link_does_not_work(web: Web, smtp_server: SmtpServer) -> None:
    ok(web.world.put("ali", "/me/contact", json={"email": "ali@example.dk"}))
    client = TestClient(web.world.client.app, follow_redirects=False)
    _ask(client, "ali")
    outbox.run_once(web.world.engine)
    token = _link(smtp_server, "ali@example.dk").split("token=")[1]
    with Session(web.world.engine) as session:
        row = session.exec(select(PasswordResetToken)).one()
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.add(row)
        session.commit()
    response = ok(
        web.world.client.post("/password-reset/confirm", json={"token": token, "new_password": NEW}), 422
    )
    assert response["detail"][0]["loc"] == ["body", "token"]
    assert "it is more than an hour old" in response["detail"][0]["msg"]
    page = client.get(f"/web/reset-password?token={token}")
    assert page.status_code == 404 and "Linket virker ikke (længere)" in text_of(page.text)
    assert client.post("/web/sign-in", data={"username": "ali", "password": PASSWORD}).status_code == 303


def test_no_mail_for_an_account_without_address_or_a_disabled_one(web: Web, smtp_server: SmtpServer) -> None:
    world = web.world
    ok(world.put("ali", "/me/contact", json={"email": "ali@example.dk"}))
    users = {u["username"]: u["id"] for u in ok(world.get("planner", f"/teams/{world.team}/users"))}
    ok(world.post("planner", f"/users/{users['ali']}/disable"))
    client = TestClient(world.client.app, follow_redirects=False)
    assert _ask(client, "ali") == _ask(client, "sara")  # disabled; no address: the same answer
    outbox.run_once(world.engine)
    assert [m.subject for m in smtp_server.received if "adgangskode" in m.subject] == []


def test_asking_is_throttled(web: Web, smtp_server: SmtpServer) -> None:
    client = TestClient(web.world.client.app, follow_redirects=False)
    for _ in range(3):
        _ask(client, "sara")
    refused = client.post("/web/forgot-password", data={"username": "sara"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "For mange forespørgsler." in text_of(refused.text)
    assert web.world.client.post("/password-reset", json={"username": "sara"}).status_code == 429
    # Asking never locks anyone out of signing in.
    assert client.post("/web/sign-in", data={"username": "sara", "password": PASSWORD}).status_code == 303


def test_without_mail_the_pages_say_to_ask_the_planner(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUSLEPLAN_SMTP_HOST", raising=False)
    client = TestClient(web.world.client.app, follow_redirects=False)
    assert ASK_PLANNER in text_of(client.get("/web/sign-in").text)
    assert ASK_PLANNER in text_of(client.get("/web/forgot-password").text)
    assert ASK_PLANNER in text_of(client.post("/web/forgot-password", data={"username": "mette"}).text)
