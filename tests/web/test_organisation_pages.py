"""Issue 16 on the pages (in Danish): the administrator's organisation page — every team's status, a
new team, a new planner with a one-time password, the teams a planner plans — and a planner of several
teams choosing the team the pages show."""

from __future__ import annotations

from fastapi.testclient import TestClient
from service.helpers import PASSWORD
from sqlmodel import Session

from planner import services
from planner.auth import Actor
from planner.models import PlannerPublic
from web.helpers import Web, text_of


def _with_admin(web: Web) -> None:
    with Session(web.world.engine) as session:
        services.create_admin("admin", PASSWORD, session=session)
        session.commit()


def test_the_administrator_starts_at_the_organisation_and_sees_no_persons_data(web: Web) -> None:
    _with_admin(web)
    browser = TestClient(web.world.client.app, follow_redirects=False)
    signed_in = browser.post("/web/sign-in", data={"username": "admin", "password": PASSWORD})
    assert signed_in.headers["location"] == "/web/organisation"
    web.clients["admin"] = browser
    page = text_of(web.get("admin", "/web/organisation").text)
    assert "Organisation" in page and "Uldum" in page and "Åben for ønsker" in page
    assert "0 i gang, 0 venter" in page and "planner" in page  # the team's planner, by user name
    assert "Mette" not in page and "Ali" not in page
    assert web.get("admin", "/web/team").status_code == 403  # a planner's page
    assert web.get("admin", "/web/me").headers["location"] == "/web/organisation"
    for who in ("planner", "mette"):
        refused = web.get(who, "/web/organisation")
        assert refused.status_code == 403 and "kun en administrator" in text_of(refused.text)


def test_the_administrator_makes_a_team_and_a_planner_of_two_teams(web: Web) -> None:
    _with_admin(web)
    web.page("admin")
    made = web.post("admin", "/web/organisation/teams", data={"name": "Hjemmeplejen Tørring"})
    assert made.headers["location"] == "/web/organisation?saved=team"
    page = text_of(web.get("admin", made.headers["location"]).text)
    assert "Teamet er oprettet." in page and "Hjemmeplejen Tørring" in page
    with Session(web.world.engine) as session:
        teams = {t.name: t.id for t in services.list_teams(session=session, actor=Actor.system())}
    form = {"username": "Hanne", "teams": [str(teams["Uldum"]), str(teams["Hjemmeplejen Tørring"])]}
    shown = web.post("admin", "/web/organisation/planners", data=form)
    assert shown.status_code == 200
    said = text_of(shown.text)
    assert "Planlæggeren hanne er oprettet." in said
    password = said.split("Adgangskode ")[1].split()[0]

    hanne = TestClient(web.world.client.app, follow_redirects=False)
    first = hanne.post("/web/sign-in", data={"username": "hanne", "password": password})
    assert first.status_code == 303
    assert hanne.get("/web/periods").headers["location"] == "/web/me/password"  # her own first
    web.clients["hanne"] = hanne
    change = {"current_password": password, "new_password": PASSWORD, "repeated": PASSWORD}
    assert web.post("hanne", "/web/me/password", data=change).status_code == 303
    periods = text_of(web.get("hanne", "/web/periods").text)
    assert "Team: Uldum" in periods and "Vælg team" in periods and "uge 9" in periods
    choose = text_of(web.get("hanne", "/web/teams").text)
    assert "Uldum (vises nu)" in choose and "Hjemmeplejen Tørring" in choose
    moved = web.post("hanne", f"/web/teams/{teams['Hjemmeplejen Tørring']}/choose")
    assert moved.headers["location"] == "/web/periods"
    periods = text_of(web.get("hanne", "/web/periods").text)
    assert "Team: Hjemmeplejen Tørring" in periods and "uge 9" not in periods
    assert "Hjemmeplejen Tørring" in text_of(web.get("hanne", "/web/team").text)
    # A page of Uldum reached by its own address still opens: she plans Uldum too.
    assert web.get("hanne", f"/web/periods/{web.world.period}").status_code == 200
    # A team she does not plan cannot be chosen, not even by setting the cookie herself.
    assert web.post("hanne", "/web/teams/999/choose").status_code == 404
    hanne.cookies.delete("pusleplan_team")
    hanne.cookies.set("pusleplan_team", "999")
    assert "Team: Uldum" in text_of(web.get("hanne", "/web/periods").text)
    # The administrator takes her off Uldum: the organisation page shows her with Tørring only.
    hanne_id = next(p.id for p in _planners(web) if p.username == "hanne")
    saved = web.post(
        "admin",
        f"/web/organisation/planners/{hanne_id}/teams",
        data={"teams": [str(teams["Hjemmeplejen Tørring"])]},
    )
    assert saved.status_code == 303
    assert [p.teams for p in _planners(web) if p.username == "hanne"] == [[teams["Hjemmeplejen Tørring"]]]
    assert "Vælg team" not in text_of(web.get("hanne", "/web/periods").text)
    # Her sign-in blocked from the organisation page: her browser is signed out at once.
    assert "Spær login" in text_of(web.get("admin", "/web/organisation").text)
    assert web.post("admin", f"/web/organisation/planners/{hanne_id}/disable").status_code == 303
    assert web.get("hanne", "/web/periods").headers["location"].startswith("/web/sign-in")
    assert "Genåbn login" in text_of(web.get("admin", "/web/organisation").text)
    assert web.post("admin", f"/web/organisation/planners/{hanne_id}/sideways").status_code == 404


def test_a_new_planner_with_a_taken_or_empty_name_is_refused_at_the_field(web: Web) -> None:
    _with_admin(web)
    taken = web.post("admin", "/web/organisation/planners", data={"username": "mette"})
    assert taken.status_code == 422
    assert "brugernavnet &#39;mette&#39; er optaget" in taken.text
    empty = web.post("admin", "/web/organisation/planners", data={"username": "  "})
    assert empty.status_code == 422 and 'aria-describedby="planner-username-error"' in empty.text
    blank_team = web.post("admin", "/web/organisation/teams", data={"name": ""})
    assert blank_team.status_code == 422 and 'id="team-name-error"' in blank_team.text


def _planners(web: Web) -> list[PlannerPublic]:
    with Session(web.world.engine) as session:
        return services.list_planners(session=session, actor=Actor.system())
