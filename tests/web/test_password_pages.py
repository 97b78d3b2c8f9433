"""Passwords on the pages (issue 15): everyone changes their own from the menu; the planner gives a
staff member a one-time password on their sign-in page, and with it every page leads to choosing one's
own first. Danish throughout; the stored effect read back by signing in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from service.helpers import PASSWORD

from web.helpers import Web, text_of

NEW = "blå kaffekop ved vinduet"


def _message(html: str, name: str) -> str:
    match = re.search(rf'<small class="field-error" id="f-{name}-error">(.*?)</small>', html)
    assert match, f"no message at {name}"
    return match.group(1)


def _signs_in(web: Web, username: str, password: str) -> TestClient:
    client = TestClient(web.world.client.app, follow_redirects=False)
    response = client.post("/web/sign-in", data={"username": username, "password": password})
    assert response.status_code == 303, response.text
    return client


def test_a_person_changes_their_password_on_the_page(web: Web) -> None:
    page = web.get("mette", "/web/me/password")
    assert page.status_code == 200 and "Skift adgangskode" in text_of(page.text)
    form = {"current_password": "forkert kode 123", "new_password": NEW, "repeated": NEW}
    wrong = web.post("mette", "/web/me/password", form)
    assert wrong.status_code == 422
    assert _message(wrong.text, "current_password") == "det er ikke den adgangskode, du bruger nu"
    differ = web.post("mette", "/web/me/password", {**form, "current_password": PASSWORD, "repeated": "x"})
    assert (
        differ.status_code == 422
        and _message(differ.text, "repeated") == "de to nye adgangskoder er ikke ens"
    )
    weak = web.post(
        "mette",
        "/web/me/password",
        {**form, "current_password": PASSWORD, "new_password": "kort", "repeated": "kort"},
    )
    assert weak.status_code == 422 and "mindst 8 tegn" in _message(weak.text, "new_password")
    done = web.post("mette", "/web/me/password", {**form, "current_password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/web/me?saved=password"
    assert web.get("mette", "/web/me").status_code == 200  # this sign-in goes on
    _signs_in(web, "mette", NEW)


def test_a_one_time_password_from_the_planner_leads_to_choosing_ones_own(web: Web) -> None:
    mette = web.world.staff["mette"]
    assert web.get("mette", "/web/me").status_code == 200  # signed in on her phone
    account = web.get("planner", f"/web/team/staff/{mette}/account")
    assert "Giv en engangsadgangskode" in text_of(account.text)
    given = web.post("planner", f"/web/team/staff/{mette}/account/reset-password")
    assert given.status_code == 200 and "Engangsadgangskode" in text_of(given.text)
    password = re.search(r'<code id="new-password">(.*?)</code>', given.text)
    assert password
    ended = web.get("mette", "/web/me")  # her phone's session ended: to the sign-in page
    assert ended.status_code == 303 and ended.headers["location"].startswith("/web/sign-in")
    client = _signs_in(web, "mette", password.group(1))
    for url in ("/web/me", f"/web/me/periods/{web.world.period}", "/web/me/routes"):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["location"] == "/web/me/password", url
    page = client.get("/web/me/password")
    assert "Du er logget ind med en engangsadgangskode" in text_of(page.text)
    from api.web.common import SESSION_COOKIE
    from planner.auth import csrf_token

    csrf = csrf_token(client.cookies[SESSION_COOKIE])
    form = {"csrf": csrf, "current_password": password.group(1), "new_password": NEW, "repeated": NEW}
    assert client.post("/web/me/password", data=form).status_code == 303
    assert client.get("/web/me").status_code == 200


def test_the_sign_in_page_says_where_a_lost_password_is_mended(web: Web) -> None:
    page = TestClient(web.world.client.app).get("/web/sign-in")
    assert "Glemt din adgangskode? Spørg din planlægger" in text_of(page.text)


def test_too_many_wrong_current_passwords_are_said_in_danish(web: Web) -> None:
    form = {"current_password": "forkert kode 123", "new_password": NEW, "repeated": NEW}
    for _ in range(5):
        assert web.post("mette", "/web/me/password", form).status_code == 422
    held = web.post("mette", "/web/me/password", {**form, "current_password": PASSWORD})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0
    assert _message(held.text, "current_password").startswith("For mange forkerte forsøg")
