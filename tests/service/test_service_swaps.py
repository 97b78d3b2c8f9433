"""Life after publication (issue 13): rota versions, hand-overs and swaps between colleagues, and what
goes wrong when people hurry — every version checked by the independent checker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from planner import mapping
from planner.models import AuditEntry, Rota, ShiftOffer
from planner.services import swaps
from service.helpers import World, checked, ok, solve_period
from solver import check
from solver.solution import Assignment


def current(world: World) -> dict[str, Any]:
    return ok(world.get("planner", f"/periods/{world.period}/rota"))


def cell(rota: dict[str, Any], staff: str, day: str) -> dict[str, Any] | None:
    found = [a for a in rota["assignments"] if a["staff"] == staff and a["date"] == day]
    return {"shift": found[0]["shift"], "route": found[0]["route"]} if found else None


def given(assignments: list[Assignment], giver: str, taker: str, day: dt.date) -> list[Assignment] | None:
    """The assignments with `giver`'s shift on `day` moved to `taker`; None when the taker works then."""
    mine = next(a for a in assignments if a.staff == giver and a.date == day)
    if any(a.staff == taker and a.date == day for a in assignments):
        return None
    rest = [a for a in assignments if a is not mine]
    return [*rest, Assignment(staff=taker, date=day, shift=mine.shift, route=mine.route)]


def stored(world: World, rota_id: int) -> tuple[Any, list[Assignment]]:
    with Session(world.engine) as session:
        row = session.get(Rota, rota_id)
        assert row is not None
        return mapping.rota_problem(row), mapping.rota_assignments(row)


def first_shift(rota: dict[str, Any], staff: str) -> dict[str, Any]:
    return next(a for a in rota["assignments"] if a["staff"] == staff)


def test_colleagues_see_exactly_the_offers_the_checker_allows(world: World) -> None:
    rota = solve_period(world, publish=True)
    problem, assignments = stored(world, rota["id"])
    for giver in ("mette", "ali", "sara"):
        for a in [a for a in assignments if a.staff == giver]:
            offer = ok(
                world.post(
                    giver,
                    f"/periods/{world.period}/offers",
                    json={"staff_id": world.staff[giver], "date": a.date.isoformat()},
                ),
                201,
            )
            for taker in ("mette", "ali", "sara"):
                if taker == giver:
                    continue
                seen = ok(world.get(taker, f"/staff/{world.staff[taker]}/available-offers"))
                mine = [s for s in seen if s["offer"]["id"] == offer["id"]]
                after = given(assignments, giver, taker, a.date)
                allowed = after is not None and check.violations(problem, after) == []
                assert bool(mine) == allowed, (giver, taker, a.date)
                if allowed:
                    minutes = {f.staff: f.minutes for f in check.fulfilment(problem, assignments)}
                    assert mine[0]["minutes_before"] == minutes[taker]
                    assert mine[0]["minutes_after"] == minutes[taker] + 480
                    assert mine[0]["from_name"] == giver.capitalize()
            ok(world.post(giver, f"/offers/{offer['id']}/withdraw"))


def _an_offer_someone_can_take(world: World, rota: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """A giver, an eligible taker and the offer (to everyone) of one of the giver's shifts."""
    for giver in ("mette", "ali", "sara"):
        for a in [a for a in rota["assignments"] if a["staff"] == giver]:
            offer = ok(
                world.post(
                    giver,
                    f"/periods/{world.period}/offers",
                    json={"staff_id": world.staff[giver], "date": a["date"]},
                ),
                201,
            )
            for taker in ("mette", "ali", "sara"):
                if taker != giver:
                    seen = ok(world.get(taker, f"/staff/{world.staff[taker]}/available-offers"))
                    if any(s["offer"]["id"] == offer["id"] for s in seen):
                        return giver, taker, offer
            ok(world.post(giver, f"/offers/{offer['id']}/withdraw"))
    raise AssertionError("no shift of the rota can be handed over")


def test_a_hand_over_taken_and_approved_is_a_new_checked_version_and_the_old_one_is_kept(
    world: World,
) -> None:
    rota = solve_period(world, publish=True)
    giver, taker, offer = _an_offer_someone_can_take(world, rota)
    day = offer["date"]
    taken = ok(world.post(taker, f"/offers/{offer['id']}/take"))
    assert taken["state"] == "taken" and taken["taken_by"] == world.staff[taker]
    assert current(world)["id"] == rota["id"]  # waits for the planner
    waiting = ok(world.get("planner", f"/teams/{world.team}/offers", params={"state": "taken"}))
    assert [o["id"] for o in waiting] == [offer["id"]]
    approved = ok(world.post("planner", f"/offers/{offer['id']}/approve"))
    assert approved["state"] == "approved" and approved["decided_by"] == "planner"
    now = current(world)
    assert now["id"] == approved["rota_id"] != rota["id"]
    assert now["from_rota"] == rota["id"] and now["state"] == "published"
    checked(world, now["id"])
    assert cell(now, taker, day) == {"shift": offer["shift"], "route": offer["route"]}
    assert cell(now, giver, day) is None
    # the old version is kept, superseded; staff read the current one only
    old = ok(world.get("planner", f"/rotas/{rota['id']}"))
    assert old["state"] == "superseded" and cell(old, giver, day) is not None
    assert world.get(taker, f"/rotas/{rota['id']}").status_code == 404
    assert [r["id"] for r in ok(world.get(giver, f"/periods/{world.period}/rotas"))] == [now["id"]]
    # the recorded change: the planner sees it all, each person their own history
    changes = ok(world.get("planner", f"/periods/{world.period}/changes"))
    assert len(changes) == 1
    change = changes[0]
    assert (change["kind"], change["who"], change["approved_by"]) == ("handover", taker, "planner")
    assert (change["rota_id"], change["from_rota"], change["offer_id"]) == (
        now["id"],
        rota["id"],
        offer["id"],
    )
    assert {(c["staff"], c["before"] is None, c["after"] is None) for c in change["cells"]} == {
        (giver, False, True),
        (taker, True, False),
    }
    assert world.get(giver, f"/periods/{world.period}/changes").status_code == 403
    lost = ok(world.get(giver, f"/staff/{world.staff[giver]}/changes"))
    assert [(c["date"], c["after"], c["other"]) for c in lost] == [(day, None, taker.capitalize())]
    got = ok(world.get(taker, f"/staff/{world.staff[taker]}/changes"))
    assert [(c["date"], c["before"], c["other"]) for c in got] == [(day, None, giver.capitalize())]
    other = next(p for p in ("mette", "ali", "sara") if p not in (giver, taker))
    assert world.get(other, f"/staff/{world.staff[giver]}/changes").status_code == 403
    with Session(world.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert "change published rota (handover)" in actions and "approve offer" in actions
    # the exports and the person's calendar read the current version
    csv = world.get("planner", f"/rotas/{now['id']}/export.csv")
    if csv.status_code == 200:
        assert taker in csv.text


def test_one_published_rota_per_period_is_enforced_by_the_database(world: World) -> None:
    rota = solve_period(world, publish=True)
    with Session(world.engine) as session:
        row = session.get(Rota, rota["id"])
        assert row is not None
        copy = Rota.model_validate(row.model_dump(exclude={"id"}))
        session.add(copy)
        with pytest.raises(IntegrityError):
            session.commit()


def test_offer_refusals_say_what_is_wrong(world: World) -> None:
    rota = solve_period(world, publish=True)
    mine = first_shift(rota, "mette")
    url = f"/periods/{world.period}/offers"
    # someone else's shift
    assert (
        world.post("ali", url, json={"staff_id": world.staff["mette"], "date": mine["date"]}).status_code
        == 403
    )
    # a day without a shift of hers: 422 naming the date
    free = next(
        d
        for d in (
            dt.date.fromisoformat(rota["assignments"][0]["date"]) + dt.timedelta(days=i) for i in range(7)
        )
        if cell(rota, "mette", d.isoformat()) is None
    )
    wrong = world.post("mette", url, json={"staff_id": world.staff["mette"], "date": free.isoformat()})
    assert wrong.status_code == 422 and "date" in wrong.text
    # to oneself, to a stranger
    me = world.post(
        "mette",
        url,
        json={"staff_id": world.staff["mette"], "date": mine["date"], "to_staff_id": world.staff["mette"]},
    )
    assert me.status_code == 422 and "to_staff_id" in me.text
    nobody = world.post(
        "mette", url, json={"staff_id": world.staff["mette"], "date": mine["date"], "to_staff_id": 99999}
    )
    assert nobody.status_code == 422 and "to_staff_id" in nobody.text
    # a swap without a colleague
    swap = world.post(
        "mette", url, json={"staff_id": world.staff["mette"], "date": mine["date"], "swap_date": mine["date"]}
    )
    assert swap.status_code == 422
    # offered twice (a double tap)
    ok(world.post("mette", url, json={"staff_id": world.staff["mette"], "date": mine["date"]}), 201)
    again = world.post("mette", url, json={"staff_id": world.staff["mette"], "date": mine["date"]})
    assert again.status_code == 409 and "already offered" in again.text
    # before publication there is nothing to offer
    assert (
        world.post(
            "planner", "/periods/99999/offers", json={"staff_id": world.staff["mette"], "date": mine["date"]}
        ).status_code
        == 404
    )


def test_own_named_declined_withdrawn_refused_and_ineligible_takes(world: World) -> None:
    rota = solve_period(world, publish=True)
    giver, taker, offer = _an_offer_someone_can_take(world, rota)
    other = next(p for p in ("mette", "ali", "sara") if p not in (giver, taker))
    assert world.post(giver, f"/offers/{offer['id']}/take").status_code == 404  # one's own
    assert world.post("planner", f"/offers/{offer['id']}/take").status_code == 403  # not a staff member
    assert world.post("planner", f"/offers/{offer['id']}/approve").status_code == 409  # not taken yet
    ok(world.post(giver, f"/offers/{offer['id']}/withdraw"))
    late = world.post(taker, f"/offers/{offer['id']}/take")
    assert late.status_code == 409 and "withdrawn" in late.text
    # named to the taker: the other colleague neither sees nor takes it; the taker declines it
    named = ok(
        world.post(
            giver,
            f"/periods/{world.period}/offers",
            json={"staff_id": world.staff[giver], "date": offer["date"], "to_staff_id": world.staff[taker]},
        ),
        201,
    )
    assert named["id"] not in [
        s["offer"]["id"] for s in ok(world.get(other, f"/staff/{world.staff[other]}/available-offers"))
    ]
    assert world.post(other, f"/offers/{named['id']}/take").status_code == 404
    assert world.post(other, f"/offers/{named['id']}/decline").status_code in (403, 404)
    assert ok(world.post(taker, f"/offers/{named['id']}/decline"))["state"] == "declined"
    declined = world.post(taker, f"/offers/{named['id']}/take")
    assert declined.status_code == 409 and "declined" in declined.text
    # taken, then refused by the planner: the rota stays
    again = ok(
        world.post(
            giver,
            f"/periods/{world.period}/offers",
            json={"staff_id": world.staff[giver], "date": offer["date"]},
        ),
        201,
    )
    ok(world.post(taker, f"/offers/{again['id']}/take"))
    second = world.post(other, f"/offers/{again['id']}/take")  # a colleague too late
    assert second.status_code == 409 and "already been taken" in second.text
    refused = ok(world.post("planner", f"/offers/{again['id']}/refuse", json={"reason": "for få på dagvagt"}))
    assert refused["state"] == "refused" and refused["reason"] == "for få på dagvagt"
    assert current(world)["id"] == rota["id"]
    assert world.post("planner", f"/offers/{again['id']}/approve").status_code == 409


def test_a_colleague_who_would_break_a_rule_is_refused_with_the_rule(world: World) -> None:
    rota = solve_period(world, publish=True)
    problem, assignments = stored(world, rota["id"])
    for giver in ("mette", "ali", "sara"):
        for a in [a for a in assignments if a.staff == giver]:
            for taker in ("mette", "ali", "sara"):
                after = given(assignments, giver, taker, a.date) if taker != giver else None
                if after is None or not check.violations(problem, after):
                    continue
                offer = ok(
                    world.post(
                        giver,
                        f"/periods/{world.period}/offers",
                        json={"staff_id": world.staff[giver], "date": a.date.isoformat()},
                    ),
                    201,
                )
                refused = world.post(taker, f"/offers/{offer['id']}/take")
                assert refused.status_code == 409
                assert ok(world.get(giver, f"/offers/{offer['id']}"))["state"] == "open"
                return
    pytest.skip("every hand-over of this rota is allowed")


def test_the_shift_has_started_so_the_offer_expires(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    rota = solve_period(world, publish=True)
    giver, taker, offer = _an_offer_someone_can_take(world, rota)
    later = dt.datetime.fromisoformat(offer["starts_at"]).replace(tzinfo=dt.UTC) + dt.timedelta(minutes=1)
    monkeypatch.setattr(swaps, "utcnow", lambda: later)
    assert offer["id"] not in [
        s["offer"]["id"] for s in ok(world.get(taker, f"/staff/{world.staff[taker]}/available-offers"))
    ]
    assert [o["state"] for o in ok(world.get(giver, f"/staff/{world.staff[giver]}/offers"))] == ["expired"]
    late = world.post(taker, f"/offers/{offer['id']}/take")
    assert late.status_code == 409 and "started" in late.text
    with Session(world.engine) as session:
        row = session.get(ShiftOffer, offer["id"])
        assert row is not None and row.state == "expired"
    again = world.post(
        giver, f"/periods/{world.period}/offers", json={"staff_id": world.staff[giver], "date": offer["date"]}
    )
    assert again.status_code == 409 and "started" in again.text


def test_approval_checks_the_rules_again_on_the_current_version(world: World) -> None:
    rota = solve_period(world, publish=True)
    giver, taker, offer = _an_offer_someone_can_take(world, rota)
    ok(world.post(taker, f"/offers/{offer['id']}/take"))
    # meanwhile the planner gives the taker another shift that day in the published rota
    other_shift = "aften" if offer["shift"] == "dag" else "dag"
    edited = world.put(
        "planner",
        f"/periods/{world.period}/published/cells/{world.staff[taker]}/{offer['date']}",
        json={"shift": other_shift, "reason": "ekstra vagt"},
    )
    if edited.status_code == 409:
        pytest.skip("the planner's edit itself breaks a rule in this rota")
    version = ok(edited)
    checked(world, version["id"])
    late = world.post("planner", f"/offers/{offer['id']}/approve")
    assert late.status_code == 409, late.text
    assert current(world)["id"] == version["id"]
    assert ok(world.get(taker, f"/offers/{offer['id']}"))["state"] == "taken"


def test_the_team_may_approve_automatically_when_cover_is_unchanged(world: World) -> None:
    rules = ok(world.get("planner", f"/teams/{world.team}/rules"))
    assert rules["auto_approve_swaps"] is False
    ok(world.put("planner", f"/teams/{world.team}/rules", json={**rules, "auto_approve_swaps": True}))
    rota = solve_period(world, publish=True)
    giver, taker, offer = _an_offer_someone_can_take(world, rota)
    taken = ok(world.post(taker, f"/offers/{offer['id']}/take"))
    assert taken["state"] == "approved" and taken["decided_by"] == "automatic"
    now = current(world)
    assert now["id"] == taken["rota_id"] and now["from_rota"] == rota["id"]
    checked(world, now["id"])
    assert cell(now, taker, offer["date"]) is not None


def test_a_swap_exchanges_two_shifts_when_both_hold_every_rule(world: World) -> None:
    rota = solve_period(world, publish=True)
    problem, assignments = stored(world, rota["id"])
    for a in assignments:
        for b in assignments:
            if a.staff == b.staff or (a.date == b.date and a.shift == b.shift):
                continue
            others = [x for x in assignments if x is not a and x is not b]
            after = [
                *others,
                Assignment(staff=b.staff, date=a.date, shift=a.shift, route=a.route),
                Assignment(staff=a.staff, date=b.date, shift=b.shift, route=b.route),
            ]
            busy = {(x.staff, x.date) for x in others}
            if (b.staff, a.date) in busy or (a.staff, b.date) in busy or check.violations(problem, after):
                continue
            offer = ok(
                world.post(
                    a.staff,
                    f"/periods/{world.period}/offers",
                    json={
                        "staff_id": world.staff[a.staff],
                        "date": a.date.isoformat(),
                        "to_staff_id": world.staff[b.staff],
                        "swap_date": b.date.isoformat(),
                    },
                ),
                201,
            )
            assert (offer["kind"], offer["swap_shift"]) == ("swap", b.shift)
            ok(world.post(b.staff, f"/offers/{offer['id']}/take"))
            ok(world.post("planner", f"/offers/{offer['id']}/approve"))
            now = current(world)
            checked(world, now["id"])
            assert cell(now, b.staff, a.date.isoformat())["shift"] == a.shift  # type: ignore[index]
            assert cell(now, a.staff, b.date.isoformat())["shift"] == b.shift  # type: ignore[index]
            assert ok(world.get("planner", f"/periods/{world.period}/changes"))[0]["kind"] == "swap"
            return
    pytest.skip("no swap of this rota holds every rule")


def test_a_persons_offers_and_changes_are_in_their_data_and_go_with_them(world: World) -> None:
    rota = solve_period(world, publish=True)
    giver, taker, offer = _an_offer_someone_can_take(world, rota)
    ok(world.post(taker, f"/offers/{offer['id']}/take"))
    ok(world.post("planner", f"/offers/{offer['id']}/approve"))
    data = ok(world.get(taker, f"/staff/{world.staff[taker]}/personal-data"))
    assert [o["id"] for o in data["shift_offers"]] == [offer["id"]]
    assert [c["cells"][0]["staff"] for c in data["rota_changes"]] == [taker]
    ok(world.post("planner", f"/staff/{world.staff[taker]}/erase"))
    with Session(world.engine) as session:
        assert session.get(ShiftOffer, offer["id"]) is None
    change = ok(world.get("planner", f"/periods/{world.period}/changes"))[0]
    assert taker not in str(change) and f"erased-{world.staff[taker]}" in str(change)


def test_an_offer_whose_shift_changes_ends_and_says_so(world: World) -> None:
    rota = solve_period(world, publish=True)
    giver, taker, offer = _an_offer_someone_can_take(world, rota)
    url = f"/periods/{world.period}/published/cells/{world.staff[giver]}/{offer['date']}"
    checked(world, ok(world.put("planner", url, json={"shift": None, "reason": "fridag"}))["id"])
    assert ok(world.get(giver, f"/offers/{offer['id']}"))["state"] == "withdrawn"
    late = world.post(taker, f"/offers/{offer['id']}/take")
    assert late.status_code == 409 and "has changed in the published rota" in late.text
    seen = ok(world.get(taker, f"/staff/{world.staff[taker]}/available-offers"))
    assert offer["id"] not in [s["offer"]["id"] for s in seen]
