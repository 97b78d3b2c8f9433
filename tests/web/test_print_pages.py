"""The print page and its PDF (issue 15) for the small team: the planner prints a draft or the published
rota, a week or the period; staff print their team's published rota and nothing else; the page carries
no menu and no buttons on paper; a malformed week is a 422 naming it."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pypdf
import pytest
from service.helpers import ok, solve_period

from web.helpers import Web, text_of


def test_the_planner_prints_and_staff_print_only_the_published_rota(web: Web) -> None:
    world = web.world
    draft = solve_period(world)
    rota = draft["id"]
    page = web.get("planner", f"/web/rotas/{rota}/print")
    assert page.status_code == 200
    text = text_of(page.text)
    assert all(name in text for name in ("Mette", "Ali", "Sara"))
    assert "Udkast" in text and "ikke offentliggjort" in text
    assert "Bemanding dag" in text and "Dagvagt 07.00–15.00" in text
    assert 'href="/static/print.css"' in page.text and "Log ud" not in text  # no menu
    assert web.get("mette", f"/web/rotas/{rota}/print").status_code == 404  # a draft is not for staff
    assert web.get("mette", f"/web/rotas/{rota}/print.pdf").status_code == 404

    ok(world.post("planner", f"/rotas/{rota}/publish"))
    staff_page = web.get("mette", f"/web/rotas/{rota}/print?week=2027-W09")
    assert staff_page.status_code == 200
    assert f"/web/rotas/{rota}/print" in web.get("mette", f"/web/me/periods/{world.period}/rota").text
    pdf = web.get("mette", f"/web/rotas/{rota}/print.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    (sheet,) = (p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert all(name in sheet for name in ("Mette", "Ali", "Sara"))
    assert all(f"{d}/3" in sheet for d in range(1, 8))
    for cell in draft["assignments"]:  # every shift of the rota is on the paper, in its person's row
        row = next(
            line
            for line in sheet.splitlines()
            if line.startswith(
                next(
                    n for c, n in (("mette", "Mette"), ("ali", "Ali"), ("sara", "Sara")) if c == cell["staff"]
                )
            )
        )
        assert cell["shift"] in row

    bad = web.get("planner", f"/web/rotas/{rota}/print?week=uge9")
    assert bad.status_code == 422 and "uge" in text_of(bad.text).lower()
    api = world.get("planner", f"/rotas/{rota}/print.pdf?week=nine")
    assert api.status_code == 422 and api.json()["detail"][0]["loc"][-1] == "week"
    assert world.get("ali", f"/rotas/{rota}/print.pdf").status_code == 200


def test_the_calendar_page_shows_the_link_once_and_renewing_stops_the_old_one(web: Web) -> None:
    solve_period(web.world, publish=True)
    assert "Du har ikke noget kalenderlink endnu." in text_of(web.get("mette", "/web/me/calendar").text)
    made = web.post("mette", "/web/me/calendar")
    assert made.status_code == 200
    page = text_of(made.text)
    assert (
        "Kopiér linket nu: det vises kun denne ene gang." in page
        and "Abonner" in page
        and "Fra webadresse" in page
    )
    url = made.text.split('id="feed-url" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert (
        url.startswith("http://testserver/calendar/") and 'href="webcal://testserver/calendar/' in made.text
    )
    path = "/" + url.split("/", 3)[3]
    assert web.world.client.get(path).status_code == 200
    again = text_of(web.get("mette", "/web/me/calendar").text)
    assert "Du lavede et kalenderlink" in again and url not in again
    web.post("mette", "/web/me/calendar")  # a new link: the old one stops
    assert web.world.client.get(path).status_code == 404
    stopped = web.post("mette", "/web/me/calendar/stop")
    assert "Dit kalenderlink er stoppet" in text_of(stopped.text)
    assert web.page("mette").post("/web/me/calendar", data={}).status_code == 403  # no CSRF token


def _rows(html: str) -> str:
    """The text of the audit table's rows (not the filter's options)."""
    return text_of(html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]) if "<tbody>" in html else ""


def test_the_audit_page_filters_by_person_date_and_kind_in_danish(web: Web) -> None:
    world = web.world
    rota = solve_period(world)
    ok(world.post("planner", f"/rotas/{rota['id']}/publish"))
    ok(world.post("mette", "/me/calendar-feed"), 201)
    page = web.get("planner", "/web/team/audit")
    assert page.status_code == 200
    text = text_of(page.text)
    for words in (
        "Vagtplanen er offentliggjort",
        "Beregning startet",
        "Periode lukket for ønsker",
        "Login oprettet",
    ):
        assert words in text
    assert "Kalenderlink lavet eller fornyet" in text and "Mette (mette)" in text
    mine = _rows(web.get("planner", "/web/team/audit?who=mette").text)
    assert "Kalenderlink lavet eller fornyet" in mine and "Beregning startet" not in mine
    published = _rows(web.get("planner", "/web/team/audit?kind=publish+rota").text)
    assert published.count("Vagtplanen er offentliggjort") == 1 and "Beregning startet" not in published
    today = dt.date.today()
    later = text_of(web.get("planner", f"/web/team/audit?since={today + dt.timedelta(days=1)}").text)
    assert "Intet i logbogen passer til det valgte." in later
    bad = web.get("planner", "/web/team/audit?since=i+går&kind=nonsense")
    assert bad.status_code == 422
    assert 'id="f-since-error"' in bad.text and 'id="f-kind-error"' in bad.text
    assert web.get("mette", "/web/team/audit").status_code == 403
    assert 'href="/web/team/audit"' in web.get("planner", "/web/team").text


def test_the_rules_form_sets_the_payroll_bands_and_refuses_them_out_of_order(web: Web) -> None:
    form = web.get("planner", "/web/team/rules")
    assert 'value="06:00"' in form.text and 'value="17:00"' in form.text and 'value="23:00"' in form.text
    posted = {
        "min_rest_minutes": "11",
        "weekly_rest_minutes": "35",
        "max_average_weekly_hours": "48",
        "max_vetoes": "2",
        "pay_day_start": "07:00",
        "pay_evening_start": "06:30",
        "pay_night_start": "",
    }
    refused = web.post("planner", "/web/team/rules", posted)
    assert refused.status_code == 422
    assert "Skal være senere end 07:00." in text_of(refused.text)
    error = '<small class="field-error" id="f-pay_evening_start-error">Skal være senere end 07:00.</small>'
    assert error in refused.text
    saved = web.post("planner", "/web/team/rules", {**posted, "pay_evening_start": "18:00"})
    assert saved.status_code == 303, saved.text
    rules = ok(web.world.get("planner", f"/teams/{web.world.team}/rules"))
    assert (rules["pay_day_start"], rules["pay_evening_start"], rules["pay_night_start"]) == (
        "07:00:00",
        "18:00:00",
        "23:00:00",  # left empty: the Danish default
    )
    page = text_of(web.get("planner", saved.headers["location"]).text)
    assert "Timer til løn: dag fra 07.00, aften fra 18.00, nat fra 23.00 (hverdage)" in page


def test_without_weasyprint_the_pdf_says_what_to_install_and_the_print_page_still_works(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    rota = solve_period(web.world, publish=True)["id"]
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as a machine without Pango: the import fails
    pdf = web.world.get("planner", f"/rotas/{rota}/print.pdf")
    assert pdf.status_code == 503 and "apt-get install libpango-1.0-0" in pdf.json()["detail"]
    assert web.get("planner", f"/web/rotas/{rota}/print").status_code == 200
