"""Bad input and state over HTTP: 422 with the field path, 404 for unknown ids, 409 for state conflicts
(the deadline, a closed period, the veto limit, a taken slot), and nothing partial stored on failure."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from planner.models import AuditEntry, Period, Staff, Wish
from service.helpers import START, World, ok


def test_422_names_the_field(world: World) -> None:
    p, mette = world.period, world.staff["mette"]
    response = world.post(
        "mette", f"/periods/{p}/wishes", json={"staff_id": mette, "date": "soon", "kind": "veto"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "date"]
    response = world.post(
        "planner", f"/teams/{world.team}/staff", json={"code": "x", "contract": {"weekly_hours": 99}}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "contract", "weekly_hours"]
    # Checks that need the stored data (the planner layer's InputError) give the same shape.
    bad_route = {
        "staff_id": mette,
        "date": START.isoformat(),
        "kind": "want",
        "shift": "dag",
        "route": "nowhere",
    }
    response = world.post("mette", f"/periods/{p}/wishes", json=bad_route)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "route"]
    assert "nowhere" in response.json()["detail"][0]["msg"]
    outside = {"staff_id": mette, "date": "2027-04-01", "kind": "veto"}
    response = world.post("mette", f"/periods/{p}/wishes", json=outside)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "date"]
    response = world.post(
        "planner", f"/teams/{world.team}/routes", json={"code": "r", "shifts": ["dag", "nat"]}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "shifts", 1]


def test_out_of_range_numbers_are_422_not_stored(world: World) -> None:
    """Integer columns hold 32 bits on PostgreSQL: a larger value is a 422 with its field on any database."""
    big = 2**40
    for method, url, body, field in (
        (world.post, f"/teams/{world.team}/cover", {"shift": "dag", "need": big}, "need"),
        (world.put, f"/teams/{world.team}/rules", {"max_vetoes": big}, "max_vetoes"),
        (world.post, f"/periods/{world.period}/solve", {"seed": big}, "seed"),
    ):
        response = method("planner", url, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert ok(world.get("planner", f"/teams/{world.team}/rules"))["max_vetoes"] == 2
    # Ids beyond any column are simply unknown.
    assert world.get("planner", f"/periods/{big}").status_code == 404
    body = {"staff_id": big, "date": START.isoformat(), "kind": "veto"}
    assert world.post("planner", f"/periods/{world.period}/wishes", json=body).status_code == 404


def test_404_for_unknown_ids(world: World) -> None:
    for url in ("/periods/999", "/wishes/999", "/rotas/999", "/solve-jobs/999", "/teams/999", "/staff/999"):
        assert world.get("planner", url).status_code == 404, url
    body = {"staff_id": 999, "date": START.isoformat(), "kind": "veto"}
    assert world.post("planner", f"/periods/{world.period}/wishes", json=body).status_code == 404
    assert world.post("planner", "/periods/999/close").status_code == 404
    assert world.delete("planner", "/solve-jobs/999").status_code == 404


def test_409_after_the_deadline_and_when_closed(world: World) -> None:
    p, mette = world.period, world.staff["mette"]
    wish = ok(
        world.post(
            "mette",
            f"/periods/{p}/wishes",
            json={"staff_id": mette, "date": START.isoformat(), "kind": "veto"},
        ),
        201,
    )
    with Session(world.engine) as session:
        period = session.get(Period, p)
        assert period is not None
        period.deadline = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.add(period)
        session.commit()
    late = world.post(
        "mette", f"/periods/{p}/wishes", json={"staff_id": mette, "date": "2027-03-02", "kind": "veto"}
    )
    assert late.status_code == 409 and "deadline" in late.json()["detail"]
    update = {"date": "2027-03-03", "kind": "veto", "version": 1}
    assert world.put("mette", f"/wishes/{wish['id']}", json=update).status_code == 409
    assert world.delete("mette", f"/wishes/{wish['id']}").status_code == 409
    # Still readable, and the planner may still correct it.
    assert ok(world.get("mette", f"/periods/{p}/wishes"))[0]["date"] == START.isoformat()
    ok(world.put("planner", f"/wishes/{wish['id']}", json=update))
    # Closed: 409 for staff; the planner can reopen with a new deadline.
    ok(world.post("planner", f"/periods/{p}/close"))
    assert world.post("planner", f"/periods/{p}/close").status_code == 409
    closed = world.post(
        "mette", f"/periods/{p}/wishes", json={"staff_id": mette, "date": "2027-03-04", "kind": "veto"}
    )
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    ok(world.post("planner", f"/periods/{p}/open", json={"deadline": later}))
    ok(
        world.post(
            "mette", f"/periods/{p}/wishes", json={"staff_id": mette, "date": "2027-03-04", "kind": "veto"}
        ),
        201,
    )


def test_409_for_the_veto_limit_and_taken_slots(world: World) -> None:
    p, mette, ali = world.period, world.staff["mette"], world.staff["ali"]
    for i in range(2):
        when = (START + dt.timedelta(days=i)).isoformat()
        ok(
            world.post(
                "mette", f"/periods/{p}/wishes", json={"staff_id": mette, "date": when, "kind": "veto"}
            ),
            201,
        )
    third = world.post(
        "mette", f"/periods/{p}/wishes", json={"staff_id": mette, "date": "2027-03-05", "kind": "veto"}
    )
    assert third.status_code == 409 and "veto" in third.json()["detail"]
    slot = {"date": "2027-03-03", "shift": "dag", "route": "uldum-1"}
    ok(world.post("ali", f"/periods/{p}/self-picks", json={"staff_id": ali, **slot}), 201)
    taken = world.post("mette", f"/periods/{p}/self-picks", json={"staff_id": mette, **slot})
    assert taken.status_code == 409 and "taken" in taken.json()["detail"]
    on_veto = world.post(
        "mette",
        f"/periods/{p}/self-picks",
        json={"staff_id": mette, "date": START.isoformat(), "shift": "aften"},
    )
    assert on_veto.status_code == 409
    assert (
        world.post("planner", f"/periods/{p}/solve", json={"time_limit": 1}).status_code == 409
    )  # still open


def counts(world: World) -> tuple[int, int, int]:
    with Session(world.engine) as session:
        return (
            session.exec(select(func.count()).select_from(Staff)).one(),
            session.exec(select(func.count()).select_from(Wish)).one(),
            session.exec(select(func.count()).select_from(AuditEntry)).one(),
        )


def test_nothing_partial_is_stored_on_failure(world: World) -> None:
    before = counts(world)
    # A duplicate code fails at the database's unique constraint, after the row and its audit entry
    # were written in the transaction: both must be gone.
    duplicate = world.post("planner", f"/teams/{world.team}/staff", json={"code": "mette", "name": "Mette 2"})
    assert duplicate.status_code == 409
    assert counts(world) == before
    bad = world.post(
        "planner", f"/teams/{world.team}/staff", json={"code": "ny", "favourite_routes": ["nowhere"]}
    )
    assert bad.status_code == 422
    stale = world.put("planner", "/wishes/1", json={"date": START.isoformat(), "kind": "veto", "version": 7})
    assert stale.status_code == 404
    assert counts(world) == before
    names = [s["code"] for s in ok(world.get("planner", f"/teams/{world.team}/staff"))]
    assert names == ["mette", "ali", "sara"]


def test_values_the_database_or_json_cannot_hold_are_422_naming_the_field(world: World) -> None:
    """Issue 17 item 4: each of these answered 500 (OverflowError, or a 422 body that could not be
    written); now a 422 with the field path, and nothing stored changes."""
    p, mette, team = world.period, world.staff["mette"], world.team
    wish = ok(
        world.post(
            "mette",
            f"/periods/{p}/wishes",
            json={"staff_id": mette, "date": START.isoformat(), "kind": "want", "shift": "dag"},
        ),
        201,
    )
    rules_before = ok(world.get("planner", f"/teams/{team}/rules"))
    periods_before = ok(world.get("planner", f"/teams/{team}/periods"))
    json_text = {**world.as_("planner"), "content-type": "application/json"}
    mine = {**world.as_("mette"), "content-type": "application/json"}
    day = START.isoformat()
    cases = [
        (
            world.put(
                "mette",
                f"/wishes/{wish['id']}",
                json={"date": day, "kind": "want", "shift": "dag", "version": 2**70},
            ),
            ["body", "version"],
        ),
        (
            world.client.post(
                f"/periods/{p}/wishes",
                content=f'{{"staff_id": {mette}, "date": "{day}", "kind": "want", "weight": NaN}}',
                headers=mine,
            ),
            ["body", "weight"],
        ),
        (
            world.client.put(
                f"/teams/{team}/rules", content='{"max_average_weekly_hours": NaN}', headers=json_text
            ),
            ["body", "max_average_weekly_hours"],
        ),
        (
            world.client.put(
                f"/teams/{team}/rules", content='{"max_average_weekly_hours": Infinity}', headers=json_text
            ),
            ["body", "max_average_weekly_hours"],
        ),
        (
            world.post(
                "planner", f"/teams/{team}/periods", json={"name": "x", "start": "9999-12-25", "days": 14}
            ),
            ["body", "start"],
        ),
        (
            world.post(
                "planner",
                f"/teams/{team}/periods",
                json={"name": "x", "start": "2027-05-03", "days": 14, "deadline": "0001-01-01T00:30"},
            ),
            ["body", "deadline"],
        ),
    ]
    unknown = {"staff_id": 2**70, "date": day, "kind": "want", "shift": "dag"}  # beyond 64 bits: unknown
    assert world.post("planner", f"/periods/{p}/wishes", json=unknown).status_code == 404
    for response, loc in cases:
        assert response.status_code == 422, (loc, response.text)
        assert response.json()["detail"][0]["loc"] == loc
    assert ok(world.get("mette", f"/wishes/{wish['id']}")) == wish
    assert ok(world.get("planner", f"/teams/{team}/rules")) == rules_before
    assert ok(world.get("planner", f"/teams/{team}/periods")) == periods_before
