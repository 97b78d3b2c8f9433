"""The pages of life after publication (issue 13), in Danish as the team meets them: a colleague's shift
offered on the phone, taken by one who may, approved by the planner; a sickness reported from the phone,
and the planner's re-plan from that day with who changes, published. Every version passes the checker."""

from __future__ import annotations

from typing import Any

import pytest
from service.helpers import checked, ok, solve_period

from web.helpers import Web, text_of


def current(web: Web) -> dict[str, Any]:
    return ok(web.world.get("planner", f"/periods/{web.world.period}/rota"))


def _eligible(web: Web, offer_id: int, who: str) -> bool:
    seen = ok(web.world.get(who, f"/staff/{web.world.staff[who]}/available-offers"))
    return any(s["offer"]["id"] == offer_id for s in seen)


def test_offer_take_approve_and_history_on_the_pages(web: Web) -> None:
    w = web.world
    rota = solve_period(w, publish=True)
    people = ("mette", "ali", "sara")
    for shift in rota["assignments"]:
        giver = shift["staff"]
        page = web.get(giver, "/web/me/exchange")
        assert page.status_code == 200 and "Byt eller giv en vagt væk" in page.text
        posted = web.post(giver, "/web/me/exchange/offer", {"shift": f"{w.period}:{shift['date']}", "to": ""})
        assert posted.status_code == 303, posted.text
        offer = ok(w.get(giver, f"/staff/{w.staff[giver]}/offers"))[0]
        takers = [p for p in people if p != giver and _eligible(web, offer["id"], p)]
        if takers:
            break
        ok(w.post(giver, f"/offers/{offer['id']}/withdraw"))
    else:
        raise AssertionError("no shift can be handed over")
    taker = takers[0]
    for other in (p for p in people if p not in (giver, takers[0])):
        shown = text_of(web.get(other, "/web/me/exchange").text)
        assert (giver.capitalize() in shown and "Tag vagten" in shown) == (other in takers)
    shown = text_of(web.get(taker, "/web/me/exchange").text)
    assert "Ledige vagter fra kolleger" in shown and f"Fra {giver.capitalize()}" in shown
    assert "Dine timer i perioden" in shown
    took = web.post(taker, f"/web/me/exchange/{offer['id']}/take")
    assert took.status_code == 303 and took.headers["location"].endswith("done=taken")
    after = text_of(web.get(taker, took.headers["location"]).text)
    assert "Den er din, når planlæggeren godkender" in after and "Taget, venter på planlæggeren" in after
    # a second tap: said in Danish, nothing changes
    again = web.post(taker, f"/web/me/exchange/{offer['id']}/take")
    assert again.status_code == 409 and "allerede taget" in text_of(again.text)
    # the planner approves on the period's changes page
    planner_page = text_of(web.get("planner", f"/web/periods/{w.period}/changes").text)
    assert "Vagtbytter der venter på godkendelse" in planner_page
    approved = web.post("planner", f"/web/periods/{w.period}/offers/{offer['id']}/approve")
    assert approved.status_code == 303
    now = current(web)
    assert now["id"] != rota["id"]
    checked(w, now["id"])
    history = text_of(web.get(giver, "/web/me/changes").text)
    assert "Mine ændringer" in history and f"overtaget af {taker.capitalize()}" in history
    planner_page = text_of(web.get("planner", f"/web/periods/{w.period}/changes").text)
    assert "Overdragelse" in planner_page and "godkendt af planner" in planner_page


def test_sick_from_the_phone_then_replan_with_who_changes_and_publish(web: Web) -> None:
    w = web.world
    rota = solve_period(w, publish=True)
    day = next(
        a["date"] for a in sorted(rota["assignments"], key=lambda a: a["date"])[3:] if a["staff"] == "sara"
    )
    form = web.get("sara", "/web/me/sick")
    assert form.status_code == 200 and "Meld syg" in form.text
    past = web.post("sara", "/web/me/sick", {"start": "2020-01-06", "end": ""})
    assert past.status_code == 422 and "spørg planlæggeren" in text_of(past.text)
    sick = web.post("sara", "/web/me/sick", {"start": day, "end": ""})
    assert sick.status_code == 303
    assert "God bedring" in web.get("sara", sick.headers["location"]).text
    holed = current(web)
    checked(w, holed["id"])
    assert not [a for a in holed["assignments"] if a["staff"] == "sara" and a["date"] == day]
    assert "taget ud: syg" in text_of(web.get("sara", "/web/me/changes").text)
    started = web.post("planner", f"/web/periods/{w.period}/replan", {"from_date": day, "time_limit": "2"})
    assert started.status_code == 303 and "/web/jobs/" in started.headers["location"]
    job_id = int(started.headers["location"].rsplit("/", 1)[1])
    job = ok(w.get("planner", f"/solve-jobs/{job_id}"))
    assert "Se hvem der ændres" in web.get("planner", f"/web/jobs/{job_id}").text
    diff_page = text_of(web.get("planner", f"/web/rotas/{job['rota_id']}/replan").text)
    diff = ok(w.get("planner", f"/rotas/{job['rota_id']}/replan-diff"))
    assert "Omplanlægning: hvem ændres" in diff_page
    for person in diff["people"]:
        assert person["name"] in diff_page
    published = web.post("planner", f"/web/rotas/{job['rota_id']}/publish")
    assert published.status_code == 303
    assert current(web)["id"] == job["rota_id"]
    checked(w, job["rota_id"])
    assert "Omplanlægning" in text_of(web.get("planner", f"/web/periods/{w.period}/changes").text)


def test_the_pages_are_for_their_own_people(web: Web) -> None:
    solve_period(web.world, publish=True)
    assert web.get("planner", "/web/me/exchange").status_code == 403
    assert web.get("mette", f"/web/periods/{web.world.period}/changes").status_code == 403
    assert (
        web.post("mette", f"/web/periods/{web.world.period}/replan", {"from_date": "2027-03-02"}).status_code
        == 403
    )


def test_the_planner_gives_a_hole_to_someone_who_can_take_it(web: Web) -> None:
    w = web.world
    rota = solve_period(w, publish=True)
    sick = next(a for a in sorted(rota["assignments"], key=lambda a: a["date"])[3:] if a["staff"] == "sara")
    web.post(
        "planner",
        f"/web/periods/{w.period}/sickness",
        {"staff_id": str(w.staff["sara"]), "start": sick["date"]},
    )
    holed = current(web)
    checked(w, holed["id"])
    url = f"/web/rotas/{holed['id']}/candidates"
    page = web.get("planner", url, params={"date": sick["date"], "shift": sick["shift"]})
    found = ok(
        w.get(
            "planner",
            f"/rotas/{holed['id']}/candidates",
            params={"date": sick["date"], "shift": sick["shift"]},
        )
    )
    free = [c for c in found if c["now"] is None and c["staff"] != "sara"]
    if not free:
        pytest.skip("nobody off that day could take the hole")
    assert f"Giv vagten til {free[0]['name']}" in text_of(page.text)
    given = web.post(
        "planner",
        f"/web/rotas/{holed['id']}/give",
        {"staff_id": str(w.staff[free[0]["staff"]]), "date": sick["date"], "shift": sick["shift"]},
    )
    assert given.status_code == 303, given.text
    now = current(web)
    assert now["from_rota"] == holed["id"]
    checked(w, now["id"])
    assert any(a["staff"] == free[0]["staff"] and a["date"] == sick["date"] for a in now["assignments"])
    # an older version offers nothing to give
    assert (
        "Giv vagten til"
        not in web.get("planner", url, params={"date": sick["date"], "shift": sick["shift"]}).text
    )
