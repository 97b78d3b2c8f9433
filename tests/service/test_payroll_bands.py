"""Payroll's time bands per team (issue 15): the rules carry them with the Danish defaults, a band out of
order is a 422 naming its field, the export splits at the team's bands as set now, and rows per
calendar month come on asking (`by=month`; anything else is a 422 naming `by`)."""

from __future__ import annotations

import datetime as dt

from service.helpers import World, ok, solve_period


def _totals(text: str) -> dict[str, dict[str, float]]:
    lines = text.splitlines()
    head = lines[0].split(",")
    rows = [dict(zip(head, line.split(","), strict=True)) for line in lines[1:]]
    return {
        r["staff_id"]: {k: float(v) for k, v in r.items() if k.endswith("_hours")}
        for r in rows
        if r[head[2]] == "all"
    }


def test_the_bands_are_the_teams_and_checked(world: World) -> None:
    rules = ok(world.get("planner", f"/teams/{world.team}/rules"))
    assert (rules["pay_day_start"], rules["pay_evening_start"], rules["pay_night_start"]) == (
        "06:00:00",
        "17:00:00",
        "23:00:00",
    )
    rota = solve_period(world, publish=True)
    before = _totals(world.get("planner", f"/rotas/{rota['id']}/payroll.csv").text)
    weekday_evenings = {
        a["staff"]
        for a in rota["assignments"]
        if a["shift"] == "aften" and dt.date.fromisoformat(a["date"]).weekday() < 5
    }
    assert weekday_evenings and all(before[s]["evening_hours"] >= 6 for s in weekday_evenings)

    bad = world.put("planner", f"/teams/{world.team}/rules", json={**rules, "pay_evening_start": "05:00"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "pay_evening_start"
    bad = world.put("planner", f"/teams/{world.team}/rules", json={**rules, "pay_night_start": "16:00"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "pay_night_start"
    # a time with an offset (JSON's number of seconds reads as one) is compared as a clock time: no 500
    bad = world.put("planner", f"/teams/{world.team}/rules", json={**rules, "pay_night_start": 0})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "pay_night_start"

    # evening hours from 22:00: an evening shift 15–23 is 7 h day and 1 h evening on a weekday
    ok(world.put("planner", f"/teams/{world.team}/rules", json={**rules, "pay_evening_start": "22:00"}))
    after = _totals(world.get("planner", f"/rotas/{rota['id']}/payroll.csv").text)
    assert {s: r["total_hours"] for s, r in after.items()} == {s: r["total_hours"] for s, r in before.items()}
    assert sum(r["evening_hours"] for r in after.values()) < sum(r["evening_hours"] for r in before.values())

    month = world.get("planner", f"/rotas/{rota['id']}/payroll.csv?by=month&excel=true")
    assert month.status_code == 200 and month.text.startswith("\ufeffstaff_id;staff_name;month;")
    assert ";2027-03;" in month.text
    wrong = world.get("planner", f"/rotas/{rota['id']}/payroll.csv?by=year")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["query", "by"]
    assert world.get("mette", f"/rotas/{rota['id']}/payroll.csv").status_code == 403
