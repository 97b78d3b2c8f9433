"""The planner's team set-up pages: what the team leader sees, and what the forms store (read back through
the JSON API)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from service.helpers import PASSWORD, START
from sqlmodel import Session

from api.web.common import SESSION_COOKIE
from planner.auth import csrf_token, hash_password
from planner.models import User
from web.helpers import Web, text_of


def api(web: Web, url: str) -> Any:
    response = web.world.get("planner", url)
    assert response.status_code == 200, response.text
    return response.json()


def staff_by_code(web: Web) -> dict[str, Any]:
    return {p["code"]: p for p in api(web, f"/teams/{web.world.team}/staff")}


def shift_by_code(web: Web) -> dict[str, Any]:
    return {s["code"]: s for s in api(web, f"/teams/{web.world.team}/shift-types")}


def field_message(html: str, field_id: str) -> str:
    """The message shown next to one input (`<small class="field-error" id="<input id>-error">`)."""
    match = re.search(rf'<small class="field-error" id="{re.escape(field_id)}-error">(.*?)</small>', html)
    assert match, f"no message at {field_id}"
    return match.group(1)


STAFF_FORM = {
    "code": "jonas",
    "name": "Jonas Holm",
    "skills": "sosu-hjælper, medicin",
    "contract.weekly_hours": "32",
    "contract.min_minutes": "",
    "contract.max_minutes": "40",
    "weekdays_off": ["6"],
    "days_off": "2027-03-03",
    "absences": "",
    "favourite_districts": "",
}


def test_overview_lists_the_team_in_danish(web: Web) -> None:
    response = web.get("planner", "/web/team")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Opsætning af teamet" in text and "Uldum" in text
    for name in ("Mette", "Ali", "Sara"):
        assert name in text
    assert "Dagvagt" in text and "Aftenvagt" in text and "07:00" in text and "15:00" in text
    assert 'class="swatch shift-0"' in response.text and 'class="swatch shift-1"' in response.text
    assert "Uldum 1" in text and "Alle dage" in text  # the route, driven every day
    assert "11 timers hvile mellem vagter" in text
    assert "35 timers sammenhængende hvile hver uge" in text
    assert "Højst 48 timer om ugen i gennemsnit" in text
    assert text.count("Intet login") == 0  # all three have a sign-in
    assert 'href="/web/periods"' in response.text


def test_staff_gets_the_403_page(web: Web) -> None:
    for url in (
        "/web/team",
        "/web/team/staff/new",
        "/web/team/rules",
        f"/web/team/staff/{web.world.staff['ali']}",
    ):
        response = web.get("mette", url)
        assert response.status_code == 403, url
        assert "Ikke tilladt" in response.text
        assert "kun planlæggere kan åbne denne side" in text_of(response.text)  # the reason, in Danish
        assert "only planners" not in response.text
    before = staff_by_code(web)
    refused = web.post("mette", "/web/team/staff/new", STAFF_FORM)
    assert refused.status_code == 403
    assert staff_by_code(web) == before


def test_creating_a_staff_member_stores_the_contract_and_lists_them(web: Web) -> None:
    form = web.get("planner", "/web/team/staff/new")
    assert form.status_code == 200
    assert "Timer pr. uge" in text_of(form.text)
    for day in ("mandag", "søndag"):
        assert day in text_of(form.text)
    response = web.post("planner", "/web/team/staff/new", STAFF_FORM)
    assert response.status_code == 303, response.text
    stored = staff_by_code(web)["jonas"]
    assert stored["name"] == "Jonas Holm"
    assert stored["skills"] == ["sosu-hjælper", "medicin"]
    assert stored["contract"]["weekly_hours"] == 32
    assert stored["contract"]["max_minutes"] == 40 * 60
    assert stored["contract"]["min_minutes"] is None
    assert stored["weekdays_off"] == [6]
    assert stored["days_off"] == ["2027-03-03"]
    page = text_of(web.get("planner", response.headers["location"]).text)
    assert "Gemt." in page and "Jonas Holm" in page and "Intet login" in page
    edit = web.get("planner", f"/web/team/staff/{stored['id']}").text
    assert 'name="contract.weekly_hours" type="number" value="32"' in edit
    assert 'name="contract.max_minutes" type="number" value="40"' in edit
    assert 'name="weekdays_off" value="6" checked' in edit and 'name="weekdays_off" value="5">' in edit


def test_bad_weekly_hours_come_back_at_the_field_and_nothing_is_stored(web: Web) -> None:
    before = staff_by_code(web)
    bad = {**STAFF_FORM, "contract.weekly_hours": "-3", "absences": "2027-03-05 2027-03-01 Ferie"}
    response = web.post("planner", "/web/team/staff/new", bad)
    assert response.status_code == 422
    assert field_message(response.text, "f-contract-weekly_hours") == "Skal være mindst 0."
    assert field_message(response.text, "f-absences") == "Sidste dag må ikke ligge før første dag."
    assert 'value="Jonas Holm"' in response.text  # what the planner typed is kept
    assert 'value="-3"' in response.text
    assert "Formularen har fejl" in text_of(response.text)
    assert staff_by_code(web) == before


def test_an_empty_code_asks_for_it_and_stores_nothing(web: Web) -> None:
    before = staff_by_code(web)
    response = web.post("planner", "/web/team/staff/new", {**STAFF_FORM, "code": " "})
    assert response.status_code == 422
    assert field_message(response.text, "f-code") == "Udfyld feltet."
    assert staff_by_code(web) == before


def test_fewest_hours_above_most_hours_is_explained_at_the_contract(web: Web) -> None:
    form = {**STAFF_FORM, "contract.min_minutes": "50", "contract.max_minutes": "40"}
    response = web.post("planner", "/web/team/staff/new", form)
    assert response.status_code == 422
    assert "Det mindste antal må ikke være større end det højeste." in text_of(response.text)
    assert "jonas" not in staff_by_code(web)


def test_a_code_already_used_is_a_409_with_a_message_at_the_code(web: Web) -> None:
    response = web.post("planner", "/web/team/staff/new", {**STAFF_FORM, "code": "mette"})
    assert response.status_code == 409
    assert field_message(response.text, "f-code") == "Koden bruges allerede i teamet."
    assert [p["name"] for p in api(web, f"/teams/{web.world.team}/staff")].count("Jonas Holm") == 0


def test_editing_a_shift_types_start_time(web: Web) -> None:
    dag = shift_by_code(web)["dag"]
    form = web.get("planner", f"/web/team/shift-types/{dag['id']}")
    assert form.status_code == 200
    assert 'value="07:00"' in form.text and 'value="480"' in form.text
    response = web.post(
        "planner",
        f"/web/team/shift-types/{dag['id']}",
        {
            "code": "dag",
            "name": "Dagvagt",
            "start": "06:30",
            "minutes": "450",
            "skills": "",
            "forbidden_next": [],
        },
    )
    assert response.status_code == 303, response.text
    stored = shift_by_code(web)["dag"]
    assert stored["start"] == "06:30:00" and stored["minutes"] == 450
    assert "06:30" in text_of(web.get("planner", "/web/team").text)


def test_a_bad_start_time_is_shown_at_the_field(web: Web) -> None:
    dag = shift_by_code(web)["dag"]
    form = {"code": "dag", "name": "Dagvagt", "start": "25:99", "minutes": "480"}
    response = web.post("planner", f"/web/team/shift-types/{dag['id']}", form)
    assert response.status_code == 422
    assert field_message(response.text, "f-start") == "Skriv et klokkeslæt (tt:mm)."
    assert shift_by_code(web)["dag"]["start"] == "07:00:00"


def test_creating_a_route_with_weekdays_from_checkboxes(web: Web) -> None:
    form = {
        "code": "uldum-2",
        "name": "Uldum 2",
        "district": "Uldum Nord",
        "skills": "",
        "shifts": ["dag", "aften"],
        "weekdays": ["0", "2", "4"],
        "weight_unfilled": "100",
    }
    response = web.post("planner", "/web/team/routes/new", form)
    assert response.status_code == 303, response.text
    routes = {r["code"]: r for r in api(web, f"/teams/{web.world.team}/routes")}
    assert routes["uldum-2"]["weekdays"] == [0, 2, 4]
    assert routes["uldum-2"]["shifts"] == ["dag", "aften"]
    page = text_of(web.get("planner", "/web/team").text)
    assert "Uldum 2" in page and "man., ons., fre." in page


def test_a_route_without_a_shift_asks_for_one(web: Web) -> None:
    form = {"code": "uldum-3", "name": "Uldum 3", "weekdays": ["0"], "weight_unfilled": "100"}
    response = web.post("planner", "/web/team/routes/new", form)
    assert response.status_code == 422
    assert field_message(response.text, "f-shifts") == "Vælg mindst én."
    assert "uldum-3" not in {r["code"] for r in api(web, f"/teams/{web.world.team}/routes")}


def test_a_cover_rule_for_a_weekday(web: Web) -> None:
    form = {"shift": "aften", "skill": "", "weekday": "5", "date": "", "need": "2"}
    response = web.post("planner", "/web/team/cover/new", {**form, "weight_under": "100", "weight_over": "1"})
    assert response.status_code == 303, response.text
    rules = api(web, f"/teams/{web.world.team}/cover")
    saturday = [r for r in rules if r["weekday"] == 5]
    assert len(saturday) == 1 and saturday[0]["shift"] == "aften" and saturday[0]["need"] == 2
    assert saturday[0]["date"] is None and saturday[0]["skill"] is None
    assert "lørdag" in text_of(web.get("planner", "/web/team").text)
    both = web.post("planner", "/web/team/cover/new", {**form, "date": "2027-03-06"})
    assert both.status_code == 422
    assert "Vælg en ugedag eller en dato, ikke begge." in text_of(both.text)
    assert len(api(web, f"/teams/{web.world.team}/cover")) == len(rules)


def test_rules_round_trip(web: Web) -> None:
    form = web.get("planner", "/web/team/rules")
    assert form.status_code == 200
    assert 'value="11"' in form.text and 'value="35"' in form.text
    posted = {
        "min_rest_minutes": "10",
        "weekly_rest_minutes": "35",
        "max_average_weekly_hours": "48",
        "max_vetoes": "",
        "weights.contract_hour": "5",
        "weights.continuity": "0",
        "weights.fairness": "2",
        "weights.route_not_favourite": "",
        "forbidden_successions": ["aften dag"],
    }
    response = web.post("planner", "/web/team/rules", posted)
    assert response.status_code == 303, response.text
    rules = api(web, f"/teams/{web.world.team}/rules")
    assert rules["min_rest_minutes"] == 600
    assert rules["max_vetoes"] is None
    assert rules["forbidden_successions"] == [["aften", "dag"]]
    # an empty weight takes its default
    assert rules["weights"] == {"contract_hour": 5, "continuity": 0, "fairness": 2, "route_not_favourite": 1}
    page = text_of(web.get("planner", response.headers["location"]).text)
    assert "10 timers hvile mellem vagter" in page
    assert "Ingen grænse for vetodage" in page
    assert "Aldrig Dagvagt lige efter Aftenvagt" in page
    again = web.get("planner", "/web/team/rules").text
    assert 'value="10"' in again and 'value="aften dag" checked' in again
    assert re.search(r'name="weights\.continuity" type="number" value="0"', again)
    # "Weigh fairness by earlier periods" is on the form too: switched on, and kept by a later save.
    assert 'name="fairness_from_history" value="1" checked' not in again
    assert web.post("planner", "/web/team/rules", {**posted, "fairness_from_history": "1"}).status_code == 303
    assert api(web, f"/teams/{web.world.team}/rules")["fairness_from_history"] is True
    assert 'name="fairness_from_history" value="1" checked' in web.get("planner", "/web/team/rules").text


def test_bad_rules_are_refused_at_the_field(web: Web) -> None:
    response = web.post("planner", "/web/team/rules", {"min_rest_minutes": "-1", "weights.fairness": "x"})
    assert response.status_code == 422
    assert field_message(response.text, "f-min_rest_minutes") == "Skal være mindst 0."
    assert field_message(response.text, "f-weights-fairness") == "Skriv et helt tal."
    assert api(web, f"/teams/{web.world.team}/rules")["min_rest_minutes"] == 660


def test_approving_a_standing_wish(web: Web) -> None:
    mette = web.world.staff["mette"]
    proposal = {
        "staff_id": mette,
        "kind": "avoid",
        "shift": "aften",
        "weekdays": [4],
        "note": "Kor om fredagen",
    }
    created = web.world.post("mette", "/standing-wishes", json=proposal)
    assert created.status_code == 201, created.text
    wish_id = created.json()["id"]
    page = text_of(web.get("planner", "/web/team").text)
    assert "Mette vil helst undgå Aftenvagt (fre.)" in page and "Kor om fredagen" in page
    response = web.post("planner", f"/web/team/agreements/{wish_id}/approve")
    assert response.status_code == 303
    stored = {w["id"]: w for w in api(web, f"/teams/{web.world.team}/standing-wishes")}
    assert stored[wish_id]["approved"] is True
    after = text_of(web.get("planner", response.headers["location"]).text)
    assert "Aftalen er godkendt" in after and "Ingen aftaler venter på godkendelse." in after


def test_deleting_asks_first_and_refuses_a_person_still_in_use(web: Web) -> None:
    ali = web.world.staff["ali"]
    confirm = web.get("planner", f"/web/team/staff/{ali}/delete")
    assert confirm.status_code == 200 and "Er du sikker?" in text_of(confirm.text)
    assert f'action="/web/team/staff/{ali}/delete"' in confirm.text
    wish = {"staff_id": ali, "date": START.isoformat(), "kind": "veto"}
    assert web.world.post("ali", f"/periods/{web.world.period}/wishes", json=wish).status_code == 201
    refused = web.post("planner", f"/web/team/staff/{ali}/delete")  # Ali has a wish in the period
    assert refused.status_code == 409
    assert "kan ikke slettes" in text_of(refused.text) and "Spær personens login" in text_of(refused.text)
    assert web.world.client.get("/me", headers=web.world.as_("ali")).status_code == 200  # nothing done
    assert "ali" in staff_by_code(web)
    assert web.post("planner", "/web/team/staff/new", STAFF_FORM).status_code == 303
    jonas = staff_by_code(web)["jonas"]["id"]
    assert web.post("planner", f"/web/team/staff/{jonas}/delete").status_code == 303
    assert "jonas" not in staff_by_code(web)


def test_creating_a_sign_in_shows_the_password_once_and_it_works(web: Web) -> None:
    assert web.post("planner", "/web/team/staff/new", STAFF_FORM).status_code == 303
    jonas = staff_by_code(web)["jonas"]["id"]
    form = web.get("planner", f"/web/team/staff/{jonas}/account")
    assert form.status_code == 200 and 'value="jonas"' in form.text
    response = web.post("planner", f"/web/team/staff/{jonas}/account", {"username": "jonas", "password": ""})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    password = re.search(r'<code id="new-password">([^<]+)</code>', response.text)
    assert password and len(password.group(1)) >= 12
    assert "den bliver ikke vist igen" in text_of(response.text)
    browser = TestClient(web.world.client.app, follow_redirects=False)
    signed_in = browser.post("/web/sign-in", data={"username": "jonas", "password": password.group(1)})
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/web/me"
    # never shown again, and no hash anywhere
    again = web.get("planner", f"/web/team/staff/{jonas}/account")
    assert password.group(1) not in again.text and "har allerede et login: jonas" in text_of(again.text)
    assert "argon2" not in web.get("planner", "/web/team").text
    twice = web.post("planner", f"/web/team/staff/{jonas}/account", {"username": "jonas2", "password": ""})
    assert twice.status_code == 409
    users = api(web, f"/teams/{web.world.team}/users")
    assert [u["username"] for u in users if u["staff_id"] == jonas] == ["jonas"]


def test_a_taken_username_or_a_short_password_is_shown_at_the_field(web: Web) -> None:
    assert web.post("planner", "/web/team/staff/new", STAFF_FORM).status_code == 303
    jonas = staff_by_code(web)["jonas"]["id"]
    taken = web.post("planner", f"/web/team/staff/{jonas}/account", {"username": "mette", "password": ""})
    assert taken.status_code == 409
    assert field_message(taken.text, "f-username") == "Brugernavnet er optaget."
    url = f"/web/team/staff/{jonas}/account"
    short = web.post("planner", url, {"username": "jonas", "password": "kort"})
    assert short.status_code == 422
    assert field_message(short.text, "f-password") == (
        "For kort: mindst 8 tegn, mellemrum i enderne tæller ikke med."
    )
    common = web.post("planner", url, {"username": "jonas", "password": "kodeord1"})
    assert common.status_code == 422
    assert field_message(common.text, "f-password").startswith("For let at gætte")
    own = web.post("planner", url, {"username": "jonas", "password": "jonas2027!"})
    assert field_message(own.text, "f-password") == "Må ikke indeholde brugernavnet."
    assert all(u["staff_id"] != jonas for u in api(web, f"/teams/{web.world.team}/users"))


def test_a_form_post_without_the_csrf_token_is_refused_and_stores_nothing(web: Web) -> None:
    before = staff_by_code(web)
    client = web.page("planner")
    response = client.post("/web/team/staff/new", data=STAFF_FORM)
    assert response.status_code == 403
    assert "Formularen er udløbet" in response.text
    forged = client.post("/web/team/rules", data={"csrf": "0" * 64, "min_rest_minutes": "1"})
    assert forged.status_code == 403
    assert staff_by_code(web) == before
    assert api(web, f"/teams/{web.world.team}/rules")["min_rest_minutes"] == 660


def test_a_new_planner_creates_a_team_and_cannot_reach_another_teams_records(web: Web) -> None:
    with Session(web.world.engine) as session:
        session.add(User(username="vejle", role="planner", password_hash=hash_password(PASSWORD)))
        session.commit()
    browser = TestClient(web.world.client.app, follow_redirects=False)
    assert browser.post("/web/sign-in", data={"username": "vejle", "password": PASSWORD}).status_code == 303
    csrf = csrf_token(browser.cookies[SESSION_COOKIE])
    start = browser.get("/web/team")
    assert start.status_code == 200 and "Opret dit team" in text_of(start.text)
    empty = browser.post("/web/team", data={"csrf": csrf, "name": ""})
    assert empty.status_code == 422 and field_message(empty.text, "f-name") == "Udfyld feltet."
    assert browser.post("/web/team", data={"csrf": csrf, "name": "Vejle Øst"}).status_code == 303
    page = text_of(browser.get("/web/team").text)
    assert "Vejle Øst" in page and "Ingen medarbejdere endnu." in page and "11 timers hvile" in page
    mette = web.world.staff["mette"]
    # Another team's records are not found, as unknown ids are not (issue 17 item 11).
    assert browser.get(f"/web/team/staff/{mette}").status_code == 404
    assert browser.get(f"/web/team/staff/{mette}/account").status_code == 404
    refused = browser.post(f"/web/team/staff/{mette}", data={**STAFF_FORM, "csrf": csrf, "code": "mette"})
    assert refused.status_code == 404
    assert staff_by_code(web)["mette"]["name"] == "Mette"
    assert browser.post(f"/web/team/staff/{mette}/delete", data={"csrf": csrf}).status_code == 404
    assert "mette" in staff_by_code(web)
    assert web.get("planner", "/web/team/staff/999999").status_code == 404
    assert web.get("planner", "/web/team/nonsense/new").status_code == 404
