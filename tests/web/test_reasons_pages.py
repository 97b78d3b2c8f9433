"""Issue 14 on the pages: the planner reads the reasons of unmet wishes on the rota page, finds and applies
the smallest fix of an infeasible period, and reads the fairness ledger and switches its setting; a staff
member reads the reason of their own unmet wish and their own fairness line — all in Danish."""

from __future__ import annotations

import json
import re

import pytest
from service.helpers import START, checked, ok
from service.test_reasons_fixes_fairness import _avoid_the_first_evening, _infeasible
from sqlmodel import Session, select

from api.web.explain import say
from planner.models import AuditEntry, Rota
from web.helpers import Web, text_of

SOLVE = {"time_limit": "2", "workers": "1", "seed": "0"}
ENGLISH = ("granting it", "filling it", "loses a wish", "also wanted", "Reasons for", "drop ", "lower ")


def _solved(web: Web) -> int:
    world = web.world
    assert web.post("planner", f"/web/periods/{world.period}/close").status_code == 303
    response = web.post("planner", f"/web/periods/{world.period}/solve", SOLVE)
    assert response.status_code == 303
    job = ok(world.get("planner", f"/solve-jobs/{response.headers['location'].rsplit('/', 1)[1]}"))
    checked(world, job["rota_id"])
    return int(job["rota_id"])


def test_the_rota_page_gives_each_unmet_wish_its_reason_in_danish(web: Web) -> None:
    _avoid_the_first_evening(web.world)
    rota_id = _solved(web)
    text = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Årsager til uopfyldte ønsker og udækkede vagter" in text
    reasons = ok(web.world.get("planner", f"/rotas/{rota_id}/reasons"))["reasons"]
    wish = next(r for r in reasons if r["item"]["kind"] == "wish" and r["status"] == "priced")
    if wish["cost"] > 0:
        assert f"at opfylde det alene ville koste {wish['cost']} mere" in text
    else:
        assert "at opfylde det ville koste lige så meget andetsteds, som det sparer" in text
    about = say(wish["item"], "da")  # the unmet wish itself, as the review page words it
    assert about in text and about.startswith(
        {"mette": "Mette", "ali": "Ali", "sara": "Sara"}[wish["item"]["staff"]]
    )
    assert not [w for w in ENGLISH if w in text]
    web.get("planner", f"/web/language/en?back=/web/rotas/{rota_id}")
    english = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Reasons for unmet wishes and unfilled slots" in english and wish["explanation"] in english
    # Working them out again is a button; staff cannot.
    again = web.post("planner", f"/web/rotas/{rota_id}/reasons")
    assert again.status_code == 303 and again.headers["location"].endswith("#reasons-h")
    assert web.post("mette", f"/web/rotas/{rota_id}/reasons").status_code == 403


def test_a_staff_member_reads_why_their_own_wish_was_not_granted_and_their_share(web: Web) -> None:
    _avoid_the_first_evening(web.world)
    rota_id = _solved(web)
    assert web.post("planner", f"/web/rotas/{rota_id}/publish").status_code == 303
    with Session(web.world.engine) as session:
        rota = session.get(Rota, rota_id)
        assert rota is not None
        loser = next(p["staff"] for p in rota.penalties if p["family"] == "wish")
    text = text_of(web.get(loser, f"/web/me/periods/{web.world.period}/rota").text)
    assert "Hvorfor:" in text
    assert "Min andel over perioderne" in text and "Denne periode: 0 af de 1 i ønskevægt" in text
    assert not [w for w in ENGLISH if w in text]
    other = next(who for who in ("mette", "ali", "sara") if who != loser)
    other_text = text_of(web.get(other, f"/web/me/periods/{web.world.period}/rota").text)
    assert "Hvorfor:" not in other_text and "Denne periode: 1 af de 1 i ønskevægt" in other_text


def test_the_planner_applies_the_smallest_fix_and_the_period_solves(web: Web) -> None:
    world = web.world
    _infeasible(world)
    assert web.post("planner", f"/web/periods/{world.period}/close").status_code == 303
    response = web.post("planner", f"/web/periods/{world.period}/solve", SOLVE)
    job_page = text_of(web.get("planner", response.headers["location"]).text)
    assert "Find de mindste ændringer, der gør en vagtplan mulig" in job_page
    page = web.get("planner", f"/web/periods/{world.period}/fixes")
    text = text_of(page.text)
    day = START.replace(day=START.day + 3)
    assert "fjern Mettes vetodag" in text and "sænk Mettes minimum fra 48 til 40 timer" in text
    assert not [w for w in ENGLISH if w in text]
    forms = re.findall(r'name="relaxations" value="([^"]+)"', page.text)
    first = json.loads(forms[0].replace("&#34;", '"').replace("&quot;", '"'))
    assert first[0]["kind"] == "drop_veto" and first[0]["date"] == day.isoformat()
    applied = web.post("planner", f"/web/periods/{world.period}/fixes", {"relaxations": json.dumps(first)})
    assert applied.status_code == 303
    job = ok(world.get("planner", f"/solve-jobs/{applied.headers['location'].rsplit('/', 1)[1]}"))
    assert job["outcome"] == "rota"
    checked(world, job["rota_id"])
    with Session(world.engine) as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "apply fix")).one()
    # The same fix again: the veto is gone; the page says so in Danish, nothing else changes.
    again = web.post("planner", f"/web/periods/{world.period}/fixes", {"relaxations": json.dumps(first)})
    assert again.status_code == 422 and "findes ikke" in text_of(again.text)
    tampered = web.post("planner", f"/web/periods/{world.period}/fixes", {"relaxations": "[{]"})
    assert tampered.status_code == 422 and "Ændringen kunne ikke læses." in text_of(tampered.text)
    assert web.get("mette", f"/web/periods/{world.period}/fixes").status_code == 403


def test_the_fairness_page_shows_the_ledger_and_switches_the_setting(web: Web) -> None:
    _avoid_the_first_evening(web.world)
    rota_id = _solved(web)
    text = text_of(web.get("planner", "/web/fairness").text)
    assert "Der er ikke offentliggjort nogen vagtplan endnu." in text
    assert web.post("planner", f"/web/rotas/{rota_id}/publish").status_code == 303
    page = web.get("planner", "/web/fairness")
    text = text_of(page.text)
    assert "Retfærdighed over perioderne" in text and "Ønskevægt opfyldt" in text
    assert "0/1 (0 %)" in text and "1/1 (100 %)" in text and "(når det er slået til)" in text
    assert 'name="on" value="1" checked' not in page.text
    assert web.post("planner", "/web/fairness", {"on": "1"}).status_code == 303
    assert ok(web.world.get("planner", f"/teams/{web.world.team}/rules"))["fairness_from_history"] is True
    assert 'name="on" value="1" checked' in web.get("planner", "/web/fairness").text
    assert web.post("planner", "/web/fairness", {}).status_code == 303
    assert ok(web.world.get("planner", f"/teams/{web.world.team}/rules"))["fairness_from_history"] is False
    assert web.get("mette", "/web/fairness").status_code == 403


def test_reasons_not_worked_out_or_not_reached_say_so(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    _avoid_the_first_evening(web.world)
    monkeypatch.setenv("PUSLEPLAN_REASONS_BUDGET", "0")  # none worked out after the solve
    rota_id = _solved(web)
    text = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Årsagerne er ikke beregnet for denne vagtplan endnu." in text
    assert ok(web.world.get("planner", f"/rotas/{rota_id}/reasons"))["worked_out"] is False
    monkeypatch.setenv("PUSLEPLAN_REASONS_BUDGET", "0.01")  # too little for any item
    assert web.post("planner", f"/web/rotas/{rota_id}/reasons").status_code == 303
    reasons = ok(web.world.get("planner", f"/rotas/{rota_id}/reasons"))["reasons"]
    assert reasons and all(r["status"] == "not_reached" for r in reasons)
    text = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    left = f"Yderligere {len(reasons)} nåede ikke at blive beregnet i den tid, der var afsat til årsager."
    assert left in text and "Alle ønsker er opfyldt" not in text
    # The staff member whose wish it was reads that too, not a made-up reason.
    assert web.post("planner", f"/web/rotas/{rota_id}/publish").status_code == 303
    loser = next(r["item"]["staff"] for r in reasons if r["item"]["kind"] == "wish")
    mine = text_of(web.get(loser, f"/web/me/periods/{web.world.period}/rota").text)
    assert "Hvorfor: ikke beregnet: tiden til årsagerne slap op først" in mine
