"""The rules hold at every entry point: a claim, a wish, a veto, a planner's lock and a favourite route
are checked against the person's hard rules when they are made (`planner.person_rules`), and a refusal
names its rule (`RuleRefusal.code`) and values (`params`); nothing of a refused change is stored.

The team is the service tests' one (Mette, Ali, Sara; Dagvagt 07–15, Aftenvagt 15–23; route Uldum 1 on
the day shift; 1–7 March 2027, Monday to Sunday, open for wishes)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from planner import person_rules, services
from planner.auth import Actor
from planner.errors import RuleRefusal
from planner.models import CellEdit, Lock, SelfPick, SelfPickCreate, Staff, WishCreate
from service.helpers import START, World, build_world, migrated, ok, solve_period


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def iso(n: int) -> str:
    return day(n).isoformat()


def actor(world: World, who: str) -> Actor:
    if who == "planner":
        return Actor(None, "planner", "planner", world.team, None)
    return Actor(None, who, "staff", world.team, world.staff[who])


def refused(world: World, who: str, call: Callable[[Session, Actor], Any]) -> RuleRefusal:
    """The refusal a service call raises (as `who`), and that nothing of it was stored."""
    with Session(world.engine) as session:
        with pytest.raises(RuleRefusal) as info:
            call(session, actor(world, who))
        session.rollback()
    return info.value


def claim(world: World, who: str, n: int, shift: str, route: str | None = None) -> Any:
    body = {"staff_id": world.staff[who], "date": iso(n), "shift": shift, "route": route}
    return world.post(who, f"/periods/{world.period}/self-picks", json=body)


def claimed(world: World, who: str, n: int, shift: str, route: str | None = None) -> None:
    ok(claim(world, who, n, shift, route), 201)


def refused_claim(world: World, who: str, n: int, shift: str, route: str | None = None) -> RuleRefusal:
    response = claim(world, who, n, shift, route)
    assert response.status_code == 409, response.text
    data = SelfPickCreate(staff_id=world.staff[who], date=day(n), shift=shift, route=route)
    exc = refused(world, who, lambda s, a: services.create_self_pick(world.period, data, session=s, actor=a))
    assert str(exc) == response.json()["detail"]
    return exc


def picks(world: World, who: str) -> list[tuple[str, str, str | None]]:
    url = f"/periods/{world.period}/self-picks?staff_id={world.staff[who]}"
    return [(p["date"], p["shift"], p["route"]) for p in ok(world.get("planner", url))]


def change_staff(world: World, who: str, **changes: Any) -> None:
    url = f"/staff/{world.staff[who]}"
    body = {k: v for k, v in ok(world.get("planner", url)).items() if k not in ("id", "team_id")}
    if "contract" in changes:
        changes["contract"] = {**body["contract"], **changes["contract"]}
    ok(world.put("planner", url, json={**body, **changes}))


def add_lock(world: World, who: str, n: int, shift: str | None, route: str | None = None) -> None:
    """A planner's lock as a re-opened period has them (made on a draft before the period reopened)."""
    with Session(world.engine) as session:
        session.add(
            Lock(period_id=world.period, staff_id=world.staff[who], date=day(n), shift=shift, route=route)
        )
        session.commit()


# ---- item 1: absences and fixed days off ------------------------------------------------------------


def test_a_claim_or_a_want_on_an_absence_is_refused_with_its_reason(world: World) -> None:
    change_staff(world, "mette", absences=[{"start": iso(2), "end": iso(2), "reason": "Kursus: sårpleje"}])
    exc = refused_claim(world, "mette", 2, "dag", "uldum-1")
    assert exc.code == "absence"
    assert exc.params == {"date": day(2), "start": day(2), "end": day(2), "reason": "Kursus: sårpleje"}
    assert "Kursus: sårpleje" in str(exc)
    assert refused_claim(world, "mette", 2, "aften").code == "absence"
    want = {"staff_id": world.staff["mette"], "date": iso(2), "kind": "want", "shift": "dag"}
    response = world.post("mette", f"/periods/{world.period}/wishes", json=want)
    assert response.status_code == 409 and "Kursus: sårpleje" in response.json()["detail"]
    data = WishCreate(staff_id=world.staff["mette"], date=day(2), kind="want")
    exc = refused(world, "mette", lambda s, a: services.create_wish(world.period, data, session=s, actor=a))
    assert exc.code == "absence" and exc.params["reason"] == "Kursus: sårpleje"
    assert picks(world, "mette") == []
    assert ok(world.get("planner", f"/periods/{world.period}/wishes")) == []
    # the days around it are open to her
    claimed(world, "mette", 3, "dag", "uldum-1")


def test_fixed_days_off_and_weekdays_off_refuse_claims_and_wants(world: World) -> None:
    change_staff(world, "ali", days_off=[iso(1)], weekdays_off=[4])  # Tuesday 2nd; every Friday
    exc = refused_claim(world, "ali", 1, "aften")
    assert (exc.code, exc.params) == ("day_off", {"date": day(1)})
    exc = refused_claim(world, "ali", 4, "dag")
    assert (exc.code, exc.params) == ("weekday_off", {"date": day(4), "weekday": 4})
    want = {"staff_id": world.staff["ali"], "date": iso(4), "kind": "want", "shift": "aften"}
    assert world.post("ali", f"/periods/{world.period}/wishes", json=want).status_code == 409
    # a wish to avoid that day is harmless and stays possible (the page does not offer it)
    avoid = {**want, "kind": "avoid"}
    ok(world.post("ali", f"/periods/{world.period}/wishes", json=avoid), 201)
    # a want turned from an avoid is checked as well
    (wish,) = ok(world.get("ali", f"/periods/{world.period}/wishes"))
    body = {"date": iso(4), "kind": "want", "shift": "aften", "weight": 1, "version": wish["version"]}
    assert world.put("ali", f"/wishes/{wish['id']}", json=body).status_code == 409
    assert picks(world, "ali") == []


def test_the_calendar_knows_the_days_off_with_their_reasons(world: World) -> None:
    change_staff(
        world,
        "mette",
        absences=[{"start": "2027-02-27", "end": iso(1), "reason": "Ferie"}],
        days_off=[iso(3)],
        weekdays_off=[6],
    )
    with Session(world.engine) as session:
        person = session.get(Staff, world.staff["mette"])
        assert person is not None
        off = person_rules.days_off(person, day(0), day(6))
    assert sorted(off) == [day(0), day(1), day(3), day(6)]
    assert (off[day(0)].code, off[day(0)].reason, off[day(0)].start) == (
        "absence",
        "Ferie",
        dt.date(2027, 2, 27),
    )
    assert off[day(3)].code == "day_off" and off[day(6)].code == "weekday_off"


# ---- item 2: the person's hard rules ----------------------------------------------------------------


def test_a_claim_that_breaks_the_daily_rest_is_refused_either_way_round(world: World) -> None:
    claimed(world, "mette", 2, "dag")  # Wednesday 07:00
    exc = refused_claim(world, "mette", 1, "aften")  # Tuesday until 23:00: 8 h rest
    assert exc.code == "daily_rest"
    assert exc.params == {
        "date": day(1),
        "shift": "aften",
        "shift_name": "Aftenvagt",
        "next_date": day(2),
        "next_shift": "dag",
        "next_shift_name": "Dagvagt",
        "rest": 480,
        "need": 660,
    }
    claimed(world, "ali", 1, "aften")
    assert refused_claim(world, "ali", 2, "dag", "uldum-1").code == "daily_rest"
    assert picks(world, "mette") == [(iso(2), "dag", None)]
    assert picks(world, "ali") == [(iso(1), "aften", None)]
    # the same shift the next day leaves 16 h: fine
    claimed(world, "ali", 2, "aften")


def test_a_forbidden_succession_is_refused(world: World) -> None:
    set_rules(world, min_rest_minutes=None, forbidden_successions=[["dag", "aften"]])
    claimed(world, "sara", 0, "dag")
    exc = refused_claim(world, "sara", 1, "aften")
    assert exc.code == "succession"
    assert (exc.params["date"], exc.params["shift"], exc.params["next_shift"]) == (day(0), "dag", "aften")


def set_rules(world: World, **changes: Any) -> None:
    rules = ok(world.get("planner", f"/teams/{world.team}/rules"))
    rules = {k: v for k, v in rules.items() if k != "team_id"}
    ok(world.put("planner", f"/teams/{world.team}/rules", json={**rules, **changes}))


def test_the_weekly_rest_and_the_longest_run_of_work_are_refused(world: World) -> None:
    set_rules(world, max_average_weekly_hours=None)  # seven day shifts are 56 h: over the 48 h average
    for n in range(6):
        claimed(world, "sara", n, "dag")
    exc = refused_claim(world, "sara", 6, "dag")  # seven days without 35 h off
    assert exc.code == "weekly_rest" and exc.params == {"date": day(0), "need": 2100}
    change_staff(world, "ali", contract={"max_consecutive_work": 3})
    for n in range(3):
        claimed(world, "ali", n, "aften")
    exc = refused_claim(world, "ali", 3, "aften")
    assert exc.code == "max_consecutive_work"
    assert exc.params == {"start": day(0), "end": day(3), "days": 4, "limit": 3}


def test_contract_maxima_are_refused_but_minima_are_not_asked_of_a_partial_rota(world: World) -> None:
    change_staff(
        world,
        "mette",
        contract={
            "max_shifts": {"aften": 1},
            "max_minutes": 960,
            "max_weekends": 0,
            "min_consecutive_work": 3,
            "min_consecutive_off": 2,
        },
    )
    claimed(world, "mette", 2, "aften")  # a one-day run: shorter than 3, accepted
    exc = refused_claim(world, "mette", 4, "aften")
    assert exc.code == "max_shifts"
    assert exc.params == {"shift": "aften", "shift_name": "Aftenvagt", "count": 2, "limit": 1}
    claimed(world, "mette", 4, "dag")  # one day off between: shorter than 2, accepted
    exc = refused_claim(world, "mette", 0, "dag")
    assert exc.code == "minutes" and exc.params == {"minutes": 1440, "limit": 960}
    change_staff(world, "ali", contract={"max_weekends": 0, "min_minutes": 2400})
    claimed(world, "ali", 1, "dag")  # far below the minimum, accepted
    exc = refused_claim(world, "ali", 5, "dag")  # Saturday
    assert exc.code == "weekends" and exc.params == {"count": 1, "limit": 0}


def test_a_route_needs_its_skills(world: World) -> None:
    route = {"code": "sygepleje", "name": "Sygepleje", "shifts": ["dag"], "skills": ["sygeplejerske"]}
    ok(world.post("planner", f"/teams/{world.team}/routes", json=route), 201)
    exc = refused_claim(world, "mette", 1, "dag", "sygepleje")
    assert exc.code == "route"
    assert exc.params == {
        "date": day(1),
        "shift": "dag",
        "shift_name": "Dagvagt",
        "route": "sygepleje",
        "route_name": "Sygepleje",
        "why": "skills",
        "skills": ["sygeplejerske"],
    }


def test_a_shift_type_needs_its_skills(world: World) -> None:
    body = {
        "code": "aften",
        "name": "Aftenvagt",
        "start": "15:00",
        "minutes": 480,
        "skills": ["sygeplejerske"],
    }
    shifts = ok(world.get("planner", f"/teams/{world.team}/shift-types"))
    aften = next(s for s in shifts if s["code"] == "aften")
    ok(world.put("planner", f"/shift-types/{aften['id']}", json=body))
    exc = refused_claim(world, "sara", 1, "aften")
    assert exc.code == "skills" and exc.params["skills"] == ["sygeplejerske"]


def test_locks_count_with_the_claims(world: World) -> None:
    add_lock(world, "mette", 1, "aften")
    exc = refused_claim(world, "mette", 2, "dag")
    assert exc.code == "daily_rest" and exc.params["date"] == day(1)
    # a claim on a locked day must be what the lock says
    exc = refused_claim(world, "mette", 1, "dag")
    assert exc.code == "lock"
    assert exc.params == {
        "date": day(1),
        "shift": "aften",
        "shift_name": "Aftenvagt",
        "route": None,
        "route_name": None,
    }
    claimed(world, "mette", 1, "aften")
    add_lock(world, "ali", 3, None)  # locked off
    exc = refused_claim(world, "ali", 3, "aften")
    assert exc.code == "lock" and exc.params["shift"] is None
    # a claim that fits a lock without a route is still checked with its route
    route = {"code": "sygepleje", "name": "Sygepleje", "shifts": ["dag"], "skills": ["sygeplejerske"]}
    ok(world.post("planner", f"/teams/{world.team}/routes", json=route), 201)
    add_lock(world, "sara", 2, "dag")
    assert refused_claim(world, "sara", 2, "dag", "sygepleje").code == "route"
    claimed(world, "sara", 2, "dag", "uldum-1")
    # a route slot the planner locked for someone else is taken
    add_lock(world, "sara", 4, "dag", "uldum-1")
    exc = refused_claim(world, "ali", 4, "dag", "uldum-1")
    assert exc.code == "taken" and exc.params["route"] == "uldum-1"


def test_only_a_new_break_refuses_a_claim(world: World) -> None:
    """Claims stored before these checks (or under older rules) that break a rule do not block an
    unrelated claim; a claim that adds a break is refused."""
    with Session(world.engine) as session:
        for n, shift in ((0, "aften"), (1, "dag")):  # 8 h rest, stored as an older version allowed
            session.add(
                SelfPick(period_id=world.period, staff_id=world.staff["sara"], date=day(n), shift=shift)
            )
        session.commit()
    claimed(world, "sara", 4, "dag")
    exc = refused_claim(world, "sara", 3, "aften")  # 23:00, then 07:00 on the 5th
    assert exc.code == "daily_rest" and exc.params["date"] == day(3)


def test_claim_messages_in_english_name_the_rule(world: World) -> None:
    claimed(world, "mette", 2, "dag")
    response = claim(world, "mette", 1, "aften")
    assert response.status_code == 409
    assert "rest" in response.json()["detail"] and "11 h" in response.json()["detail"]


# ---- item 3: a veto on a worked day -----------------------------------------------------------------


def test_a_veto_on_a_claimed_or_locked_day_is_refused(world: World) -> None:
    claimed(world, "mette", 2, "dag", "uldum-1")
    veto = {"staff_id": world.staff["mette"], "date": iso(2), "kind": "veto"}
    response = world.post("mette", f"/periods/{world.period}/wishes", json=veto)
    assert response.status_code == 409
    data = WishCreate(staff_id=world.staff["mette"], date=day(2), kind="veto")
    exc = refused(world, "mette", lambda s, a: services.create_wish(world.period, data, session=s, actor=a))
    assert exc.code == "claimed"
    assert exc.params == {
        "date": day(2),
        "shift": "dag",
        "shift_name": "Dagvagt",
        "route": "uldum-1",
        "route_name": "Uldum 1",
    }
    add_lock(world, "mette", 4, "aften")
    veto = {**veto, "date": iso(4)}
    assert world.post("mette", f"/periods/{world.period}/wishes", json=veto).status_code == 409
    data = WishCreate(staff_id=world.staff["mette"], date=day(4), kind="veto")
    exc = refused(world, "mette", lambda s, a: services.create_wish(world.period, data, session=s, actor=a))
    assert exc.code == "lock" and exc.params["shift"] == "aften"
    assert ok(world.get("planner", f"/periods/{world.period}/wishes")) == []
    # a day locked off may be a veto day
    add_lock(world, "mette", 5, None)
    ok(world.post("mette", f"/periods/{world.period}/wishes", json={**veto, "date": iso(5)}), 201)


def test_the_veto_limit_is_a_rule_refusal(world: World) -> None:
    for n in (0, 1):
        ok(
            world.post(
                "ali",
                f"/periods/{world.period}/wishes",
                json={"staff_id": world.staff["ali"], "date": iso(n), "kind": "veto"},
            ),
            201,
        )
    data = WishCreate(staff_id=world.staff["ali"], date=day(2), kind="veto")
    exc = refused(world, "ali", lambda s, a: services.create_wish(world.period, data, session=s, actor=a))
    assert exc.code == "veto_limit" and exc.params == {"limit": 2}


# ---- item 7: the planner's cell editor --------------------------------------------------------------


def _edit(
    world: World, rota: int, who: str, n: int, action: str, shift: str | None = None, route: str | None = None
) -> Any:
    body: dict[str, Any] = {"action": action}
    if shift:
        body["shift"] = shift
    if route:
        body["route"] = route
    return world.put("planner", f"/rotas/{rota}/cells/{world.staff[who]}/{iso(n)}", json=body)


def _locks(world: World) -> set[tuple[int, str, str | None]]:
    return {
        (lk["staff_id"], lk["date"], lk["shift"])
        for lk in ok(world.get("planner", f"/periods/{world.period}/locks"))
    }


def _refused_edit(
    world: World, rota: int, who: str, n: int, shift: str, route: str | None = None
) -> RuleRefusal:
    before = _locks(world)
    response = _edit(world, rota, who, n, "change", shift, route)
    assert response.status_code == 409, response.text
    assert _locks(world) == before  # nothing stored
    edit = CellEdit(action="change", shift=shift, route=route)
    return refused(
        world,
        "planner",
        lambda s, a: services.edit_cell(rota, world.staff[who], day(n), edit, session=s, actor=a),
    )


def test_a_lock_that_cannot_hold_is_refused_and_nothing_is_stored(world: World) -> None:
    veto = {"staff_id": world.staff["mette"], "date": iso(3), "kind": "veto"}
    ok(world.post("mette", f"/periods/{world.period}/wishes", json=veto), 201)
    change_staff(world, "sara", absences=[{"start": iso(5), "end": iso(6), "reason": "Ferie"}])
    rota = solve_period(world)["id"]

    exc = _refused_edit(world, rota, "mette", 3, "dag")
    assert (exc.code, exc.params) == ("veto", {"date": day(3)})
    exc = _refused_edit(world, rota, "sara", 6, "aften")
    assert exc.code == "absence" and exc.params["reason"] == "Ferie"

    # two locks 8 h apart: the second is refused, whichever way round
    ok(_edit(world, rota, "ali", 1, "change", "aften"))
    exc = _refused_edit(world, rota, "ali", 2, "dag")
    assert exc.code == "daily_rest" and exc.params["rest"] == 480
    ok(_edit(world, rota, "ali", 4, "change", "dag"))
    assert _refused_edit(world, rota, "ali", 3, "aften").code == "daily_rest"
    # replacing a lock by one that fits is fine; so is a day off
    ok(_edit(world, rota, "ali", 2, "change", "aften"))
    ok(_edit(world, rota, "ali", 3, "clear"))

    # a route slot locked for another person
    ok(_edit(world, rota, "mette", 0, "change", "dag", "uldum-1"))
    exc = _refused_edit(world, rota, "sara", 0, "dag", "uldum-1")
    assert exc.code == "route_locked"
    assert exc.params == {
        "date": day(0),
        "shift": "dag",
        "shift_name": "Dagvagt",
        "route": "uldum-1",
        "route_name": "Uldum 1",
        "name": "Mette",
    }
    # a route of another shift stays an input error (the editor shows it at the field)
    assert _edit(world, rota, "sara", 1, "change", "aften", "uldum-1").status_code == 422


def test_a_lock_ignores_the_draft_and_the_claims_but_not_the_other_locks(world: World) -> None:
    claimed(world, "mette", 2, "dag")
    rota = solve_period(world)["id"]
    # The planner overrides a claim freely: only locks are fixed for her.
    ok(_edit(world, rota, "mette", 1, "change", "aften"))


# ---- item 14: favourite routes -----------------------------------------------------------------------


def test_a_route_without_the_skills_cannot_be_a_favourite(world: World) -> None:
    route = {"code": "sygepleje", "name": "Sygepleje", "shifts": ["dag"], "skills": ["sygeplejerske"]}
    ok(world.post("planner", f"/teams/{world.team}/routes", json=route), 201)
    exc = refused(
        world,
        "mette",
        lambda s, a: services.set_favourite_routes(
            world.staff["mette"], ["uldum-1", "sygepleje"], session=s, actor=a
        ),
    )
    assert exc.code == "route"
    assert exc.params == {
        "route": "sygepleje",
        "route_name": "Sygepleje",
        "why": "skills",
        "skills": ["sygeplejerske"],
    }
    assert ok(world.get("planner", f"/staff/{world.staff['mette']}"))["favourite_routes"] == []
    with Session(world.engine) as session:
        services.set_favourite_routes(
            world.staff["mette"], ["uldum-1"], session=session, actor=actor(world, "mette")
        )
    assert ok(world.get("planner", f"/staff/{world.staff['mette']}"))["favourite_routes"] == ["uldum-1"]


# ---- one winner -------------------------------------------------------------------------------------


@pytest.fixture
def file_world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:  # a file (or server) database: parallel connections
        yield from build_world(engine)


def test_two_people_taking_one_slot_at_once_leave_one_winner(file_world: World) -> None:
    w = file_world

    def take(who: str) -> int:
        return int(claim(w, who, 2, "dag", "uldum-1").status_code)

    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(take, ["mette", "ali", "sara"] * 2))
    assert Counter(codes) == {201: 1, 409: 5}
    with Session(w.engine) as session:
        rows = session.exec(select(SelfPick).where(SelfPick.route == "uldum-1")).all()
    assert len(rows) == 1
