"""Passwords in everyday use (issue 15): a person changes their own (with the one in use, under the
policy; their other sign-ins end, this one goes on), and the planner gives a staff member who lost theirs
a one-time password, shown once, which must be replaced at the next sign-in before anything else."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from planner.auth import verify_password
from planner.models import User
from service.helpers import PASSWORD, World, login, ok

NEW = "blå kaffekop ved vinduet"


def _user_id(world: World, username: str) -> int:
    users = ok(world.get("planner", f"/teams/{world.team}/users"))
    return next(u["id"] for u in users if u["username"] == username)


def _change(world: World, headers: dict[str, str], current: str, new: str) -> Any:
    body = {"current_password": current, "new_password": new}
    return world.client.post("/me/password", json=body, headers=headers)


def test_changing_ones_own_password_ends_the_other_sign_ins_and_keeps_this_one(world: World) -> None:
    phone = world.headers["mette"]
    office = login(world.client, "mette")
    assert _change(world, phone, PASSWORD, NEW).status_code == 204
    assert ok(world.client.get("/me", headers=phone))["username"] == "mette"  # this sign-in goes on
    assert world.client.get("/me", headers=office).status_code == 401  # the other one ended
    assert world.client.post("/token", data={"username": "mette", "password": PASSWORD}).status_code == 401
    login(world.client, "mette", NEW)
    audit = ok(world.get("planner", f"/teams/{world.team}/audit"))
    assert any(a["action"] == "change own password" for a in audit)


def test_a_wrong_current_password_or_a_weak_new_one_is_refused_at_its_field(world: World) -> None:
    mette = world.headers["mette"]
    wrong = _change(world, mette, "not it at all 123", NEW)
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "current_password"]
    for weak, rule in (("kort", "password_too_short"), ("password1", "password_guessable")):
        refused = _change(world, mette, PASSWORD, weak)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "new_password"]
        assert refused.json()["detail"][0]["type"] == rule
    # the person's own name (Mette, the team's name): refused by the service, naming the field
    own = _change(world, mette, PASSWORD, "Mette Mette Mette Mette")
    assert own.status_code == 422 and own.json()["detail"][0]["loc"] == ["body", "new_password"]
    same = _change(world, mette, PASSWORD, PASSWORD)
    assert same.status_code == 422
    login(world.client, "mette")  # nothing changed


def test_the_planners_reset_gives_a_one_time_password_that_must_be_replaced_first(world: World) -> None:
    mette = _user_id(world, "mette")
    old = world.headers["mette"]
    given = ok(world.post("planner", f"/users/{mette}/reset-password"))
    assert given["username"] == "mette" and len(given["password"]) >= 12
    assert world.client.get("/me", headers=old).status_code == 401  # her sign-ins ended
    signed_in = login(world.client, "mette", given["password"])
    me = ok(world.client.get("/me", headers=signed_in))
    assert me["must_change_password"] is True
    refused = world.client.get(f"/periods/{world.period}/wishes", headers=signed_in)
    assert refused.status_code == 403 and "one-time password" in refused.json()["detail"]
    assert _change(world, signed_in, given["password"], NEW).status_code == 204
    assert ok(world.client.get("/me", headers=signed_in))["must_change_password"] is False
    ok(world.client.get(f"/periods/{world.period}/wishes", headers=signed_in))
    users = ok(world.get("planner", f"/teams/{world.team}/users"))
    assert not next(u for u in users if u["username"] == "mette")["must_change_password"]


def test_only_the_teams_planner_resets_and_not_their_own_account(world: World) -> None:
    mette = _user_id(world, "mette")
    assert world.post("ali", f"/users/{mette}/reset-password").status_code == 403
    assert world.post("mette", f"/users/{mette}/reset-password").status_code == 403
    planner = _user_id(world, "planner")
    assert world.post("planner", f"/users/{planner}/reset-password").status_code == 409
    assert world.post("planner", "/users/999999/reset-password").status_code == 404
    login(world.client, "ali")  # untouched
    login(world.client, "mette")


def test_the_audit_trail_is_filtered_by_who_kind_and_date(world: World) -> None:
    mette = world.headers["mette"]
    assert _change(world, mette, PASSWORD, NEW).status_code == 204
    wish = {"staff_id": world.staff["ali"], "date": "2027-03-02", "kind": "avoid", "shift": "aften"}
    ok(world.post("ali", f"/periods/{world.period}/wishes", json=wish), 201)
    url = f"/teams/{world.team}/audit"
    only_mette = ok(world.get("planner", url, params={"who": "METTE"}))
    assert only_mette and {e["who"] for e in only_mette} == {"mette"}
    wishes = ok(world.get("planner", url, params={"action": "wish"}))
    assert wishes and all("wish" in e["action"] for e in wishes)
    assert any(e["who"] == "ali" for e in wishes) and not any(e["who"] == "mette" for e in wishes)
    everything = ok(world.get("planner", url))
    today = everything[0]["at"][:10]
    assert ok(world.get("planner", url, params={"since": today, "until": today})) == everything
    assert ok(world.get("planner", url, params={"until": "2000-01-01"})) == []
    bad = world.get("planner", url, params={"since": "i går"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "since"]
    assert world.get("mette", url).status_code == 403


def test_guessing_the_current_password_is_held_back_like_a_sign_in(world: World) -> None:
    """A borrowed session cannot try current passwords without limit: after 5 wrong ones the account
    is held back (429 with Retry-After), the right password too, and nothing changed."""
    mette = world.headers["mette"]
    for attempt in range(5):
        wrong = _change(world, mette, f"gæt nummer {attempt} her", NEW)
        assert wrong.status_code == 422, attempt
    held = _change(world, mette, PASSWORD, NEW)
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0
    # held back for signing in too (the same count), and the password did not change
    assert world.client.post("/token", data={"username": "mette", "password": PASSWORD}).status_code == 429
    with Session(world.engine) as session:
        user = session.exec(select(User).where(User.username == "mette")).one()
        assert verify_password(PASSWORD, user.password_hash)
