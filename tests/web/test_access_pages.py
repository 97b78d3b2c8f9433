"""Issue 17 item 3 on the pages: the planner disables and enables a staff member's sign-in from the
person's account page (in Danish), which ends the person's open sessions; anyone can sign out on every
device at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from service.helpers import PASSWORD

from web.helpers import Web, text_of


def test_the_planner_disables_and_enables_a_sign_in(web: Web) -> None:
    mette = web.world.staff["mette"]
    assert web.get("mette", "/web/me").status_code == 200  # Mette's phone is signed in
    page = web.get("planner", f"/web/team/staff/{mette}/account")
    assert "Spær login" in text_of(page.text)
    done = web.post("planner", f"/web/team/staff/{mette}/account/disable")
    assert done.status_code == 303
    after = text_of(web.get("planner", done.headers["location"]).text)
    assert "Login er spærret: Mette kan ikke logge ind." in after and "Genåbn login" in after
    phone = web.get("mette", "/web/me")
    assert phone.status_code == 303 and phone.headers["location"].startswith("/web/sign-in")
    browser = TestClient(web.world.client.app, follow_redirects=False)
    refused = browser.post("/web/sign-in", data={"username": "mette", "password": PASSWORD})
    assert refused.status_code != 303

    assert web.post("planner", f"/web/team/staff/{mette}/account/enable").status_code == 303
    again = browser.post("/web/sign-in", data={"username": "mette", "password": PASSWORD})
    assert again.status_code == 303


def test_sign_out_everywhere_ends_every_session(web: Web) -> None:
    phone = web.page("ali")
    pc = TestClient(web.world.client.app, follow_redirects=False)
    assert pc.post("/web/sign-in", data={"username": "ali", "password": PASSWORD}).status_code == 303
    api = web.world.as_("ali")
    assert "Log ud alle steder" in text_of(phone.get("/web/me").text)
    out = web.post("ali", "/web/sign-out-everywhere")
    assert out.status_code == 303 and out.headers["location"] == "/web/sign-in"
    for client in (phone, pc):
        assert client.get("/web/me").status_code == 303
    assert web.world.client.get("/me", headers=api).status_code == 401
    assert web.get("mette", "/web/me").status_code == 200  # a colleague goes on
