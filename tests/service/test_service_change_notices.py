"""Who is told what after publication (issue 13): an offer for the colleagues who could take it, a taken
offer for the planner, the answer for giver and taker, changed shifts for those whose cells changed, a
sickness for the planner and a hole for those who could fill it — each once, in Danish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from planner import change_notices, mapping, meeting
from planner.models import Period, Rota, RotaChange
from service.helpers import START, World, ok, solve_period

PEOPLE = ("mette", "ali", "sara")


def told(world: World, who: str, kind: str | None = None) -> list[dict[str, Any]]:
    items = ok(world.client.get("/me/notifications", headers={**world.as_(who), "Accept-Language": "da"}))[
        "items"
    ]
    return [n for n in items if kind is None or n["kind"] == kind]


def eligible(world: World, offer_id: int) -> set[str]:
    return {
        p
        for p in PEOPLE
        if any(
            s["offer"]["id"] == offer_id
            for s in ok(world.get(p, f"/staff/{world.staff[p]}/available-offers"))
        )
    }


def test_an_offer_is_told_to_those_who_could_take_it_and_its_answer_to_both(world: World) -> None:
    rota = solve_period(world, publish=True)
    for a in rota["assignments"]:
        offer = ok(
            world.post(
                a["staff"],
                f"/periods/{world.period}/offers",
                json={"staff_id": world.staff[a["staff"]], "date": a["date"]},
            ),
            201,
        )
        could = eligible(world, offer["id"])
        offered_to = {p for p in PEOPLE if any(n["kind"] == "shift_offer" for n in told(world, p))}
        assert offered_to == could, a
        if could:
            break
        ok(world.post(a["staff"], f"/offers/{offer['id']}/withdraw"))
    giver, taker = a["staff"], sorted(could)[0]
    notice = told(world, taker, "shift_offer")[0]
    assert giver.capitalize() in notice["subject"] and "tilbyder" in notice["subject"]
    assert notice["link"] == "/web/me/exchange"
    ok(world.post(taker, f"/offers/{offer['id']}/take"))
    waiting = told(world, "planner", "offer_to_approve")
    assert len(waiting) == 1 and taker.capitalize() in waiting[0]["subject"]
    assert waiting[0]["link"] == f"/web/periods/{world.period}/changes"
    ok(world.post("planner", f"/offers/{offer['id']}/approve"))
    for who in (giver, taker):
        assert len(told(world, who, "offer_approved")) == 1
        assert told(world, who, "shifts_changed") == []  # told once, by the approval
    third = next(p for p in PEOPLE if p not in (giver, taker))
    assert told(world, third, "offer_approved") == []


def test_a_named_offer_declined_and_a_refusal(world: World) -> None:
    rota = solve_period(world, publish=True)
    a = rota["assignments"][0]
    giver = a["staff"]
    colleague = next(p for p in PEOPLE if p != giver)
    offer = ok(
        world.post(
            giver,
            f"/periods/{world.period}/offers",
            json={"staff_id": world.staff[giver], "date": a["date"], "to_staff_id": world.staff[colleague]},
        ),
        201,
    )
    assert len(told(world, colleague, "shift_offer")) == 1
    assert all(told(world, p, "shift_offer") == [] for p in PEOPLE if p not in (colleague,))
    ok(world.post(colleague, f"/offers/{offer['id']}/decline"))
    declined = told(world, giver, "offer_declined")
    assert len(declined) == 1 and colleague.capitalize() in declined[0]["subject"]


def test_sickness_tells_the_planner_and_who_could_fill_the_hole_and_a_replan_those_who_change(
    world: World,
) -> None:
    rota = solve_period(world, publish=True)
    day = next(
        x["date"] for x in sorted(rota["assignments"], key=lambda x: x["date"])[2:] if x["staff"] == "sara"
    )
    ok(world.post("sara", "/sickness", json={"staff_id": world.staff["sara"], "start": day}))
    sick = told(world, "planner", "sickness_reported")
    assert len(sick) == 1 and "Sara" in sick[0]["subject"]
    assert told(world, "sara", "shifts_changed") == []  # she reported it herself
    now = ok(world.get("planner", f"/periods/{world.period}/rota"))
    with Session(world.engine) as session:
        stored = session.get(Rota, now["id"])
        assert stored is not None
        problem, after = mapping.rota_problem(stored), mapping.rota_assignments(stored)
    was = next(x for x in rota["assignments"] if x["staff"] == "sara" and x["date"] == day)
    could = {
        c["staff"]
        for c in meeting.slot_candidates(
            problem, after, dt.date.fromisoformat(day), was["shift"], was["route"]
        )
    } - {"sara"}
    assert {p for p in PEOPLE if told(world, p, "open_shift")} == could
    job = ok(
        world.post("planner", f"/periods/{world.period}/replan", json={"from_date": day, "time_limit": 2}),
        202,
    )
    draft = ok(world.get("planner", f"/solve-jobs/{job['id']}"))["rota_id"]
    changed = {p["staff"] for p in ok(world.get("planner", f"/rotas/{draft}/replan-diff"))["people"]}
    ok(world.post("planner", f"/rotas/{draft}/publish"))
    assert {p for p in PEOPLE if told(world, p, "shifts_changed")} == changed
    for p in PEOPLE:
        assert len(told(world, p, "rota_published")) == 1  # the first publication only


def test_each_person_is_told_from_the_first_of_their_own_changed_days(world: World) -> None:
    """One recorded change that moves Mette's Tuesday and Ali's Friday and Saturday: Mette reads "changed
    from 2 March", Ali "from 5 March" (not the change's first day, which is not his), Sara nothing."""
    rota = solve_period(world, publish=True)
    day = lambda n: (START + dt.timedelta(days=n)).isoformat()  # noqa: E731
    with Session(world.engine) as session:
        period = session.get(Period, world.period)
        assert period is not None
        change = RotaChange(
            period_id=world.period,
            rota_id=rota["id"],
            from_rota=rota["id"],
            kind="replan",
            who="planner",
            cells=[
                {"staff": "mette", "date": day(1), "before": None, "after": {"shift": "dag", "route": None}},
                {"staff": "ali", "date": day(5), "before": {"shift": "aften", "route": None}, "after": None},
                {"staff": "ali", "date": day(4), "before": None, "after": {"shift": "aften", "route": None}},
            ],
        )
        session.add(change)
        session.flush()
        change_notices.shifts_changed(session, period, change)
        change_notices.shifts_changed(session, period, change)  # told twice: still once each
        session.commit()
    for who, first in (("mette", "2. marts 2027"), ("ali", "5. marts 2027")):
        (notice,) = told(world, who, "shifts_changed")
        assert f"ændret fra {first}." in notice["body"], notice
    assert told(world, "sara", "shifts_changed") == []
