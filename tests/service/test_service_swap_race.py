"""Twenty colleagues take one offered shift at the same moment: exactly one wins (a state-guarded UPDATE),
the others hear that it is taken, and the version the approval makes passes the checker (on a file
database, or PostgreSQL with `PUSLEPLAN_TEST_DATABASE_URL`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlmodel import Session, select

from planner.models import AuditEntry, ShiftOffer
from service.helpers import PASSWORD, World, build_world, checked, login, migrated, ok, solve_period

TAKERS = 20


@pytest.fixture
def big_world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        for world in build_world(engine):
            for i in range(TAKERS + 2):
                code = f"k{i:02d}"
                body = {"code": code, "name": f"Kollega {i}", "skills": ["sosu-assistent"]}
                world.staff[code] = ok(world.post("planner", f"/teams/{world.team}/staff", json=body), 201)[
                    "id"
                ]
                user = {
                    "username": code,
                    "role": "staff",
                    "staff_id": world.staff[code],
                    "password": PASSWORD,
                }
                ok(world.post("planner", f"/teams/{world.team}/users", json=user), 201)
                world.headers[code] = login(world.client, code)
            yield world


def test_twenty_colleagues_take_one_offer_at_once_and_exactly_one_wins(big_world: World) -> None:
    w = big_world
    rota = solve_period(w, publish=True)
    mine = next(a for a in rota["assignments"])
    giver = mine["staff"]
    offer = ok(
        w.post(giver, f"/periods/{w.period}/offers", json={"staff_id": w.staff[giver], "date": mine["date"]}),
        201,
    )
    eligible = [
        code
        for code in w.staff
        if code.startswith("k")
        and any(
            s["offer"]["id"] == offer["id"]
            for s in ok(w.get(code, f"/staff/{w.staff[code]}/available-offers"))
        )
    ][:TAKERS]
    assert len(eligible) == TAKERS

    def take(code: str) -> tuple[str, int, str]:
        response = w.post(code, f"/offers/{offer['id']}/take")
        return code, int(response.status_code), response.text

    with ThreadPoolExecutor(TAKERS) as pool:
        results = list(pool.map(take, eligible))
    assert Counter(code for _, code, _ in results) == {200: 1, 409: TAKERS - 1}, results
    winner = next(who for who, code, _ in results if code == 200)
    assert all("already been taken" in text for _, code, text in results if code == 409)
    with Session(w.engine) as session:
        row = session.get(ShiftOffer, offer["id"])
        assert row is not None and (row.state, row.taken_by) == ("taken", w.staff[winner])
        takes = session.exec(select(AuditEntry).where(AuditEntry.action == "take offer")).all()
        assert [t.who for t in takes] == [winner]
    approved = ok(w.post("planner", f"/offers/{offer['id']}/approve"))
    now = ok(w.get("planner", f"/periods/{w.period}/rota"))
    assert now["id"] == approved["rota_id"]
    checked(w, now["id"])
    assert [
        a["staff"] for a in now["assignments"] if a["date"] == mine["date"] and a["shift"] == mine["shift"]
    ] == [winner]


def test_two_approvals_from_one_version_at_once_cannot_both_land(big_world: World) -> None:
    """Two taken offers approved at the same moment: each makes a version from the current one; one lands,
    the other is told the rota changed meanwhile — or lands after it, on the newer version."""
    w = big_world
    rota = solve_period(w, publish=True)
    firsts = [a for a in rota["assignments"]][:2]
    offers = []
    for a in firsts:
        offer = ok(
            w.post(
                a["staff"],
                f"/periods/{w.period}/offers",
                json={"staff_id": w.staff[a["staff"]], "date": a["date"]},
            ),
            201,
        )
        taker = next(
            code
            for code in w.staff
            if code.startswith("k")
            and any(
                s["offer"]["id"] == offer["id"]
                for s in ok(w.get(code, f"/staff/{w.staff[code]}/available-offers"))
            )
            and all(o.get("taker") != code for o in offers)
        )
        ok(w.post(taker, f"/offers/{offer['id']}/take"))
        offers.append({**offer, "taker": taker})

    def approve(offer: dict) -> int:
        return int(w.post("planner", f"/offers/{offer['id']}/approve").status_code)

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(approve, offers))
    assert codes in ([200, 200], [200, 409])
    with Session(w.engine) as session:
        from planner.models import Rota

        published = session.exec(
            select(Rota).where(Rota.period_id == w.period, Rota.state == "published")
        ).all()
    assert len(published) == 1
    checked(w, published[0].id or 0)
    changes = ok(w.get("planner", f"/periods/{w.period}/changes"))
    assert len(changes) == codes.count(200)
    if len(changes) == 2:  # the second was made from the first's version: nothing was lost
        assert changes[0]["from_rota"] == changes[1]["rota_id"]


def test_the_same_shift_offered_ten_times_at_once_is_stored_once(big_world: World) -> None:
    """A double tap on a slow phone: ten offers of one shift at once make one offer; the others are 409."""
    w = big_world
    rota = solve_period(w, publish=True)
    mine = rota["assignments"][0]
    body = {"staff_id": w.staff[mine["staff"]], "date": mine["date"]}

    def send(_: int) -> int:
        return int(w.post(mine["staff"], f"/periods/{w.period}/offers", json=body).status_code)

    with ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(send, range(10)))
    assert Counter(codes) == {201: 1, 409: 9}
    with Session(w.engine) as session:
        assert len(session.exec(select(ShiftOffer)).all()) == 1
