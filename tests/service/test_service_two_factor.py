"""Issue 17: optional two-factor sign-in for planners (TOTP, RFC 6238). The planner turns it on in two
steps (a key for the app, then a code from it); from then on the password alone signs in nobody, a wrong
or reused code is refused and audited, and turning it off needs a current code."""

from __future__ import annotations

import datetime as dt

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from planner.models import AuditEntry
from service.helpers import PASSWORD, World, ok


def _next_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30-s step (accepted: one step either side of now), unused so far."""
    return totp.at(dt.datetime.now() + dt.timedelta(seconds=30))


def _sign_in(client: TestClient, code: str | None = None) -> object:
    data = {"username": "planner", "password": PASSWORD} | ({"totp": code} if code else {})
    return client.post("/token", data=data)


def test_a_planner_turns_on_two_factor_sign_in(world: World) -> None:
    key = ok(world.post("planner", "/me/two-factor"))
    assert key["uri"].startswith("otpauth://totp/pusleplan:planner?secret=" + key["secret"])
    totp = pyotp.TOTP(key["secret"])
    assert ok(world.get("planner", "/me"))["two_factor"] is False  # not before it is confirmed
    ok(_sign_in(world.client))  # the password alone still works until then

    wrong = world.post("planner", "/me/two-factor/confirm", json={"code": "000000"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "code"]
    assert (
        ok(world.post("planner", "/me/two-factor/confirm", json={"code": totp.now()}))["two_factor"] is True
    )

    needed = _sign_in(world.client)
    assert needed.status_code == 401
    assert needed.json()["detail"] == "this account signs in with a one-time code too: send it as `totp`"
    assert _sign_in(world.client, "123456").status_code == 401
    fresh = _next_code(totp)  # the next step's code
    token = ok(_sign_in(world.client, fresh))["access_token"]
    assert world.client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert _sign_in(world.client, fresh).status_code == 401  # a code works once
    with Session(world.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert "two-factor sign-in on" in actions and "sign-in failed: wrong one-time code" in actions


def test_turning_it_off_needs_a_current_code(world: World) -> None:
    key = ok(world.post("planner", "/me/two-factor"))
    totp = pyotp.TOTP(key["secret"])
    ok(world.post("planner", "/me/two-factor/confirm", json={"code": totp.now()}))
    again = world.post("planner", "/me/two-factor")
    assert again.status_code == 409  # no new key while it is on
    refused = world.post("planner", "/me/two-factor/off", json={"code": "999999"})
    assert refused.status_code == 422
    assert _sign_in(world.client).status_code == 401  # still on
    later = _next_code(totp)
    assert ok(world.post("planner", "/me/two-factor/off", json={"code": later}))["two_factor"] is False
    ok(_sign_in(world.client))


def test_the_sign_in_page_asks_for_the_code(world: World) -> None:
    key = ok(world.post("planner", "/me/two-factor"))
    totp = pyotp.TOTP(key["secret"])
    ok(world.post("planner", "/me/two-factor/confirm", json={"code": totp.now()}))
    browser = TestClient(world.client.app, follow_redirects=False)
    first = browser.post("/web/sign-in", data={"username": "planner", "password": PASSWORD})
    assert first.status_code == 401
    assert "Skriv også engangskoden fra din godkendelsesapp." in first.text and 'name="code"' in first.text
    later = _next_code(totp)
    done = browser.post("/web/sign-in", data={"username": "planner", "password": PASSWORD, "code": later})
    assert done.status_code == 303
