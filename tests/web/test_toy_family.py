"""A soft rule family added through the registry alone (`solver/families.py`, plus its own Danish words)
reaches every floor without an edit to `planner/` or `api/`: its weight on the rules form and stored with
the team's rules, its cost in the solve and the checker, its heading and Danish sentence on the review
page. The toy family: working on the 13th of a month costs `weights.thirteenth` (tests/test_families.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from service.helpers import START, checked, ok
from test_families import THIRTEENTH

from planner import texts
from solver import families
from web.helpers import Web, text_of

DANISH = {
    "No work on the 13th": "Fri den 13.",
    "Working on the 13th": "Arbejde den 13. i en måned",
    "{who}, {date}: works on the 13th": "{who} arbejder den 13. ({date})",
}


@pytest.fixture
def thirteenth() -> Iterator[None]:
    texts.add_translations(DANISH, "da")
    with families.registered(THIRTEENTH):
        yield


def test_a_family_from_the_registry_is_on_the_rules_form_in_the_solve_and_on_the_review_page(
    web: Web, thirteenth: None
) -> None:
    world = web.world
    form = web.get("planner", "/web/team/rules")
    assert "Arbejde den 13. i en måned" in text_of(form.text)
    assert re.search(r'name="weights\.thirteenth" type="number" value="2"', form.text)  # its default

    saved = web.post("planner", "/web/team/rules", {"weights.thirteenth": "40", "weights.continuity": "3"})
    assert saved.status_code == 303, saved.text
    weights = ok(world.get("planner", f"/teams/{world.team}/rules"))["weights"]
    assert weights["thirteenth"] == 40 and weights["fairness"] == 2
    assert "Arbejde den 13. i en måned" in text_of(web.get("planner", "/web/team").text)

    # A week with the 13th (a Saturday) in it, solved from the period page.
    week = START + dt.timedelta(days=7)
    assert week <= dt.date(2027, 3, 13) < week + dt.timedelta(days=7)
    period = ok(
        world.post("planner", f"/teams/{world.team}/periods", json={"start": week.isoformat(), "days": 7}),
        201,
    )
    ok(world.post("planner", f"/periods/{period['id']}/open"))
    ok(world.post("planner", f"/periods/{period['id']}/close"))
    started = web.post("planner", f"/web/periods/{period['id']}/solve", {"time_limit": "2", "workers": "1"})
    assert started.status_code == 303, started.text
    job = ok(world.get("planner", f"/solve-jobs/{started.headers['location'].rsplit('/', 1)[1]}"))
    assert job["state"] == "done", job
    checked(world, job["rota_id"])  # the checker prices the toy family like the model did
    rota = ok(world.get("planner", f"/rotas/{job['rota_id']}"))
    costs = [p for p in rota["penalties"] if p["family"] == "thirteenth"]
    # Cover on the 13th needs people, and a day short costs more than 40: someone works and it costs.
    assert costs and all(p["cost"] == 40 and p["date"] == "2027-03-13" for p in costs)

    page = text_of(web.get("planner", f"/web/rotas/{job['rota_id']}").text)
    assert "Fri den 13." in page
    names = {p["staff"]: p["params"]["who"] for p in costs}
    for who in names.values():
        assert f"{who} arbejder den 13. (lør. 13. mar.)" in page
    assert "works on the 13th" not in page
