"""The workflow of a period over HTTP: set up, open, wishes, close, solve, review, re-solve, publish."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from planner.db import make_engine
from planner.jobs import InlineQueue
from service.helpers import START, World, checked, ok


def day(i: int) -> str:
    return (START + dt.timedelta(days=i)).isoformat()


def test_health_and_docs(world: World) -> None:
    body = ok(world.client.get("/health"))
    assert body["status"] == "ok" and body["database"] == "ok" and body["version"]
    assert world.client.get("/docs").status_code == 200
    assert "/periods/{period_id}/solve" in ok(world.client.get("/openapi.json"))["paths"]


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-directory/pusleplan.db",  # cannot be opened
        "postgresql+psycopg://nobody@127.0.0.1:1/pusleplan?connect_timeout=5",  # nothing listens there
    ],
)
def test_health_is_503_without_the_database(url: str) -> None:
    engine = make_engine(url)
    try:
        with TestClient(create_app(engine, InlineQueue(engine))) as client:
            response = client.get("/health")
    finally:
        engine.dispose()
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "unavailable" and body["version"]
    assert body["database"] == "error: the database does not answer: OperationalError"


def test_happy_path(world: World) -> None:
    p, mette, ali = world.period, world.staff["mette"], world.staff["ali"]
    veto = ok(
        world.post("mette", f"/periods/{p}/wishes", json={"staff_id": mette, "date": day(2), "kind": "veto"}),
        201,
    )
    assert veto["version"] == 1 and veto["source"] == "own"
    want = {"staff_id": ali, "date": day(3), "kind": "want", "shift": "aften", "weight": 3}
    ok(world.post("ali", f"/periods/{p}/wishes", json=want), 201)
    slots = ok(world.get("sara", f"/periods/{p}/open-slots"))
    monday_day = next(s for s in slots if s["date"] == day(0) and s["shift"] == "dag")
    assert monday_day["need"] == 1 and monday_day["routes"][0]["free"]
    pick = {"staff_id": world.staff["sara"], "date": day(0), "shift": "dag", "route": "uldum-1"}
    ok(world.post("sara", f"/periods/{p}/self-picks", json=pick), 201)
    slots = ok(world.get("sara", f"/periods/{p}/open-slots"))
    monday_day = next(s for s in slots if s["date"] == day(0) and s["shift"] == "dag")
    assert monday_day["claimed"] == 1 and not monday_day["routes"][0]["free"]
    assert "claimed_by" not in monday_day["routes"][0]  # staff see that it is taken, not by whom

    ok(world.post("planner", f"/periods/{p}/close"))
    job = ok(
        world.post("planner", f"/periods/{p}/solve", json={"time_limit": 2, "workers": 1, "seed": 1}), 202
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    assert job["best_objective"] is not None and job["elapsed"] is not None
    assert ok(world.get("planner", f"/periods/{p}"))["state"] == "solved"

    rota = ok(world.get("planner", f"/rotas/{job['rota_id']}"))
    assert rota["state"] == "draft" and rota["status"] in ("OPTIMAL", "FEASIBLE")
    checked(world, rota["id"])
    cells = {(a["staff"], a["date"]): a for a in rota["assignments"]}
    assert ("mette", day(2)) not in cells  # the veto holds
    assert cells[("sara", day(0))]["route"] == "uldum-1"  # the self-pick is kept
    assert {f["staff"] for f in rota["fulfilment"]} >= {"ali", "mette"}

    # Staff do not see drafts.
    assert world.get("mette", f"/rotas/{rota['id']}").status_code == 404
    assert ok(world.get("mette", f"/periods/{p}/rotas")) == []

    # Lock one cell, clear another, re-solve from the draft: the edits hold and the rest stays.
    ali_cell = next(a for a in rota["assignments"] if a["staff"] == "ali")
    ok(world.put("planner", f"/rotas/{rota['id']}/cells/{ali}/{ali_cell['date']}", json={"action": "lock"}))
    ok(world.put("planner", f"/rotas/{rota['id']}/cells/{mette}/{day(4)}", json={"action": "clear"}))
    assert len(ok(world.get("planner", f"/periods/{p}/locks"))) == 2
    again = ok(
        world.post(
            "planner", f"/periods/{p}/solve", json={"time_limit": 2, "workers": 1, "from_rota": rota["id"]}
        ),
        202,
    )
    again = ok(world.get("planner", f"/solve-jobs/{again['id']}"))
    assert again["state"] == "done", again
    second = ok(world.get("planner", f"/rotas/{again['rota_id']}"))
    checked(world, second["id"])
    assert second["from_rota"] == rota["id"]
    cells2 = {(a["staff"], a["date"]): a for a in second["assignments"]}
    assert cells2[("ali", ali_cell["date"])]["shift"] == ali_cell["shift"]
    assert ("mette", day(4)) not in cells2
    diff = ok(world.get("planner", f"/rotas/{rota['id']}/compare/{second['id']}"))
    assert diff["changed_cells"] == len(diff["cells"])
    changed = {(c["staff"], c["date"]) for c in diff["cells"]}
    assert changed <= {k for k in set(cells) | set(cells2) if cells.get(k) != cells2.get(k)}

    # Both drafts are kept; publishing one makes it the staff's rota.
    assert len(ok(world.get("planner", f"/periods/{p}/rotas"))) == 2
    ok(world.post("planner", f"/rotas/{second['id']}/publish"))
    assert ok(world.get("planner", f"/periods/{p}"))["state"] == "published"
    published = ok(world.get("mette", f"/periods/{p}/rota"))
    assert published["id"] == second["id"]
    assert ok(world.get("planner", f"/rotas/{rota['id']}"))["state"] == "draft"

    audit = ok(world.get("planner", f"/teams/{world.team}/audit"))
    actions = {a["action"] for a in audit}
    assert {
        "create wish",
        "claim slot",
        "close period",
        "start solve",
        "lock cell",
        "publish rota",
    } <= actions
    assert any(a["who"] == "mette" for a in audit)


def test_standing_wish_applies_to_a_new_period(world: World) -> None:
    mette = world.staff["mette"]
    proposal = {"staff_id": mette, "kind": "avoid", "shift": "aften", "weekdays": [1], "note": "skolen"}
    sw = ok(world.post("mette", "/standing-wishes", json=proposal), 201)
    assert sw["approved"] is False
    ok(world.post("planner", f"/standing-wishes/{sw['id']}/approve"))
    period = ok(
        world.post("planner", f"/teams/{world.team}/periods", json={"start": "2027-03-08", "days": 14}), 201
    )
    ok(world.post("planner", f"/periods/{period['id']}/open"))
    wishes = ok(world.get("mette", f"/periods/{period['id']}/wishes"))
    assert [(w["date"], w["kind"], w["shift"], w["source"]) for w in wishes] == [
        ("2027-03-09", "avoid", "aften", "standing"),
        ("2027-03-16", "avoid", "aften", "standing"),
    ]
