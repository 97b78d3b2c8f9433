"""Issue 17 item 3: access can be taken away. Signing out ends the token used; signing out everywhere ends
every token of the account; the planner can disable an account (its tokens end at once, sign-in is
refused with the same answer as a wrong password, so nobody learns the account exists) and enable it
again; a person who leaves is off-boarded with their account; a new password ends the old sign-ins."""

from __future__ import annotations

from sqlmodel import Session, select

from planner import auth
from planner.models import AuditEntry, User
from service.helpers import PASSWORD, START, World, login, ok


def _user_id(world: World, username: str) -> int:
    users = ok(world.get("planner", f"/teams/{world.team}/users"))
    return next(u["id"] for u in users if u["username"] == username)


def test_sign_out_ends_the_token_and_sign_out_everywhere_ends_them_all(world: World) -> None:
    phone, tablet = world.as_("mette"), login(world.client, "mette")
    assert world.client.get("/me", headers=tablet).status_code == 200
    assert world.client.post("/sign-out", headers=tablet).status_code == 204
    assert world.client.get("/me", headers=tablet).status_code == 401
    assert world.client.get("/me", headers=phone).status_code == 200  # the other sign-in goes on

    laptop = login(world.client, "mette")
    assert world.client.post("/sign-out-everywhere", headers=phone).status_code == 204
    for token in (phone, laptop):
        assert world.client.get("/me", headers=token).status_code == 401
    assert world.client.get("/me", headers=world.as_("ali")).status_code == 200  # a colleague is not hit
    login(world.client, "mette")  # the password still works


def test_the_planner_disables_and_enables_an_account(world: World) -> None:
    mette = _user_id(world, "mette")
    token = world.as_("mette")
    disabled = ok(world.post("planner", f"/users/{mette}/disable"))
    assert disabled["disabled"] is True
    assert world.client.get("/me", headers=token).status_code == 401
    refused = world.client.post("/token", data={"username": "mette", "password": PASSWORD})
    wrong = world.client.post("/token", data={"username": "mette", "password": "not her password"})
    assert refused.status_code == wrong.status_code == 401
    assert refused.json() == wrong.json()  # the same answer: nothing tells the account exists
    with Session(world.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert "disable account" in actions and "sign-in refused: account disabled" in actions

    assert ok(world.post("planner", f"/users/{mette}/enable"))["disabled"] is False
    login(world.client, "mette")


def test_who_may_disable_whom(world: World) -> None:
    mette, ali = _user_id(world, "mette"), _user_id(world, "ali")
    assert world.post("ali", f"/users/{mette}/disable").status_code == 403  # staff: nobody
    planner = _user_id(world, "planner")
    own = world.post("planner", f"/users/{planner}/disable")
    assert own.status_code == 409
    assert own.json()["detail"] == "you cannot disable your own account: another planner must"
    assert world.post("planner", "/users/999999/disable").status_code == 404
    with Session(world.engine) as session:  # another team's planner gets what an unknown id gets
        session.add(User(username="other", role="planner", password_hash=auth.hash_password(PASSWORD)))
        session.commit()
    other = login(world.client, "other")
    ok(world.client.post("/teams", json={"name": "Hornsyld"}, headers=other), 201)
    assert world.client.post(f"/users/{ali}/disable", headers=other).status_code == 404
    assert world.client.get("/me", headers=world.as_("ali")).status_code == 200


def test_a_person_who_leaves_is_off_boarded_with_their_account(world: World) -> None:
    body = {"code": "jonas", "name": "Jonas", "skills": ["sosu-assistent"]}
    jonas = ok(world.post("planner", f"/teams/{world.team}/staff", json=body), 201)["id"]
    account = {"username": "jonas", "role": "staff", "staff_id": jonas, "password": PASSWORD}
    ok(world.post("planner", f"/teams/{world.team}/users", json=account), 201)
    token = login(world.client, "jonas")
    assert world.client.delete(f"/staff/{jonas}", headers=world.as_("planner")).status_code == 204
    assert world.client.get("/me", headers=token).status_code == 401
    assert world.client.post("/token", data={"username": "jonas", "password": PASSWORD}).status_code == 401
    assert "jonas" not in [u["username"] for u in ok(world.get("planner", f"/teams/{world.team}/users"))]
    with Session(world.engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "delete staff")).one()
    assert entry.detail.get("account") == "jonas"
    # The user name is free again: when Jonas comes back, he gets a new person and a new account.
    again = ok(world.post("planner", f"/teams/{world.team}/staff", json=body), 201)["id"]
    account["staff_id"] = again
    ok(world.post("planner", f"/teams/{world.team}/users", json=account), 201)
    login(world.client, "jonas")


def test_a_person_still_in_use_is_refused_whole_and_disabled_instead(world: World) -> None:
    """Deleting a person whose wishes the team keeps is refused (409, saying what to do instead), and
    nothing of it is half done: the account and its sign-ins stay until the planner disables them."""
    mette = world.staff["mette"]
    wish = {"staff_id": mette, "date": START.isoformat(), "kind": "veto"}
    ok(world.post("mette", f"/periods/{world.period}/wishes", json=wish), 201)
    token = world.as_("mette")
    refused = world.delete("planner", f"/staff/{mette}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"staff {mette} is still used (wishes, picks, agreements); it cannot be deleted — "
        "disable their account to end their access"
    )
    assert world.client.get("/me", headers=token).status_code == 200
    assert "mette" in [u["username"] for u in ok(world.get("planner", f"/teams/{world.team}/users"))]
    with Session(world.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert "delete staff" not in actions

    ok(world.post("planner", f"/users/{_user_id(world, 'mette')}/disable"))
    assert world.client.get("/me", headers=token).status_code == 401


def test_deleting_an_account_ends_its_sign_ins_and_frees_the_name(world: World) -> None:
    sara = _user_id(world, "sara")
    token = world.as_("sara")
    assert world.client.delete(f"/users/{sara}", headers=world.as_("planner")).status_code == 204
    assert world.client.get("/me", headers=token).status_code == 401
    account = {"username": "sara", "role": "staff", "staff_id": world.staff["sara"], "password": PASSWORD}
    ok(world.post("planner", f"/teams/{world.team}/users", json=account), 201)  # a new start


def test_a_new_password_ends_the_old_sign_ins(world: World) -> None:
    token = world.as_("mette")
    with Session(world.engine) as session:
        _, password = auth.reset_password("mette", session=session)
        session.commit()
    assert world.client.get("/me", headers=token).status_code == 401
    login(world.client, "mette", password)
