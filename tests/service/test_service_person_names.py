"""Refusals name the person as the team shows them: by name, and "name (staff code)" where two people of
the team share a name, never by a bare database id."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from planner.models import Staff
from planner.people import person_labels
from service.helpers import START, World, ok

DAY = START + dt.timedelta(days=2)


@pytest.fixture
def two_grethes(world: World) -> World:
    """The world with two people called Grethe Olsen (codes `grethe.o` and `grethe.k`)."""
    for code in ("grethe.o", "grethe.k"):
        body = {"code": code, "name": "Grethe Olsen", "skills": ["sosu-assistent"]}
        world.staff[code] = ok(world.post("planner", f"/teams/{world.team}/staff", json=body), 201)["id"]
    return world


def refused(world: World, url: str, body: dict[str, Any]) -> str:
    response = world.post("planner", url, json=body)
    assert response.status_code == 409, response.text
    return str(response.json()["detail"])


def veto(world: World, code: str, day: dt.date) -> dict[str, Any]:
    return {"staff_id": world.staff[code], "date": day.isoformat(), "kind": "veto"}


def claim(world: World, code: str, day: dt.date) -> dict[str, Any]:
    return {"staff_id": world.staff[code], "date": day.isoformat(), "shift": "aften"}


def test_the_veto_limit_names_which_grethe(two_grethes: World) -> None:
    world, url = two_grethes, f"/periods/{two_grethes.period}/wishes"
    for i in range(2):
        ok(world.post("planner", url, json=veto(world, "grethe.k", START + dt.timedelta(days=i))), 201)
    message = refused(world, url, veto(world, "grethe.k", DAY))
    assert "Grethe Olsen (grethe.k) has used all 2 veto days" in message
    assert f"staff {world.staff['grethe.k']}" not in message


def test_a_second_claim_on_a_day_names_which_grethe(two_grethes: World) -> None:
    world, url = two_grethes, f"/periods/{two_grethes.period}/self-picks"
    ok(world.post("planner", url, json=claim(world, "grethe.o", DAY)), 201)
    message = refused(world, url, {**claim(world, "grethe.o", DAY), "shift": "dag"})
    assert f"Grethe Olsen (grethe.o) has already claimed a slot on {DAY}" in message
    assert f"staff {world.staff['grethe.o']}" not in message


def test_a_claim_on_a_veto_day_names_which_grethe(two_grethes: World) -> None:
    world, period = two_grethes, two_grethes.period
    ok(world.post("planner", f"/periods/{period}/wishes", json=veto(world, "grethe.o", DAY)), 201)
    message = refused(world, f"/periods/{period}/self-picks", claim(world, "grethe.o", DAY))
    assert "Grethe Olsen (grethe.o)" in message
    assert f"staff {world.staff['grethe.o']}" not in message


def test_a_name_nobody_shares_stands_alone(world: World) -> None:
    url = f"/periods/{world.period}/self-picks"
    ok(world.post("planner", url, json=claim(world, "mette", DAY)), 201)
    message = refused(world, url, {**claim(world, "mette", DAY), "shift": "dag"})
    assert message.startswith(f"Mette has already claimed a slot on {DAY}")


def test_labels_follow_the_solver_rule() -> None:
    people = [
        Staff(id=1, team_id=1, code="grethe.o", name="Grethe Olsen"),
        Staff(id=2, team_id=1, code="grethe.k", name="Grethe Olsen"),
        Staff(id=3, team_id=1, code="ali", name="Ali"),
        Staff(id=4, team_id=1, code="bo", name=""),
    ]
    assert person_labels(people) == {
        1: "Grethe Olsen (grethe.o)",
        2: "Grethe Olsen (grethe.k)",
        3: "Ali",
        4: "bo",
    }


def test_a_pending_cell_change_names_which_grethe(two_grethes: World) -> None:
    """Publishing with a pending change names the person of the cell as the team shows them."""
    world = two_grethes
    ok(world.post("planner", f"/periods/{world.period}/close"))
    solve = {"time_limit": 2, "workers": 1}
    job = ok(world.post("planner", f"/periods/{world.period}/solve", json=solve), 202)
    rota_id = ok(world.get("planner", f"/solve-jobs/{job['id']}"))["rota_id"]
    rota = ok(world.get("planner", f"/rotas/{rota_id}"))
    worked = {a["date"] for a in rota["assignments"] if a["staff"] == "grethe.k"}
    days = [START + dt.timedelta(days=i) for i in range(7)]
    day = next(d for d in days if d.isoformat() not in worked).isoformat()
    grethe = world.staff["grethe.k"]
    ok(
        world.put(
            "planner", f"/rotas/{rota_id}/cells/{grethe}/{day}", json={"action": "change", "shift": "aften"}
        )
    )
    response = world.post("planner", f"/rotas/{rota_id}/publish")
    assert response.status_code == 409, response.text
    assert f"Grethe Olsen (grethe.k) {day}: off → aften" in response.json()["detail"]
