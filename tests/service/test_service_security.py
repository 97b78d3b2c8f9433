"""Roles over HTTP: no token is 401; a staff member reaching for another person, or for planner work,
is 403 on every path."""

from __future__ import annotations

import datetime as dt

import pytest

from service.helpers import START, World, ok, solve_period


def test_sign_in(world: World) -> None:
    assert world.client.post("/token", data={"username": "mette", "password": "wrong"}).status_code == 401
    assert world.client.post("/token", data={"username": "nobody", "password": "x"}).status_code == 401
    me = ok(world.get("mette", "/me"))
    assert me == {
        "username": "mette",
        "role": "staff",
        "team_id": world.team,
        "staff_id": world.staff["mette"],
        "teams": [],
        "two_factor": False,
        "must_change_password": False,
    }
    planner = ok(world.get("planner", "/me"))
    assert (planner["role"], planner["team_id"], planner["teams"]) == ("planner", world.team, [world.team])


def test_no_token_or_a_bad_one_is_401(world: World) -> None:
    for url in (f"/periods/{world.period}/wishes", f"/teams/{world.team}/staff", "/me"):
        response = world.client.get(url)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert world.client.get(url, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    body = {"staff_id": world.staff["mette"], "date": START.isoformat(), "kind": "veto"}
    assert world.client.post(f"/periods/{world.period}/wishes", json=body).status_code == 401


def test_tokens_are_stored_hashed(world: World) -> None:
    from sqlmodel import Session, select

    from planner.models import ApiToken, User

    token = world.as_("mette")["Authorization"].removeprefix("Bearer ")
    with Session(world.engine) as session:
        stored = session.exec(select(ApiToken.token_hash)).all()
        hashes = session.exec(select(User.password_hash)).all()
    assert token not in stored and all(len(h) == 64 for h in stored)
    assert all(h.startswith("$argon2") for h in hashes)


def test_staff_cannot_touch_another_persons_wishes(world: World) -> None:
    p, mette, ali = world.period, world.staff["mette"], world.staff["ali"]
    wish = ok(
        world.post(
            "ali", f"/periods/{p}/wishes", json={"staff_id": ali, "date": START.isoformat(), "kind": "veto"}
        ),
        201,
    )
    pick = ok(
        world.post(
            "ali", f"/periods/{p}/self-picks", json={"staff_id": ali, "date": "2027-03-02", "shift": "aften"}
        ),
        201,
    )
    update = {"date": START.isoformat(), "kind": "veto", "version": 1}
    forbidden = [
        world.get("mette", f"/periods/{p}/wishes", params={"staff_id": ali}),
        world.get("mette", f"/wishes/{wish['id']}"),
        world.put("mette", f"/wishes/{wish['id']}", json=update),
        world.delete("mette", f"/wishes/{wish['id']}"),
        world.post(
            "mette", f"/periods/{p}/wishes", json={"staff_id": ali, "date": START.isoformat(), "kind": "veto"}
        ),
        world.get("mette", f"/periods/{p}/self-picks", params={"staff_id": ali}),
        world.post(
            "mette", f"/periods/{p}/self-picks", json={"staff_id": ali, "date": "2027-03-03", "shift": "dag"}
        ),
        world.delete("mette", f"/self-picks/{pick['id']}"),
        world.post("mette", "/standing-wishes", json={"staff_id": ali, "kind": "avoid"}),
    ]
    for response in forbidden:
        assert response.status_code == 403, (response.request.method, response.request.url, response.text)
    # Her own list shows none of Ali's.
    assert ok(world.get("mette", f"/periods/{p}/wishes")) == []
    assert ok(world.get("mette", f"/periods/{p}/self-picks")) == []
    # And nothing changed.
    assert ok(world.get("ali", f"/wishes/{wish['id']}"))["version"] == 1
    assert len(ok(world.get("planner", f"/periods/{p}/wishes", params={"staff_id": mette}))) == 0


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/teams", {"name": "x"}),
        ("post", "/teams/{team}/staff", {"code": "x"}),
        ("put", "/teams/{team}/rules", {}),
        ("post", "/teams/{team}/periods", {"start": "2027-05-03"}),
        ("post", "/periods/{period}/open", None),
        ("post", "/periods/{period}/close", None),
        ("post", "/periods/{period}/solve", {"time_limit": 1}),
        ("get", "/periods/{period}/solve-jobs", None),
        ("get", "/periods/{period}/submissions", None),
        ("get", "/teams/{team}/users", None),
        ("get", "/teams/{team}/audit", None),
        ("get", "/periods/{period}/locks", None),
    ],
)
def test_staff_cannot_do_planner_work(world: World, method: str, url: str, body: object) -> None:
    url = url.format(team=world.team, period=world.period)
    response = getattr(world, method)("mette", url, **({"json": body} if body is not None else {}))
    assert response.status_code == 403, response.text


def test_staff_calendar_is_their_own_and_drafts_are_hidden(world: World) -> None:
    rota = solve_period(world)
    mette = world.staff["mette"]
    assert world.get("ali", f"/periods/{world.period}/staff/{mette}/calendar.ics").status_code == 403
    for url in (f"/rotas/{rota['id']}", f"/rotas/{rota['id']}/export.csv"):
        assert world.get("ali", url).status_code == 404
    cell = rota["assignments"][0]
    edit = world.put("ali", f"/rotas/{rota['id']}/cells/{mette}/{cell['date']}", json={"action": "clear"})
    assert edit.status_code == 403
    assert world.post("ali", f"/rotas/{rota['id']}/publish").status_code == 403


def test_another_teams_ids_are_not_found_as_unknown_ids_are(world: World) -> None:
    """Issue 17 item 11: another team's planner gets what an unknown id gets — 404 with the same kind
    of message — so ids reveal nothing about other teams; and nothing of theirs changes."""
    from sqlmodel import Session

    from planner.auth import hash_password
    from planner.models import User
    from service.helpers import PASSWORD, login

    wish = ok(
        world.post(
            "mette",
            f"/periods/{world.period}/wishes",
            json={"staff_id": world.staff["mette"], "date": START.isoformat(), "kind": "veto"},
        ),
        201,
    )
    rota = solve_period(world)
    with Session(world.engine) as session:
        session.add(User(username="other", role="planner", password_hash=hash_password(PASSWORD)))
        session.commit()
    other = login(world.client, "other")
    ok(world.client.post("/teams", json={"name": "Hornsyld"}, headers=other), 201)
    unknown = 999_999
    for kind, url in (
        ("team", "/teams/{}/staff"),
        ("team", "/teams/{}/audit"),
        ("team", "/teams/{}/users"),
        ("team", "/teams/{}/rules"),
        ("period", "/periods/{}"),
        ("period", "/periods/{}/wishes"),
        ("period", "/periods/{}/submissions"),
        ("wish", "/wishes/{}"),
        ("rota", "/rotas/{}"),
        ("rota", "/rotas/{}/export.csv"),
    ):
        ids = {"team": world.team, "period": world.period, "wish": wish["id"], "rota": rota["id"]}
        theirs = world.client.get(url.format(ids[kind]), headers=other)
        nobodys = world.client.get(url.format(unknown), headers=other)
        assert theirs.status_code == nobodys.status_code == 404, (url, theirs.text, nobodys.text)
        assert theirs.json()["detail"] == nobodys.json()["detail"].replace(str(unknown), str(ids[kind]))
    when = dt.date(2027, 3, 2).isoformat()
    body = {"staff_id": world.staff["mette"], "date": when, "kind": "veto"}
    assert world.client.post(f"/periods/{world.period}/wishes", json=body, headers=other).status_code == 404
    assert world.client.delete(f"/wishes/{wish['id']}", headers=other).status_code == 404
    assert world.client.post(f"/rotas/{rota['id']}/publish", headers=other).status_code == 404
    assert ok(world.get("mette", f"/wishes/{wish['id']}"))["version"] == 1
