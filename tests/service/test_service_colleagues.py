"""Issue 17 item 6: a staff member sees who their colleagues are and what they can do, never their
personal data — absences and their reasons (sick leave is health data), contracts, fixed days off,
favourite routes, nor how many of their wishes the published rota granted. Their own record and their own
fulfilment they see in full; the planner sees everyone's."""

from __future__ import annotations

import datetime as dt

from service.helpers import START, World, ok, solve_period

PRIVATE = ("contract", "days_off", "weekdays_off", "absences", "favourite_routes", "favourite_districts")


def _give_ali_personal_data(world: World) -> None:
    url = f"/staff/{world.staff['ali']}"
    ali = ok(world.get("planner", url))
    ali.update(
        contract={"max_minutes": 2400, "min_minutes": 1200},
        absences=[{"start": START.isoformat(), "end": START.isoformat(), "reason": "sygemeldt: ryg"}],
        days_off=[(START + dt.timedelta(days=5)).isoformat()],
        favourite_routes=["uldum-1"],
    )
    body = {k: v for k, v in ali.items() if k not in {"id", "team_id"}}
    ok(world.client.put(url, json=body, headers=world.as_("planner")))


def test_staff_see_colleagues_without_their_personal_data(world: World) -> None:
    _give_ali_personal_data(world)
    listed = {p["code"]: p for p in ok(world.get("mette", f"/teams/{world.team}/staff"))}
    assert set(listed) == {"mette", "ali", "sara"}
    ali = listed["ali"]
    assert ali["name"] == "Ali" and ali["skills"] == ["sosu-assistent"]
    for field in PRIVATE:
        assert field not in ali, field
    assert "sygemeldt" not in world.get("mette", f"/teams/{world.team}/staff").text
    one = ok(world.get("mette", f"/staff/{world.staff['ali']}"))
    assert not set(PRIVATE) & set(one) and one["code"] == "ali"

    own = listed["mette"]  # her own record in full
    assert set(PRIVATE) <= set(own)
    assert set(PRIVATE) <= set(ok(world.get("mette", f"/staff/{world.staff['mette']}")))
    planner_view = {p["code"]: p for p in ok(world.get("planner", f"/teams/{world.team}/staff"))}
    assert planner_view["ali"]["absences"][0]["reason"] == "sygemeldt: ryg"
    assert planner_view["ali"]["contract"]["max_minutes"] == 2400


def test_staff_see_only_their_own_fulfilment_in_the_published_rota(world: World) -> None:
    rota = solve_period(world, publish=True)
    as_planner = ok(world.get("planner", f"/rotas/{rota['id']}"))
    assert {f["staff"] for f in as_planner["fulfilment"]} == {"mette", "ali", "sara"}
    for url in (f"/rotas/{rota['id']}", f"/periods/{world.period}/rota"):
        as_mette = ok(world.get("mette", url))
        assert [f["staff"] for f in as_mette["fulfilment"]] == ["mette"]
        assert {p.get("staff") for p in as_mette["penalties"]} <= {"mette", None}
        assert {c.get("staff") for c in as_mette["conflicts"]} <= {"mette", None}
        # The rota itself (who works when) is the team's: every assignment stays.
        assert len(as_mette["assignments"]) == len(as_planner["assignments"])
