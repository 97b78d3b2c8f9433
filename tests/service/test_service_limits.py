"""Issue 17 item 5: limits. What the attacker and the busy deadline of the issue met: a 10 MB body stored
(and carried by every later staff list), five million weekdays in one standing wish, the same wish stored
again and again, `want` beside `avoid` for one slot, no cap on queued solves, a contract tolerance of
10^30 that failed the next solve with solver internals, and lists without paging. Each is now refused
with a clear answer naming the field, and nothing stored changes."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.models import SolveJob
from service.helpers import START, World, ok

BIG = 2 * 1024 * 1024


def _staff_body(world: World, **changes: object) -> dict[str, object]:
    mette = ok(world.get("planner", f"/staff/{world.staff['mette']}"))
    return {k: v for k, v in mette.items() if k not in {"id", "team_id"}} | changes


def test_a_body_over_the_limit_is_413_and_stores_nothing(world: World) -> None:
    url = f"/staff/{world.staff['mette']}"
    before = ok(world.get("planner", url))
    body = _staff_body(world, favourite_districts=["x" * BIG])
    response = world.client.put(url, json=body, headers=world.as_("planner"))
    assert response.status_code == 413, response.text[:200]
    assert "larger than 1048576 bytes" in response.json()["detail"]
    assert ok(world.get("planner", url)) == before

    def chunks():  # no Content-Length: the body comes in pieces
        yield b'{"name": "'
        for _ in range(40):
            yield b"y" * 65536
        yield b'"}'

    chunked = world.client.put(
        url, content=chunks(), headers={**world.as_("planner"), "content-type": "application/json"}
    )
    assert chunked.status_code == 413
    assert ok(world.get("planner", url)) == before


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"favourite_districts": ["x" * 101]}, ["body", "favourite_districts", 0]),
        ({"favourite_districts": [f"d{i}" for i in range(201)]}, ["body", "favourite_districts"]),
        ({"weekdays_off": [0, 1, 2, 3, 4, 5, 6, 0]}, ["body", "weekdays_off"]),
        ({"skills": [f"s{i}" for i in range(51)]}, ["body", "skills"]),
        (
            {"contract": {"target_tolerance_minutes": 10**30}},
            ["body", "contract", "target_tolerance_minutes"],
        ),
        ({"contract": {"max_minutes": 10**12}}, ["body", "contract", "max_minutes"]),
        ({"contract": {"max_consecutive_work": 10**9}}, ["body", "contract", "max_consecutive_work"]),
        (
            {"absences": [{"start": START.isoformat(), "end": START.isoformat(), "reason": "r" * 201}]},
            ["body", "absences", 0, "reason"],
        ),
    ],
)
def test_values_beyond_the_limits_are_422_naming_the_field(
    world: World, changes: dict[str, object], loc: list[object]
) -> None:
    url = f"/staff/{world.staff['mette']}"
    before = ok(world.get("planner", url))
    response = world.client.put(url, json=_staff_body(world, **changes), headers=world.as_("planner"))
    assert response.status_code == 422, response.text[:300]
    assert loc in [d["loc"] for d in response.json()["detail"]], response.text[:300]
    assert ok(world.get("planner", url)) == before


def test_a_standing_wish_has_at_most_seven_weekdays(world: World) -> None:
    body = {"staff_id": world.staff["mette"], "kind": "avoid", "weekdays": [0, 1, 2, 3, 4, 5, 6] * 1000}
    response = world.post("mette", "/standing-wishes", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "weekdays"]


def test_the_same_wish_twice_or_want_beside_avoid_is_409_naming_the_stored_wish(world: World) -> None:
    url = f"/periods/{world.period}/wishes"
    day = START.isoformat()
    mette = world.staff["mette"]
    want = ok(
        world.post("mette", url, json={"staff_id": mette, "date": day, "kind": "want", "shift": "dag"}), 201
    )
    again = world.post("mette", url, json={"staff_id": mette, "date": day, "kind": "want", "shift": "dag"})
    assert again.status_code == 409
    assert again.json()["detail"] == f"the same wish is already stored (wish {want['id']})"
    avoid = world.post("mette", url, json={"staff_id": mette, "date": day, "kind": "avoid", "shift": "dag"})
    assert avoid.status_code == 409
    assert avoid.json()["detail"] == (
        f"this slot already has a want wish (wish {want['id']}): change that one instead"
    )
    # The other shift, another day, a colleague: all fine. One veto per day.
    ok(
        world.post("mette", url, json={"staff_id": mette, "date": day, "kind": "avoid", "shift": "aften"}),
        201,
    )
    ali = world.staff["ali"]
    ok(world.post("ali", url, json={"staff_id": ali, "date": day, "kind": "want", "shift": "dag"}), 201)
    other_day = (START + dt.timedelta(days=3)).isoformat()
    ok(world.post("mette", url, json={"staff_id": mette, "date": other_day, "kind": "veto"}), 201)
    veto_again = world.post("mette", url, json={"staff_id": mette, "date": other_day, "kind": "veto"})
    assert veto_again.status_code == 409
    assert len(ok(world.get("mette", url))) == 3
    # Changing the want into the avoid it was refused as is a change of the same wish: allowed.
    changed = {"date": day, "kind": "avoid", "shift": "dag", "version": 1}
    assert (
        ok(world.client.put(f"/wishes/{want['id']}", json=changed, headers=world.as_("mette")))["kind"]
        == "avoid"
    )


def test_wishes_and_the_audit_come_in_pages(world: World) -> None:
    url = f"/periods/{world.period}/wishes"
    mette = world.staff["mette"]
    for n in range(5):
        day = (START + dt.timedelta(days=n)).isoformat()
        ok(
            world.post("mette", url, json={"staff_id": mette, "date": day, "kind": "avoid", "shift": "dag"}),
            201,
        )
    every = ok(world.get("planner", url))
    assert len(every) == 5
    pages = [ok(world.get("planner", url, params={"limit": 2, "offset": o})) for o in (0, 2, 4)]
    assert [w["id"] for page in pages for w in page] == [w["id"] for w in every]
    assert world.get("planner", url, params={"limit": 0}).status_code == 422
    assert world.get("planner", url, params={"limit": 1001}).status_code == 422
    audit = ok(world.get("planner", f"/teams/{world.team}/audit", params={"limit": 3, "offset": 1}))
    newest = ok(world.get("planner", f"/teams/{world.team}/audit", params={"limit": 4}))
    assert [e["id"] for e in audit] == [e["id"] for e in newest[1:]]


def test_a_team_has_at_most_three_solves_waiting(world: World) -> None:
    from sqlmodel import Session, select

    ok(world.post("planner", f"/periods/{world.period}/close"))
    with Session(world.engine) as session:  # three solves already waiting (a busy queue)
        for _ in range(3):
            job = SolveJob(period_id=world.period, created_by="planner", time_limit=60, workers=1, seed=0)
            session.add(job)
        session.commit()
    response = world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 1})
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == (
        "the team has 3 solves waiting or running already: wait for one to end, or stop one"
    )
    with Session(world.engine) as session:
        assert len(session.exec(select(SolveJob)).all()) == 3
