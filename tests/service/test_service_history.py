"""Periods follow each other (issue 10 item 20): the published rota of the period before is the history
of the next one (`mapping.build_problem`), so the first days of a period keep the 11 h rest, the weekly
rest and the consecutive-days limits against its last days, in a claim, in the solve and in the checker.

Period 1 is the service tests' week (Monday 1 – Sunday 7 March 2027); Mette works nights (23:00–07:00)
from Tuesday to Sunday. Period 2 is the week after (8–14 March); Ali and Sara are away on its Monday and
Tuesday, so only Mette could take those days' shifts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from planner import mapping, services
from planner.auth import Actor
from planner.errors import RuleRefusal
from planner.models import Lock, Period, SelfPickCreate
from service.helpers import START, World, checked, ok, solve_period
from solver import SolveParams, check, solve

NEXT = START + dt.timedelta(days=7)  # Monday 8 March


def iso(n: int) -> str:
    """Day `n` of period 1 (negative: before it; 7 … 13: period 2)."""
    return (START + dt.timedelta(days=n)).isoformat()


def staff_put(world: World, who: str, **changes: Any) -> None:
    url = f"/staff/{world.staff[who]}"
    body = {k: v for k, v in ok(world.get("planner", url)).items() if k not in ("id", "team_id")}
    ok(world.put("planner", url, json={**body, **changes}))


def claim(world: World, period: int, who: str, n: int, shift: str) -> Any:
    body = {"staff_id": world.staff[who], "date": iso(n), "shift": shift}
    return world.post(who, f"/periods/{period}/self-picks", json=body)


def period_after_nights(world: World) -> int:
    """Publish period 1 with Mette's six nights at its end and open period 2."""
    night = {"code": "nat", "name": "Nattevagt", "start": "23:00", "minutes": 480}
    ok(world.post("planner", f"/teams/{world.team}/shift-types", json=night), 201)
    staff_put(world, "mette", contract={"max_consecutive_work": 6})
    with Session(world.engine) as session:  # the planner's locks, as a cell change on a draft makes them
        for n in range(1, 7):
            day = START + dt.timedelta(days=n)
            session.add(Lock(period_id=world.period, staff_id=world.staff["mette"], date=day, shift="nat"))
        session.commit()
    published = solve_period(world, publish=True)
    nights = {a["date"] for a in published["assignments"] if a["staff"] == "mette" and a["shift"] == "nat"}
    assert nights == {iso(n) for n in range(1, 7)}
    away = [{"start": iso(7), "end": iso(8), "reason": "Kursus"}]
    for who in ("ali", "sara"):
        staff_put(world, who, absences=away)
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    body = {"name": "uge 10", "start": NEXT.isoformat(), "days": 7, "deadline": deadline}
    period = ok(world.post("planner", f"/teams/{world.team}/periods", json=body), 201)["id"]
    ok(world.post("planner", f"/periods/{period}/open"))
    return int(period)


def test_the_published_rota_before_is_the_history_of_the_next_period(world: World) -> None:
    period = period_after_nights(world)
    with Session(world.engine) as session:
        row = session.get(Period, period)
        assert row is not None
        problem = mapping.build_problem(session, row)
    assert problem.history_days() == 8  # the weekly rest reads 8 days back; period 1 has 7 of them
    history = {(h.staff, h.date.isoformat()): h.shift for h in problem.history}
    assert {day for _, day in history} == {iso(n) for n in range(7)}  # 28 February is not known
    assert [history["mette", iso(n)] for n in range(7)] == [None, "nat", "nat", "nat", "nat", "nat", "nat"]
    assert {who for who, _ in history} == {"mette", "ali", "sara"}

    # A claim against the nights is refused with the rule and the night it follows.
    refusals = {
        (7, "dag"): "Mette: 2027-03-07 nat (before the horizon) then 2027-03-08 dag leaves 0 min rest, "
        "11 h required",
        (7, "nat"): "Mette: works 7 days in a row, 2027-03-02 … 2027-03-08, at most 6",
        (
            8,
            "aften",
        ): "Mette: no rest day of 35 h in 2027-03-02 … 2027-03-09 (8 days), one in every 7 required",
    }
    for (n, shift), message in refusals.items():
        response = claim(world, period, "mette", n, shift)
        assert (response.status_code, response.json()["detail"]) == (409, message)
    ok(claim(world, period, "mette", 8, "nat"), 201)  # Tuesday night: 40 h after Monday 07:00

    # The solve keeps the rules against period 1: Monday off (weekly rest, 11 h, 6 days in a row) and on
    # Tuesday at most a night (35 h after Monday 07:00); the checker, with the stored history, agrees.
    ok(world.post("planner", f"/periods/{period}/close"))
    job = ok(world.post("planner", f"/periods/{period}/solve", json={"time_limit": 2, "workers": 1}), 202)
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    rota = checked(world, job["rota_id"])
    assert rota.problem["history"]
    mette = {a["date"]: a["shift"] for a in rota.assignments if a["staff"] == "mette"}
    assert iso(7) not in mette
    assert mette.get(iso(8)) == "nat"  # her claim
    # Without the history the same problem puts Mette on Monday's empty slots, and the checker, told
    # about period 1, refuses that rota.
    stored = mapping.rota_problem(rota)
    alone = solve(stored.model_copy(update={"history": []}), SolveParams(time_limit=2, workers=1, seed=1))
    monday = [a for a in alone.assignments if a.staff == "mette" and a.date == NEXT]
    assert monday
    rules = {v.rule for v in check.violations(stored, alone.assignments)}
    assert "weekly_rest" in rules and "max_consecutive_work" in rules


def test_a_claim_on_the_first_day_names_the_night_before(world: World) -> None:
    period = period_after_nights(world)
    data = SelfPickCreate(staff_id=world.staff["mette"], date=NEXT, shift="dag")
    with Session(world.engine) as session:
        actor = Actor(None, "mette", "staff", world.team, world.staff["mette"])
        try:
            services.create_self_pick(period, data, session=session, actor=actor)
        except RuleRefusal as exc:
            refusal = exc
        else:
            raise AssertionError("the claim was accepted")
        session.rollback()
    assert refusal.code == "daily_rest"
    assert refusal.params == {
        "date": dt.date(2027, 3, 7),
        "shift": "nat",
        "shift_name": "Nattevagt",
        "next_date": NEXT,
        "next_shift": "dag",
        "next_shift_name": "Dagvagt",
        "rest": 0,
        "need": 660,
    }
    # Nothing of period 1 is the claim's own: period 2's rota still has no self-pick of hers.
    assert ok(world.get("planner", f"/periods/{period}/self-picks")) == []


def test_an_unpublished_period_before_gives_no_history(world: World) -> None:
    ok(world.post("planner", f"/periods/{world.period}/close"))
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    body = {"name": "uge 10", "start": NEXT.isoformat(), "days": 7, "deadline": deadline}
    period = ok(world.post("planner", f"/teams/{world.team}/periods", json=body), 201)["id"]
    with Session(world.engine) as session:
        row = session.get(Period, period)
        assert row is not None
        assert mapping.build_problem(session, row).history == []
