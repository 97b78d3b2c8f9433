"""The planner's review pages: periods, submissions, solving with progress, the draft grid, cell locks,
re-solving, comparing, publishing and exports, checked as a team leader would (visible text, status,
and the stored effect read back through the JSON API). Every rota from the solver goes through the
independent checker (`service.helpers.checked`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from service.helpers import START, World, checked, ok
from sqlmodel import Session, select

from api.web import i18n
from api.web.explain import say
from planner.models import Rota, SolveJob, Wish, local, utcnow
from web.helpers import Web, text_of

SOLVE = {"time_limit": "2", "workers": "1", "seed": "0"}


def _job_id(location: str) -> int:
    match = re.fullmatch(r"/web/jobs/(\d+)", location)
    assert match, location
    return int(match.group(1))


def _solve_from_page(web: Web, url: str) -> int:
    """Start a solve with the page's form; follow it to its draft (InlineQueue: done at once)."""
    response = web.post("planner", url, SOLVE)
    assert response.status_code == 303, response.text
    job = _job_id(response.headers["location"])
    fragment = web.htmx("planner", "GET", f"/web/jobs/{job}/progress?seen=running")
    assert fragment.status_code == 200
    assert "Færdig: udkastet er klar." in text_of(fragment.text)
    assert "hx-trigger" not in fragment.text  # a finished job stops polling
    link = re.search(r'href="/web/rotas/(\d+)"', fragment.text)
    assert link, fragment.text
    rota_id = int(link.group(1))
    checked(web.world, rota_id)
    return rota_id


def _closed_and_solved(web: Web) -> int:
    world = web.world
    assert web.post("planner", f"/web/periods/{world.period}/close").status_code == 303
    return _solve_from_page(web, f"/web/periods/{world.period}/solve")


def _rota(world: World, rota_id: int) -> dict[str, Any]:
    return ok(world.get("planner", f"/rotas/{rota_id}"))


def _cell(rota: dict[str, Any], staff: str, day: str) -> tuple[str | None, str | None]:
    for a in rota["assignments"]:
        if a["staff"] == staff and a["date"] == day:
            return a["shift"], a["route"]
    return None, None


def test_the_periods_page_lists_periods_and_creates_one_from_the_form(web: Web) -> None:
    page = web.get("planner", "/web/periods")
    assert page.status_code == 200
    assert "uge 9" in text_of(page.text) and "Åben for ønsker" in text_of(page.text)
    form = {"name": "uge 10–17", "start": "2027-03-08", "days": "56", "deadline": "2027-02-20T12:00"}
    response = web.post("planner", "/web/periods", form)
    assert response.status_code == 303
    periods = ok(web.world.get("planner", f"/teams/{web.world.team}/periods"))
    created = next(p for p in periods if p["name"] == "uge 10–17")
    assert response.headers["location"] == f"/web/periods/{created['id']}"
    assert created["days"] == 56 and created["state"] == "draft"
    assert created["deadline"].startswith("2027-02-20T11:00")  # Danish local time, stored in UTC
    page = text_of(web.get("planner", response.headers["location"]).text)
    assert "Ikke åbnet endnu" in page and "Åbn for ønsker nu" in page


def test_a_bad_period_form_comes_back_with_messages_at_the_fields_and_stores_nothing(web: Web) -> None:
    before = ok(web.world.get("planner", f"/teams/{web.world.team}/periods"))
    response = web.post("planner", "/web/periods", {"name": "x", "start": "", "days": "0", "deadline": ""})
    assert response.status_code == 422
    html = response.text
    assert re.search(r'id="period-days-error"[^>]*>Skal være mindst 1\.', html)
    assert re.search(r'id="period-start-error"[^>]*>Skriv en dato', html)
    assert 'id="period-days" name="days" type="number" value="0"' in html  # what was typed stays
    assert ok(web.world.get("planner", f"/teams/{web.world.team}/periods")) == before


def test_the_period_page_shows_who_has_submitted_and_opens_and_closes(web: Web) -> None:
    world = web.world
    wish = {"staff_id": world.staff["mette"], "date": "2027-03-02", "kind": "avoid", "shift": "aften"}
    ok(world.post("mette", f"/periods/{world.period}/wishes", json=wish), 201)
    page = web.get("planner", f"/web/periods/{world.period}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "1 af 3 har sendt noget." in text
    assert re.search(r"Ali Intet endnu", text) and re.search(r"Sara Intet endnu", text)
    assert not re.search(r"Mette Intet endnu", text)
    # when each person last changed something: Mette's wish (its time on the team's clock), nobody else
    assert "Sidst ændret" in text
    with Session(world.engine) as session:
        stored = session.exec(select(Wish)).one().updated_at
    shown = i18n.when(local(stored), "da")  # type: ignore[arg-type]
    assert re.search(rf"Mette 1 0 0 {re.escape(shown)}", text), text
    assert re.search(r"Ali Intet endnu 0 0 0 –", text)
    # closing, then solving an open period is refused with a readable message
    assert web.post("planner", f"/web/periods/{world.period}/close").status_code == 303
    assert ok(world.get("planner", f"/periods/{world.period}"))["state"] == "closed"
    assert "Lukket for ønsker" in text_of(web.get("planner", f"/web/periods/{world.period}").text)
    response = web.post("planner", f"/web/periods/{world.period}/open", {"deadline": "2027-02-25T09:30"})
    assert response.status_code == 303
    period = ok(world.get("planner", f"/periods/{world.period}"))
    assert period["state"] == "open" and period["deadline"].startswith("2027-02-25T08:30")
    # While the period is open no solve form is offered, and one posted anyway is refused in Danish.
    page = web.get("planner", f"/web/periods/{world.period}").text
    assert f'action="/web/periods/{world.period}/solve"' not in page
    advice = "Perioden er åben for ønsker. Luk den for ønsker først; så kan du lave en vagtplan."
    assert advice in text_of(page)
    refused = web.post("planner", f"/web/periods/{world.period}/solve", SOLVE)
    assert refused.status_code == 409
    said = text_of(refused.text)
    assert "Perioden er åben for ønsker. Luk den for ønsker først" in said and "Beregn" in said
    assert "close it before solving" not in refused.text  # no English on a Danish page
    assert ok(world.get("planner", f"/periods/{world.period}/solve-jobs")) == []


def test_a_bad_time_limit_is_shown_at_the_field_and_starts_nothing(web: Web) -> None:
    world = web.world
    web.post("planner", f"/web/periods/{world.period}/close")
    response = web.post("planner", f"/web/periods/{world.period}/solve", {**SOLVE, "time_limit": "0"})
    assert response.status_code == 422
    assert re.search(r'id="solve-time-error"[^>]*>Skal være mere end 0', response.text)
    assert ok(world.get("planner", f"/periods/{world.period}/solve-jobs")) == []


def test_solving_from_the_period_page_ends_in_a_draft_listed_on_the_page(web: Web) -> None:
    rota_id = _closed_and_solved(web)
    page = text_of(web.get("planner", f"/web/periods/{web.world.period}").text)
    assert f"Udkast {rota_id}" in page and "Færdig" in page
    job_page = web.get("planner", "/web/jobs/1")
    assert job_page.status_code == 200 and f'href="/web/rotas/{rota_id}"' in job_page.text


def test_a_running_job_shows_a_progress_bar_polls_and_can_be_stopped(web: Web) -> None:
    world = web.world
    started = utcnow() - dt.timedelta(seconds=6.05)
    with Session(world.engine) as session:
        job = SolveJob(
            period_id=world.period, state="running", time_limit=10, workers=1, seed=0, started_at=started,
            elapsed=4.0, best_objective=321, best_bound=250.0,
        )  # fmt: skip
        session.add(job)
        session.commit()
        job_id = job.id
    fragment = web.htmx("planner", "GET", f"/web/jobs/{job_id}/progress?seen=running")
    html = fragment.text
    # The counter counts the clock since the start (6 s), not the solver's last report (at 4 s).
    assert re.search(r'<progress [^>]*max="10\.0" value="6\.\d+" aria-labelledby="job-\d+-label"', html)
    assert 'hx-trigger="every 1s"' in html
    assert "6 af 10 sekunder" in text_of(html) and "321" in text_of(html) and "250" in text_of(html)
    assert "hx-swap-oob" not in html  # state unchanged since the last poll: nothing to announce
    assert "Stop og behold den bedste vagtplan indtil nu" in text_of(html)
    page = web.get("planner", f"/web/periods/{world.period}")
    assert 'aria-live="polite"' in page.text and f"/web/jobs/{job_id}/progress" in page.text
    stopping = web.htmx("planner", "POST", f"/web/jobs/{job_id}/cancel")
    assert stopping.status_code == 200
    said = text_of(stopping.text)
    assert "Stopper: den bedste vagtplan, der er fundet indtil nu, gemmes" in said
    assert 'hx-trigger="every 1s"' in stopping.text  # it polls on until the job has stored its rota
    assert "Stop og behold" not in said  # no second stop button
    assert ok(world.get("planner", f"/solve-jobs/{job_id}"))["state"] == "stopping"


def test_a_queued_job_is_cancelled(web: Web) -> None:
    world = web.world
    with Session(world.engine) as session:
        job = SolveJob(period_id=world.period, state="queued", time_limit=10, workers=1, seed=0)
        session.add(job)
        session.commit()
        job_id = job.id
    assert "Annuller beregningen" in text_of(web.get("planner", f"/web/jobs/{job_id}").text)
    cancelled = web.htmx("planner", "POST", f"/web/jobs/{job_id}/cancel")
    assert "Beregningen blev annulleret." in text_of(cancelled.text)
    assert "hx-trigger" not in cancelled.text
    assert ok(world.get("planner", f"/solve-jobs/{job_id}"))["state"] == "cancelled"


def test_the_grid_shows_every_person_every_day_and_the_cover_with_gaps_in_red(web: Web) -> None:
    world = web.world
    # Wednesday needs five on the day shift: more than a team of three can give.
    ok(
        world.post(
            "planner", f"/teams/{world.team}/cover", json={"shift": "dag", "date": "2027-03-03", "need": 5}
        ),
        201,
    )
    rota_id = _closed_and_solved(web)
    page = web.get("planner", f"/web/rotas/{rota_id}")
    assert page.status_code == 200
    html = page.text
    rows = re.findall(r'<th scope="row" class="name">([^<]+)</th>', html)
    assert rows[:3] == ["Mette", "Ali", "Sara"]
    days = re.findall(r'<th scope="col"(?: class="we")?>(\w+)\.?<br>(\d+/3)</th>', html)
    assert [d for _, d in days] == [f"{n}/3" for n in range(1, 8)]
    assert days[0][0] == "man"
    assert (
        '<span class="chip shift-0">dag</span>' in html and '<span class="chip shift-1">aften</span>' in html
    )
    dag_cover = re.search(r'<span class="chip shift-0">dag</span></th>.*?</tr>', html, re.S)
    assert dag_cover
    cover_cells = re.findall(r'<td class="cov( short)?">(\d+/\d+)</td>', dag_cover.group(0))
    assert len(cover_cells) == 7
    wednesday = cover_cells[2]
    assert wednesday[0] == " short" and wednesday[1].endswith("/5")
    assert all(not short for short, _ in cover_cells[:2] + cover_cells[3:])
    rota = _rota(world, rota_id)
    for a in rota["assignments"][:5]:  # cells carry the shift's colour
        assert a["shift"] in ("dag", "aften")
    assert 'class="shift-0"><button name="c"' in html
    assert "Derfor ser vagtplanen sådan ud" in text_of(html) and "Bemanding" in text_of(html)
    assert "Opfyldte ønsker" in text_of(html) and "planlagt / mål" in text_of(html)


def test_cells_are_locked_changed_and_cleared_and_a_re_solve_keeps_them(web: Web) -> None:
    world = web.world
    rota_id = _closed_and_solved(web)
    draft = _rota(world, rota_id)
    mette, ali, sara = world.staff["mette"], world.staff["ali"], world.staff["sara"]
    url = f"/web/rotas/{rota_id}"

    editor = web.htmx("planner", "GET", f"{url}/cell?c={mette}.0")
    assert editor.status_code == 200 and "Mette" in editor.text and "Lås som den er" in editor.text
    assert "autofocus" in editor.text
    assert web.htmx("planner", "GET", f"{url}/cell?c=99999.0").status_code == 404
    assert web.htmx("planner", "GET", f"{url}/cell?c={mette}.7").status_code == 404

    locked = web.htmx("planner", "POST", f"{url}/cells/{mette}/2027-03-01", data={"action": "lock"})
    assert locked.status_code == 200
    assert f'id="c{mette}-0"' in locked.text and "🔒" in locked.text and "låst" in text_of(locked.text)
    assert "Mette, man. 1. mar.: låst." in text_of(locked.text)

    before_ali = _cell(draft, "ali", "2027-03-03")
    new_shift = "aften" if before_ali[0] != "aften" else "dag"
    changed = web.htmx(
        "planner", "POST", f"{url}/cells/{ali}/2027-03-03", data={"action": "change", "shift": new_shift}
    )
    assert changed.status_code == 200 and f"→ {new_shift}" in changed.text
    cleared = web.htmx("planner", "POST", f"{url}/cells/{sara}/2027-03-04", data={"action": "clear"})
    assert cleared.status_code == 200
    # a route that does not run in the evening (posted anyway): the message in the editor, in Danish,
    # nothing stored
    bad = web.htmx(
        "planner",
        "POST",
        f"{url}/cells/{sara}/2027-03-05",
        data={"action": "change", "shift": "aften", "route": "uldum-1"},
    )
    assert bad.headers.get("HX-Retarget") == "#cell-editor"
    assert "Rute uldum-1 kører ikke i vagten aften fre. 5. mar." in text_of(bad.text)
    assert "does not run in shift" not in bad.text

    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    by_cell = {(lk["staff_id"], lk["date"]): (lk["shift"], lk["route"]) for lk in locks}
    assert by_cell == {
        (mette, "2027-03-01"): _cell(draft, "mette", "2027-03-01"),
        (ali, "2027-03-03"): (new_shift, None),
        (sara, "2027-03-04"): (None, None),
    }
    page = web.get("planner", url).text
    assert page.count('<span aria-hidden="true">🔒</span><span class="vh">låst</span>') == 3

    new_id = _solve_from_page(web, f"{url}/resolve")
    assert new_id != rota_id
    new = _rota(world, new_id)
    assert new["from_rota"] == rota_id
    assert _cell(new, "mette", "2027-03-01") == _cell(draft, "mette", "2027-03-01")
    assert _cell(new, "ali", "2027-03-03")[0] == new_shift
    assert _cell(new, "sara", "2027-03-04") == (None, None)

    compare = web.get("planner", f"/web/rotas/{new_id}/compare?other={rota_id}")
    assert compare.status_code == 200
    text = text_of(compare.text)
    expected_before = " ".join(x for x in before_ali if x) or "fri"
    assert re.search(rf"Ali ons\. 3\. mar\. {re.escape(expected_before)} → {new_shift}", text), text
    assert f"Før: Udkast {rota_id}" in text and f"Efter: Udkast {new_id}" in text

    unlocked = web.htmx("planner", "POST", f"{url}/cells/{sara}/2027-03-04/unlock")
    assert unlocked.status_code == 200 and "låsen er fjernet" in text_of(unlocked.text)
    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    assert {(lk["staff_id"], lk["date"]) for lk in locks} == {(mette, "2027-03-01"), (ali, "2027-03-03")}


def test_publishing_makes_the_draft_the_periods_rota_and_offers_the_downloads(web: Web) -> None:
    world = web.world
    rota_id = _closed_and_solved(web)
    page = web.get("planner", f"/web/rotas/{rota_id}").text
    assert "Ja, offentliggør den" in page  # behind a confirmation (<details>)
    response = web.post("planner", f"/web/rotas/{rota_id}/publish")
    assert response.status_code == 303
    assert ok(world.get("planner", f"/periods/{world.period}/rota"))["id"] == rota_id
    page = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Offentliggjort vagtplan" in page and "Ja, offentliggør den" not in page
    again = web.post("planner", f"/web/rotas/{rota_id}/publish")
    # Said in the page's language from the error's template and values (issue 11), never in English.
    assert again.status_code == 409 and f"vagtplan {rota_id} er allerede offentliggjort" in text_of(
        again.text
    )
    assert "already published" not in again.text
    missing = web.get("planner", "/web/rotas/999999")
    assert missing.status_code == 404 and "vagtplanen 999999 findes ikke" in text_of(missing.text)

    csv = web.get("planner", f"/web/rotas/{rota_id}/export.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == "staff_id,staff_name,date,shift,start,end,route"
    assert len(lines) == 1 + len(_rota(world, rota_id)["assignments"])
    excel = web.get("planner", f"/web/rotas/{rota_id}/export.csv?excel=true")
    assert excel.content.startswith(b"\xef\xbb\xbf") and b";" in excel.content.splitlines()[0]
    ics = web.get("planner", f"/web/periods/{world.period}/staff/{world.staff['mette']}/calendar.ics")
    assert ics.status_code == 200 and ics.text.startswith("BEGIN:VCALENDAR")
    web.get("planner", "/web/language/en?back=/web/periods")
    english = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Published rota" in english and "Wishes met" in english and "planned / target" in english


def test_staff_get_403_on_every_review_page_and_change_nothing(web: Web) -> None:
    world = web.world
    rota_id = _closed_and_solved(web)
    period, mette = world.period, world.staff["mette"]
    gets = [
        "/web/periods",
        f"/web/periods/{period}",
        "/web/jobs/1",
        "/web/jobs/1/progress",
        f"/web/rotas/{rota_id}",
        f"/web/rotas/{rota_id}/cell?c={mette}.0",
        f"/web/rotas/{rota_id}/compare?other={rota_id}",
        f"/web/rotas/{rota_id}/export.csv",
        f"/web/periods/{period}/staff/{mette}/calendar.ics",
    ]
    for url in gets:
        response = web.get("mette", url)
        assert response.status_code == 403, url
        assert "Ikke tilladt" in response.text, url
    posts = [
        ("/web/periods", {"start": str(START), "days": "7"}),
        (f"/web/periods/{period}/open", {}),
        (f"/web/periods/{period}/close", {}),
        (f"/web/periods/{period}/solve", SOLVE),
        ("/web/jobs/1/cancel", {}),
        (f"/web/rotas/{rota_id}/cells/{mette}/2027-03-01", {"action": "clear"}),
        (f"/web/rotas/{rota_id}/cells/{mette}/2027-03-01/unlock", {}),
        (f"/web/rotas/{rota_id}/resolve", SOLVE),
        (f"/web/rotas/{rota_id}/publish", {}),
    ]
    for url, data in posts:
        assert web.post("mette", url, data).status_code == 403, url
    assert len(ok(world.get("planner", f"/teams/{world.team}/periods"))) == 1
    assert ok(world.get("planner", f"/periods/{period}"))["state"] == "solved"
    assert len(ok(world.get("planner", f"/periods/{period}/solve-jobs"))) == 1
    assert ok(world.get("planner", f"/periods/{period}/locks")) == []
    assert ok(world.get("planner", f"/rotas/{rota_id}"))["state"] == "draft"


def test_the_planner_reads_every_explanation_of_a_solved_example_in_danish() -> None:
    """Each family of cost in a rota of the example team (cover, routes, wishes, self-picks, contract
    hours, continuity, favourites, fairness) has a Danish sentence with Danish dates and decimals."""
    from conftest import solve_checked

    from api.web.explain import say
    from planner.io import load_problem
    from planner.texts import translator
    from solver import families as registry

    problem = load_problem(Path(__file__).resolve().parents[2] / "examples" / "uldum.json")
    solution = solve_checked(problem, time_limit=3)
    assert solution.has_rota
    families = {p.family for p in solution.penalties}
    assert {"wish", "contract", "continuity", "favourite", "fairness"} <= families
    english = re.compile(
        r"\b(wanted|not given|avoid|own pick|outside|short of|more than|nobody|route|carers)\b"
    )
    for penalty in solution.penalties:
        record = penalty.model_dump(mode="json")
        assert record["message"], record  # worded from its message id and params, not parsed back
        danish = say(record, "da")
        assert not english.search(danish), danish
        assert not re.search(r"\d{4}-\d\d-\d\d", danish), danish  # dates as "man. 1. mar."
        assert say(record, "en") == penalty.explanation
    # Every message of every family has its Danish wording in the catalogue (issue 11).
    _ = translator("da")
    registry._registry()
    for message_id in registry._messages:
        template = registry.message(message_id).template
        assert _(template) != template, message_id


# ---- issue 10: what the planner sees must be true -----------------------------------------------------


def _worked_cell(rota: dict[str, Any], staff: str) -> tuple[str, int, str]:
    """A day `staff` works in `rota`: (iso date, day number, what the cell shows)."""
    a = next(a for a in rota["assignments"] if a["staff"] == staff)
    day = dt.date.fromisoformat(a["date"])
    return a["date"], (day - START).days, " ".join(x for x in (a["shift"], a["route"]) if x)


def test_publishing_with_pending_cell_changes_lists_them_and_offers_no_publish_button(web: Web) -> None:
    world = web.world
    rota_id = _closed_and_solved(web)
    draft = _rota(world, rota_id)
    day, _, shown = _worked_cell(draft, "mette")
    mette = world.staff["mette"]
    url = f"/web/rotas/{rota_id}"
    assert (
        web.htmx("planner", "POST", f"{url}/cells/{mette}/{day}", data={"action": "clear"}).status_code == 200
    )
    page = web.get("planner", url)
    text = text_of(page.text)
    assert "Disse ændrede celler er ikke med i dette udkast:" in text
    when = i18n.date_short(dt.date.fromisoformat(day), "da")
    assert f"Mette, {when}: {shown} → fri" in text
    assert "Genberegn fra dette udkast først, og offentliggør så det nye udkast" in text
    assert "Ja, offentliggør den" not in text and f'action="{url}/publish"' not in page.text
    # Posted anyway: refused with the reason in Danish; nothing published.
    refused = web.post("planner", f"{url}/publish")
    assert refused.status_code == 409
    assert "Udkastet kan ikke offentliggøres: 1 ændrede celler er ikke med i det." in text_of(refused.text)
    assert ok(world.get("planner", f"/rotas/{rota_id}"))["state"] == "draft"
    # Re-solved, the new draft has the change and can be published.
    new_id = _solve_from_page(web, f"{url}/resolve")
    new_page = text_of(web.get("planner", f"/web/rotas/{new_id}").text)
    assert "Ja, offentliggør den" in new_page and "Disse ændrede celler" not in new_page
    assert web.post("planner", f"/web/rotas/{new_id}/publish").status_code == 303


def test_a_published_rota_shows_what_was_published_and_is_read_only(web: Web) -> None:
    world = web.world
    rota_id = _closed_and_solved(web)
    assert web.post("planner", f"/web/rotas/{rota_id}/publish").status_code == 303
    draft = _rota(world, rota_id)
    day, index, shown = _worked_cell(draft, "mette")
    mette = world.staff["mette"]
    # A change made afterwards (for a later re-solve) is not part of what staff were given.
    ok(world.put("planner", f"/rotas/{rota_id}/cells/{mette}/{day}", json={"action": "clear"}))
    html = web.get("planner", f"/web/rotas/{rota_id}").text
    assert "→" not in html and "🔒" not in html.split('class="rota-grid"')[1]
    assert '<button name="c"' not in html  # no cell editor on a published rota
    assert "Tabellen viser vagtplanen, som den blev offentliggjort." in text_of(html)
    row = re.search(r'<th scope="row" class="name">Mette</th>.*?</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td(?: class=\"[^\"]*\")?>(.*?)</td>", row.group(0), re.S)[2:]
    assert text_of(cells[index]) == shown


def test_a_solve_without_a_possible_rota_says_why_in_danish_and_offers_no_draft(web: Web) -> None:
    from service.test_service_jobs import impossible_hours

    world = web.world
    impossible_hours(world)
    assert web.post("planner", f"/web/periods/{world.period}/close").status_code == 303
    response = web.post("planner", f"/web/periods/{world.period}/solve", SOLVE)
    job = _job_id(response.headers["location"])
    page = web.get("planner", f"/web/jobs/{job}")
    text = text_of(page.text)
    assert "Færdig: der findes ingen mulig vagtplan, fordi disse regler ikke kan overholdes samtidig:" in text
    assert "Mette: disse regler kan ikke overholdes samtidig:" in text
    assert "mindst 64 timer i perioden" in text
    assert "udkastet er klar" not in text and "/web/rotas/" not in page.text
    assert "cannot all hold" not in text and "hours in the period" not in text  # no English
    period = text_of(web.get("planner", f"/web/periods/{world.period}").text)
    assert "Ingen udkast endnu." in period and "Ingen vagtplan mulig" in period
    web.get("planner", f"/web/language/en?back=/web/jobs/{job}")
    english = text_of(web.get("planner", f"/web/jobs/{job}").text)
    assert "Mette: these rules cannot all hold" in english and "at least 64 hours in the period" in english


def test_a_solve_that_finds_no_rota_in_time_says_so(web: Web, monkeypatch: Any) -> None:
    from planner import jobs
    from solver.solution import Solution

    monkeypatch.setattr(jobs, "solve", lambda problem, params: Solution(status="UNKNOWN", wall_time=2.0))
    world = web.world
    web.post("planner", f"/web/periods/{world.period}/close")
    job = _job_id(web.post("planner", f"/web/periods/{world.period}/solve", SOLVE).headers["location"])
    text = text_of(web.get("planner", f"/web/jobs/{job}").text)
    assert "der blev ikke fundet nogen vagtplan inden for tidsgrænsen. Prøv igen med længere tid." in text
    assert "udkastet er klar" not in text


def test_a_solve_stopped_early_shows_its_draft_as_stopped_early(web: Web) -> None:
    """What the job and rota pages show once a stopped job stored its best rota (the stopping itself is
    tested in `service/test_service_jobs.py`)."""
    world = web.world
    rota_id = _closed_and_solved(web)
    with Session(world.engine) as session:
        rota = session.get(Rota, rota_id)
        job = session.get(SolveJob, rota.job_id if rota else None)
        assert rota is not None and job is not None
        rota.stopped_early, job.outcome, job.elapsed = True, "stopped_early", 1.0
        session.add_all([rota, job])
        session.commit()
        job_id = job.id
    text = text_of(web.get("planner", f"/web/jobs/{job_id}").text)
    assert "Stoppet før tid: den bedste vagtplan, der var fundet indtil da, er gemt som udkast." in text
    assert f'href="/web/rotas/{rota_id}"' in web.get("planner", f"/web/jobs/{job_id}").text
    rota_page = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Beregningen blev stoppet før tid: dette er den bedste vagtplan" in rota_page
    period = text_of(web.get("planner", f"/web/periods/{world.period}").text)
    assert "Stoppet før tid" in period


def test_the_cell_editor_offers_only_the_routes_of_the_chosen_shift_that_day(web: Web) -> None:
    world = web.world
    # A second route, on the day shift on weekdays only.
    route = {"code": "uldum-2", "name": "Uldum 2", "shifts": ["dag"], "weekdays": [0, 1, 2, 3, 4]}
    ok(world.post("planner", f"/teams/{world.team}/routes", json=route), 201)
    rota_id = _closed_and_solved(web)
    sara = world.staff["sara"]
    url = f"/web/rotas/{rota_id}/cell"

    def options(html: str) -> list[str]:
        select = re.search(r'<select id="edit-route".*?</select>', html, re.S)
        assert select is not None
        return re.findall(r'<option value="([^"]*)"', select.group(0))

    monday = web.htmx("planner", "GET", f"{url}?c={sara}.0&shift=dag").text
    assert options(monday) == ["", "uldum-1", "uldum-2"]
    assert 'hx-get="/web/rotas/' in monday and 'hx-select="#edit-route"' in monday  # reloads on change
    assert options(web.htmx("planner", "GET", f"{url}?c={sara}.0&shift=aften").text) == [""]
    sunday = web.htmx("planner", "GET", f"{url}?c={sara}.6&shift=dag").text
    assert options(sunday) == ["", "uldum-1"]  # uldum-2 does not run on Sundays


def test_a_refused_lock_is_explained_in_the_editor_and_nothing_is_stored(web: Web, monkeypatch: Any) -> None:
    from api.web.review import refusal_text
    from planner import services
    from planner.errors import RuleRefusal

    refusal = RuleRefusal("veto", "2027-03-03 is a veto day of Sara", date=dt.date(2027, 3, 3), name="Sara")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise refusal

    world = web.world
    rota_id = _closed_and_solved(web)
    monkeypatch.setattr(services, "edit_cell", refuse)
    sara = world.staff["sara"]
    response = web.htmx(
        "planner",
        "POST",
        f"/web/rotas/{rota_id}/cells/{sara}/2027-03-03",
        data={"action": "change", "shift": "aften"},
    )
    assert response.status_code == 200 and response.headers.get("HX-Retarget") == "#cell-editor"
    assert refusal_text(refusal, "da") in text_of(response.text)
    assert 'id="edit-shift"' in response.text  # the editor stays open, with the choice made
    assert ok(world.get("planner", f"/periods/{world.period}/locks")) == []


def test_every_explanation_is_reachable_and_can_be_filtered_by_person(web: Web) -> None:
    world = web.world
    # Everybody asks to avoid every shift: many more wish costs than the page lists at once.
    for code in ("mette", "ali", "sara"):
        for n in range(7):
            for shift in ("dag", "aften"):
                wish = {"staff_id": world.staff[code], "date": str(START + dt.timedelta(days=n)),
                        "kind": "avoid", "shift": shift}  # fmt: skip
                ok(world.post(code, f"/periods/{world.period}/wishes", json=wish), 201)
    rota_id = _closed_and_solved(web)
    rota = _rota(world, rota_id)
    wishes = [p for p in rota["penalties"] if p["family"] == "wish"]
    assert len(wishes) > 8
    html = web.get("planner", f"/web/rotas/{rota_id}").text
    assert "og " in text_of(html) and '<details class="more">' in html
    listed = re.findall(r"<li>(.*?) <small class=\"cost\">", html)
    for p in rota["penalties"]:
        assert say(p, "da") in listed, p["explanation"]
    # One person's explanations only.
    page = web.get("planner", f"/web/rotas/{rota_id}?person=ali")
    assert '<option value="ali" selected>' in page.text
    assert "Kun omkostningerne for Ali." in text_of(page.text)
    shown = re.findall(r"<li>(.*?) <small class=\"cost\">", page.text)
    alis = [say(p, "da") for p in rota["penalties"] if p["staff"] == "ali"]
    assert alis and sorted(shown) == sorted(alis)


def test_every_hard_rule_the_solver_can_name_in_a_conflict_has_danish_words() -> None:
    """The rule names of every guarded hard rule of the example team (with locks added) are known to
    `api.web.conflicts`, which writes them in Danish with Danish dates and decimals."""
    from api.web.conflicts import conflict_text, known, rule_text
    from planner.io import load_problem
    from solver.model import build

    problem = load_problem(Path(__file__).resolve().parents[2] / "examples" / "uldum.json")
    person, day = problem.staff[0], problem.horizon.start
    route = next(r for r in problem.routes if r.shifts)
    locks = [
        {"staff": person.id, "date": day, "shift": None},
        {"staff": person.id, "date": day + dt.timedelta(days=1), "shift": route.shifts[0], "route": route.id},
    ]
    problem = type(problem).model_validate({**problem.model_dump(), "locks": locks})
    rules = {g.rule for g in build(problem, explain_mode=True).guards.values()}
    assert len(rules) > 10
    english = re.compile(
        r"\b(day off|veto|absence|lock|rest|at most|at least|working|weekends|hours|every)\b"
    )
    for rule in rules:
        assert known(rule), rule
        danish = rule_text(rule, "da")
        assert not english.search(danish) and not re.search(r"\d{4}-\d\d-\d\d", danish), danish
    # The same rules worded from their message ids and params (issue 11), and a conflict from its causes.
    guards = list(build(problem, explain_mode=True).guards.values())
    causes = [
        {"message": g.message, "params": g.params, "staff": g.staff, "explanation": g.rule} for g in guards
    ]
    for cause in causes:
        danish = say(cause, "da")
        assert not english.search(danish) and not re.search(r"\d{4}-\d\d-\d\d", danish), danish
    mine = [c for c in causes if c["staff"] == person.id][:3]
    conflict = {
        "message": "conflict.person",
        "params": {
            "who": person.label,
            "staff": person.id,
            "rules": "; ".join(c["explanation"] for c in mine),
        },
        "causes": mine,
        "explanation": "",
    }
    text = conflict_text(conflict, "da")
    assert text.startswith(f"{person.label}: disse regler kan ikke overholdes samtidig: "), text
    assert not english.search(text), text


def test_the_rota_page_offers_the_hours_for_payroll(web: Web) -> None:
    rota_id = _closed_and_solved(web)
    page = web.get("planner", f"/web/rotas/{rota_id}")
    assert "Timer til løn (CSV til Excel)" in text_of(page.text)
    download = web.get("planner", f"/web/rotas/{rota_id}/payroll.csv?excel=true")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert download.text.startswith("\ufeffstaff_id;staff_name;week;day_hours;evening_hours;night_hours;")
    assert web.get("mette", f"/web/rotas/{rota_id}/payroll.csv").status_code == 403


def test_the_period_page_puts_the_next_step_first_and_links_the_published_rota(web: Web) -> None:
    world = web.world
    page = web.get("planner", f"/web/periods/{world.period}").text
    # open: who has submitted comes first (solving is not possible yet)
    assert page.index('id="sub-h"') < page.index('id="solve-h"')
    assert "Den offentliggjorte vagtplan" not in text_of(page)
    rota_id = _closed_and_solved(web)
    page = web.get("planner", f"/web/periods/{world.period}").text
    # closed: making a rota comes before the 25-row table, and reopening is the quieter button
    assert page.index('id="solve-h"') < page.index('id="sub-h"')
    assert re.search(r'<button type="submit" class="secondary">\s*Genåbn for ønsker</button>', page)
    assert web.post("planner", f"/web/rotas/{rota_id}/publish").status_code == 303
    page = web.get("planner", f"/web/periods/{world.period}").text
    link = re.search(r'<p class="published-link"><a href="(/web/rotas/\d+)"', page)
    assert link and link.group(1) == f"/web/rotas/{rota_id}"
    assert page.index("published-link") < page.index('id="sub-h"')


def test_the_cell_editor_says_who_else_could_take_the_shift(web: Web) -> None:
    world = web.world
    rota_id = _closed_and_solved(web)
    sara = world.staff["sara"]
    editor = web.htmx("planner", "GET", f"/web/rotas/{rota_id}/cell?c={sara}.1")
    assert editor.status_code == 200
    assert "Hvem andre kunne tage" in text_of(editor.text)
    link = re.search(r'hx-get="(/web/rotas/\d+/candidates\?date=[^"&]+&amp;shift=[^"]+)"', editor.text)
    assert link
    url = link.group(1).replace("&amp;", "&")
    fragment = web.htmx("planner", "GET", url)
    said = text_of(fragment.text)
    day = (START + dt.timedelta(days=1)).isoformat()
    shift = url.rsplit("=", 1)[1]
    expected = ok(world.get("planner", f"/rotas/{rota_id}/candidates", params={"date": day, "shift": shift}))
    names = {"mette": "Mette", "ali": "Ali", "sara": "Sara"}
    for c in expected:
        assert names[c["staff"]] in said
    if not expected:
        assert "Ingen andre kan tage" in said
    page = web.get("planner", url)  # without htmx: a page of its own
    assert page.status_code == 200 and "Tilbage til udkastet" in text_of(page.text)
    assert web.get("mette", url).status_code == 403


def test_the_job_and_rota_pages_say_how_close_the_rota_is_to_the_best_possible(web: Web) -> None:
    """The bound read as a planner reads it: the rota costs at most (cost − bound) / bound more than the
    best possible one, rounded up; proven optimal says so; no bound yet says it is not known."""
    world = web.world
    rota_id = _closed_and_solved(web)
    stored = _rota(world, rota_id)
    page = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    if stored["status"] == "OPTIMAL":
        assert "Den bedst mulige vagtplan (bevist)" in page
    with Session(world.engine) as session:
        rota = session.get(Rota, rota_id)
        job = session.get(SolveJob, rota.job_id if rota else None)
        assert rota is not None and job is not None
        rota.status, rota.objective, rota.best_bound = "FEASIBLE", 1205, 1000.0
        job.best_objective, job.best_bound = 1205, 1000.0
        session.add_all([rota, job])
        session.commit()
        job_id = job.id
    page = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Højst 21 % over den bedst mulige" in page  # 20.5 % rounded up: never claim closer than proven
    assert "Højst 21 % over den bedst mulige" in text_of(web.get("planner", f"/web/jobs/{job_id}").text)
    with Session(world.engine) as session:
        rota = session.get(Rota, rota_id)
        assert rota is not None
        rota.best_bound = 0.0
        session.add(rota)
        session.commit()
    page = text_of(web.get("planner", f"/web/rotas/{rota_id}").text)
    assert "Hvor tæt den er på den bedst mulige: ikke kendt endnu" in page
    assert "Højst" not in page
