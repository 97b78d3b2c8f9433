"""Issue 16, the organisation of teams (on the test database: SQLite, or PostgreSQL with
`PUSLEPLAN_TEST_DATABASE_URL`): an administrator creates teams and planner accounts and sees every team's
status but no person's data; a planner may plan several teams and sees only those; the team's audit
trail says who was made its planner."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session

from planner import services
from planner.models import Period, SolveJob
from service.helpers import PASSWORD, World, login, ok, solve_period


def _admin(world: World) -> dict[str, str]:
    with Session(world.engine) as session:
        services.create_admin("admin", PASSWORD, session=session)
        session.commit()
    return login(world.client, "admin")


def _new_planner(world: World, admin: dict[str, str], username: str, teams: list[int]) -> dict[str, Any]:
    """A planner account made by the administrator, signed in with its own password chosen."""
    made = ok(
        world.client.post(
            "/organisation/planners", json={"username": username, "teams": teams}, headers=admin
        ),
        201,
    )
    first = login(world.client, username, made["password"])
    assert world.client.get("/teams", headers=first).status_code == 403  # its own password first
    change = {"current_password": made["password"], "new_password": PASSWORD}
    assert world.client.post("/me/password", json=change, headers=first).status_code == 204
    return {**made, "headers": first}


def test_the_administrator_sees_every_teams_status(world: World) -> None:
    admin = _admin(world)
    rota = solve_period(world, publish=True)
    team_b = ok(world.client.post("/teams", json={"name": "Hjemmeplejen Tørring"}, headers=admin), 201)["id"]
    deadline = dt.datetime(2027, 3, 20, 12, tzinfo=dt.UTC)
    with Session(world.engine) as session:  # a period of B with solves waiting and running
        period = Period(
            team_id=team_b, start=dt.date(2027, 3, 29), days=14, state="closed", deadline=deadline
        )
        session.add(period)
        session.flush()
        assert period.id is not None
        for state in ("queued", "queued", "running", "stopping", "done"):
            session.add(SolveJob(period_id=period.id, state=state, time_limit=10, workers=1, seed=0))
        # Over and published: history, left out; over but never published: still shown.
        session.add(Period(team_id=team_b, start=dt.date(2024, 1, 1), days=56, state="published"))
        session.add(Period(team_id=team_b, start=dt.date(2024, 3, 1), days=56, state="closed"))
        session.commit()

    status = ok(world.client.get("/organisation/status", headers=admin))
    a, b = status
    assert (a["id"], a["name"], a["planners"], a["staff"]) == (world.team, "Uldum", ["planner"], 3)
    assert [(p["id"], p["state"]) for p in a["periods"]] == [(world.period, "published")]  # not over yet
    assert a["latest_published"]["rota_id"] == rota["id"] and a["latest_published"]["published_at"]
    assert (a["solves_queued"], a["solves_running"]) == (0, 0)
    assert (b["name"], b["planners"], b["staff"], b["latest_published"]) == (
        "Hjemmeplejen Tørring",
        [],
        0,
        None,
    )
    shown = [(p["start"], p["state"], (p["deadline"] or "")[:16]) for p in b["periods"]]
    assert shown == [("2024-03-01", "closed", ""), ("2027-03-29", "closed", "2027-03-20T12:00")]
    assert (b["solves_queued"], b["solves_running"]) == (2, 2)  # stopping counts as running

    # No person's data in the overview, and none behind it.
    assert "Mette" not in str(status) and "mette" not in str(status)
    mette = world.staff["mette"]
    for url in (
        f"/teams/{world.team}/staff",
        f"/staff/{mette}",
        f"/staff/{mette}/personal-data",
        f"/periods/{world.period}/wishes",
        f"/rotas/{rota['id']}",
        f"/teams/{world.team}/audit",
    ):
        assert world.client.get(url, headers=admin).status_code in (403, 404), url
    assert [t["id"] for t in ok(world.client.get("/teams", headers=admin))] == [world.team, team_b]


@pytest.mark.parametrize("who", ["planner", "mette"])
def test_only_the_administrator_sees_the_organisation(world: World, who: str) -> None:
    _admin(world)
    assert world.get(who, "/organisation/status").status_code == 403
    assert world.get(who, "/organisation/planners").status_code == 403
    body = {"username": "hanne", "teams": [world.team]}
    assert world.post(who, "/organisation/planners", json=body).status_code == 403
    assert world.client.get("/organisation/status").status_code == 401


def test_a_planner_of_two_teams_plans_both_and_sees_no_third(world: World) -> None:
    admin = _admin(world)
    team_b = ok(world.client.post("/teams", json={"name": "Tørring"}, headers=admin), 201)["id"]
    team_c = ok(world.client.post("/teams", json={"name": "Juelsminde"}, headers=admin), 201)["id"]
    hanne = _new_planner(world, admin, "Hanne", [team_b, world.team])
    assert hanne["username"] == "hanne" and hanne["teams"] == sorted([world.team, team_b])
    me = ok(world.client.get("/me", headers=hanne["headers"]))
    assert (me["role"], me["teams"], me["team_id"]) == ("planner", [world.team, team_b], world.team)
    assert [t["id"] for t in ok(world.client.get("/teams", headers=hanne["headers"]))] == [world.team, team_b]
    assert len(ok(world.client.get(f"/teams/{world.team}/staff", headers=hanne["headers"]))) == 3
    shift = {"code": "dag", "start": "07:00", "minutes": 480}
    ok(world.client.post(f"/teams/{team_b}/shift-types", json=shift, headers=hanne["headers"]), 201)
    # Another team's ids are unknown to her (404, as for any team one is not in).
    assert world.client.get(f"/teams/{team_c}/staff", headers=hanne["headers"]).status_code == 404
    # Team A's own planner still sees only A; A's account list shows Hanne with both her teams.
    assert world.get("planner", f"/teams/{team_b}/staff").status_code == 404
    users = ok(world.get("planner", f"/teams/{world.team}/users"))
    assert {u["username"]: u["teams"] for u in users if u["role"] == "planner"} == {
        "planner": [world.team],
        "hanne": [world.team, team_b],
    }
    # Taken off team A: her next request there is refused; B goes on.
    ok(
        world.client.put(
            f"/organisation/planners/{hanne['id']}/teams", json={"teams": [team_b]}, headers=admin
        )
    )
    assert world.client.get(f"/teams/{world.team}/staff", headers=hanne["headers"]).status_code == 404
    assert world.client.get(f"/teams/{team_b}/shift-types", headers=hanne["headers"]).status_code == 200
    audit = ok(world.get("planner", f"/teams/{world.team}/audit"))
    said = [(e["who"], e["action"], e["target"]) for e in audit]
    assert ("admin", "remove planner", "hanne") in said and ("admin", "create account", "hanne") in said


def test_an_administrator_who_makes_themself_planner_sees_the_team_and_the_team_sees_it(world: World) -> None:
    admin = _admin(world)
    assert world.client.get(f"/teams/{world.team}/staff", headers=admin).status_code == 403
    accounts = ok(world.client.get("/organisation/planners", headers=admin))
    me = next(a for a in accounts if a["username"] == "admin")
    assert me["role"] == "admin" and me["teams"] == []
    ok(
        world.client.put(
            f"/organisation/planners/{me['id']}/teams", json={"teams": [world.team]}, headers=admin
        )
    )
    assert len(ok(world.client.get(f"/teams/{world.team}/staff", headers=admin))) == 3
    audit = ok(world.get("planner", f"/teams/{world.team}/audit"))
    assert any((e["who"], e["action"], e["target"]) == ("admin", "add planner", "admin") for e in audit)


def test_who_may_create_a_team(world: World) -> None:
    admin = _admin(world)
    assert world.post("mette", "/teams", json={"name": "Mit eget"}).status_code == 403
    refused = world.post("planner", "/teams", json={"name": "Et til"})
    assert refused.status_code == 409 and "administrator" in refused.json()["detail"]
    made = ok(world.client.post("/teams", json={"name": "Hedensted"}, headers=admin), 201)
    assert made["name"] == "Hedensted"
    # Made by the administrator, planned by nobody yet: its set-up is not the administrator's to read.
    assert world.client.get(f"/teams/{made['id']}/rules", headers=admin).status_code == 403
    assert world.client.post("/teams", json={"name": ""}, headers=admin).status_code == 422


def test_a_new_planner_refused_for_an_unknown_team_or_a_taken_name(world: World) -> None:
    admin = _admin(world)
    unknown = world.client.post(
        "/organisation/planners", json={"username": "hanne", "teams": [world.team, 999]}, headers=admin
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-2:] == ["teams", 1]
    taken = world.client.post(
        "/organisation/planners", json={"username": "Mette", "teams": []}, headers=admin
    )
    assert taken.status_code == 409
    staff_user = ok(world.get("planner", f"/teams/{world.team}/users"))
    mette = next(u for u in staff_user if u["username"] == "mette")
    assert (
        world.client.put(
            f"/organisation/planners/{mette['id']}/teams", json={"teams": [world.team]}, headers=admin
        ).status_code
        == 404
    )
    assert (
        world.client.put("/organisation/planners/999/teams", json={"teams": []}, headers=admin).status_code
        == 404
    )


def test_the_administrator_manages_planner_accounts_not_staff_accounts(world: World) -> None:
    admin = _admin(world)
    users = {u["username"]: u["id"] for u in ok(world.get("planner", f"/teams/{world.team}/users"))}
    given = ok(world.client.post(f"/users/{users['planner']}/reset-password", headers=admin))
    assert given["username"] == "planner" and login(world.client, "planner", given["password"])
    assert world.client.post(f"/users/{users['mette']}/reset-password", headers=admin).status_code in (
        403,
        404,
    )
    assert world.client.post(f"/users/{users['mette']}/disable", headers=admin).status_code in (403, 404)
    # A planner of another team cannot touch team A's planner either.
    team_b = ok(world.client.post("/teams", json={"name": "Tørring"}, headers=admin), 201)["id"]
    torben = _new_planner(world, admin, "torben", [team_b])
    assert world.client.post(f"/users/{users['planner']}/disable", headers=torben["headers"]).status_code in (
        403,
        404,
    )


def test_a_planner_row_written_the_old_way_plans_its_team(world: World) -> None:
    """Code that still makes a planner with its own `team_id` (as before `team_planner`) gets a planner
    of that team; the administrator moving it to other teams moves it for good."""
    from planner.auth import hash_password
    from planner.models import User

    admin = _admin(world)
    with Session(world.engine) as session:
        session.add(
            User(username="gammel", role="planner", team_id=world.team, password_hash=hash_password(PASSWORD))
        )
        session.commit()
    old = login(world.client, "gammel")
    assert ok(world.client.get("/me", headers=old))["teams"] == [world.team]
    assert len(ok(world.client.get(f"/teams/{world.team}/staff", headers=old))) == 3
    status = ok(world.client.get("/organisation/status", headers=admin))
    assert status[0]["planners"] == ["gammel", "planner"]
    account = next(
        a for a in ok(world.client.get("/organisation/planners", headers=admin)) if a["username"] == "gammel"
    )
    assert account["teams"] == [world.team]
    team_b = ok(world.client.post("/teams", json={"name": "Tørring"}, headers=admin), 201)["id"]
    moved = ok(
        world.client.put(
            f"/organisation/planners/{account['id']}/teams", json={"teams": [team_b]}, headers=admin
        )
    )
    assert moved["teams"] == [team_b]
    assert world.client.get(f"/teams/{world.team}/staff", headers=old).status_code == 404
