"""Every page in one language only: the demo team (examples/uldum.json, as `init-demo` loads it) walked in
Chromium in Danish and in English, as staff on a phone and as the planner on a PC, after a solve — so the
explanations, the cover, the fulfilment, the conflicts' and the forms' words are all on screen. A page
in Danish must show no English interface word, a page in English no Danish one (issue 11). Words of the
team's own data (people, shifts, routes, absences: Danish in a Danish team whatever the page language)
are data, not interface, and are not counted.

What is read is what a person meets: the visible text, and what a screen reader says (labels, titles,
placeholders, the document title). Skipped without a `chromium` command, except under
`PUSLEPLAN_REQUIRE_BROWSER=1` (CI).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from service.helpers import PASSWORD, migrated
from sqlalchemy import Engine
from sqlmodel import Session

from planner.demo import load_demo
from solver.problem import Problem
from web.browser import DESKTOP, PHONE, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "uldum.json"
SOLVE_WAIT_S = 120
# Seconds for the reasons the job works out after the solve (the service's default is 20, and the test
# waited for all of them: on SQLite the job keeps the database's write lock meanwhile, so the next sign-in
# waits). 8 s works out the first few and lists the rest as not reached: on this team the same sentences
# (item, headline and consequence message ids) as 20 s gave, measured on a 2-core machine.
REASONS_BUDGET = "8"

# Words that belong to one language's interface and are no word of the other's (nor of the demo data).
_ENGLISH = """the and with not is are was were from your you this that these those cannot could would should
    wanted given needed short than of off shift shifts day days hours hour week weeks wish wishes rules
    rule hold open closed draft published publish route routes carers nobody changed asked avoid outside
    contract target least more none saved save cancel delete back sign password username language page
    found allowed something wrong period periods staff solve solving rota rotas cover need needs why who
    what when where which people person's team's edit add new name deadline minutes
    everyone nothing only own pick picks favourite granted missing extra total weekends night
    evening rest working locked lock unlock choose write number date"""
ENGLISH = set(_ENGLISH.split())
_DANISH = """og ikke med af til på fra vagt vagter ønske ønsker ønskede fik timer uge uger dage rute ruter
    medarbejder medarbejdere behov udkast gem log ind ud periode perioder hvorfor mangler regler kan
    skal må mindst højst der det den er har blev ændret vælg skriv tilbage slet annuller ingen
    flere hvile låst lås nat aften weekender arbejde ugen dagen alle kun egne egen navn
    adgangskode brugernavn sprog siden findes noget gik galt vagtplan"""
DANISH = set(_DANISH.split())

# Runs in the page: everything a person reads or hears, as one text.
READ = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
    for (const a of ['aria-label', 'title', 'placeholder', 'alt'])
      if (el.getAttribute(a)) parts.push(el.getAttribute(a));
  return parts.join('\\n');
}"""
# Runs in the page: opens every explanation a person can open, as a click on each shown summary does
# (a summary inside a closed one is not shown; outer ones come first, so it is opened once its outer one
# is). In one round trip: clicked one by one, the Uldum pages' hundred summaries took 6 s a page.
OPEN_ALL = """() => {
  for (const summary of document.querySelectorAll('details:not([open]) > summary')) {
    const box = summary.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && getComputedStyle(summary).visibility !== 'hidden') summary.click();
  }
}"""


def data_words(problem: Problem) -> set[str]:
    """Every word of the team's own data (names, codes, reasons, districts, skills, the period's name)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(w.lower() for w in re.findall(r"[^\W\d_]+", value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    dumped = problem.model_dump(mode="json")
    for wish in dumped["wishes"]:
        wish.pop("kind")  # want/avoid/veto: the format's words, not the team's
    walk(dumped)
    return found


def foreign_words(text: str, lang: str, ignore: set[str]) -> list[str]:
    """The words of `text` that belong to the other language's interface, each with its line."""
    other = ENGLISH if lang == "da" else DANISH
    found = []
    for line in text.splitlines():
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", line)}
        hits = sorted((words & other) - ignore)
        if hits:
            found.append(f"{hits}: {line.strip()[:120]}")
    return found


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, Problem, int]]:
    monkeypatch.setenv("PUSLEPLAN_REASONS_BUDGET", REASONS_BUDGET)  # the solve processes inherit it
    problem = Problem.model_validate_json(EXAMPLE.read_text())
    with migrated(tmp_path) as engine:
        with Session(engine, expire_on_commit=False) as session:
            made = load_demo(
                session, problem, name="Uldum", planner_password=PASSWORD, staff_password=PASSWORD
            )
            session.commit()
        assert made.period.id is not None
        yield engine, problem, made.period.id


def planner_api(base: str) -> httpx.Client:
    api = httpx.Client(base_url=base, timeout=30)
    token = api.post("/token", data={"username": "planlaegger", "password": PASSWORD}).json()
    api.headers["Authorization"] = f"Bearer {token['access_token']}"
    return api


def solve(api: httpx.Client, period: int) -> dict[str, Any]:
    """Solve the closed period (3 s, one worker) through the API; the ended job."""
    job = api.post(f"/periods/{period}/solve", json={"time_limit": 3, "workers": 1})
    assert job.status_code == 202, job.text
    deadline = time.monotonic() + SOLVE_WAIT_S
    while time.monotonic() < deadline:
        state: dict[str, Any] = api.get(f"/solve-jobs/{job.json()['id']}").json()
        if state["state"] in ("done", "failed", "cancelled"):
            return state
        time.sleep(0.5)
    raise AssertionError("the solve did not end in time")


def read(page: Any, lang: str, ignore: set[str], where: str) -> list[str]:
    return [f"{lang} {where}: {w}" for w in foreign_words(page.evaluate(READ), lang, ignore)]


def post_from_stale_page(page: Any, base: str, url: str, form: dict[str, str]) -> None:
    """Send a form as a second browser tab would after the page changed, and show the answer."""
    page.goto(f"{base}/web/periods")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    answer = page.request.post(base + url, form={"csrf": csrf, **form}, max_redirects=0)
    page.set_content(answer.text())


def test_every_page_speaks_one_language(demo: tuple[Engine, Problem, int], browser: Any) -> None:
    engine, problem, period = demo
    ignore = data_words(problem)
    staff_pages = ["/web/me", f"/web/me/periods/{period}", "/web/me/routes", "/web/me/password"]
    found: list[str] = []
    with live_server(engine) as base:
        api = planner_api(base)
        assert api.post(f"/periods/{period}/close").status_code == 200
        done = solve(api, period)
        job, rota = done["id"], done["rota_id"]
        assert rota is not None, done
        karen = next(s for s in problem.staff if s.id == "karen.m")
        planner_pages = [
            "/web/periods",
            f"/web/periods/{period}",
            f"/web/jobs/{job}",
            f"/web/rotas/{rota}",
            f"/web/rotas/{rota}/cell?c=1.9",
            f"/web/rotas/{rota}/meeting",
            f"/web/rotas/{rota}/meeting?c=1.{problem.horizon.start + dt.timedelta(days=9)}",
            "/web/team",
            "/web/team/staff/new",
            "/web/team/shift-types/new",
            "/web/team/routes/new",
            "/web/team/cover/new",
            "/web/team/rules",
            "/web/rotas/999999",
            "/web/me/password",
        ]
        for lang in ("da", "en"):
            phone = browser.new_context(**PHONE)
            desk = browser.new_context(**DESKTOP)
            for context, who, urls in ((phone, karen.id, staff_pages), (desk, "planlaegger", planner_pages)):
                page = context.new_page()
                sign_in(page, base, who, PASSWORD)
                if lang == "en":
                    page.goto(f"{base}/web/language/en")
                for url in urls:
                    page.goto(base + url)
                    page.evaluate(OPEN_ALL)  # every explanation, not only the first screenful
                    found += read(page, lang, ignore, url)
            phone.close()
            desk.close()
        # A rule nobody can keep: Karen must work every hour of the period; the job says why, in words.
        team = api.get("/teams").json()[0]["id"]
        karen_row = next(s for s in api.get(f"/teams/{team}/staff").json() if s["code"] == karen.id)
        karen_row["contract"]["min_minutes"] = karen_row["contract"]["max_minutes"] = 56 * 24 * 60
        karen_id = karen_row.pop("id")
        karen_row.pop("team_id", None)
        assert api.put(f"/staff/{karen_id}", json=karen_row).status_code == 200, karen_row
        failed = solve(api, period)
        assert failed["outcome"] == "infeasible", failed
        for lang in ("da", "en"):
            context = browser.new_context(**DESKTOP)
            page = context.new_page()
            sign_in(page, base, "planlaegger", PASSWORD)
            if lang == "en":
                page.goto(f"{base}/web/language/en")
            page.goto(f"{base}/web/jobs/{failed['id']}")
            found += read(page, lang, ignore, f"job {failed['id']}")
            context.close()
        # A hurried planner's second tab: close a closed period, publish twice.
        assert api.post(f"/rotas/{rota}/publish").status_code == 200
        for lang in ("da", "en"):
            context = browser.new_context(**DESKTOP)
            page = context.new_page()
            sign_in(page, base, "planlaegger", PASSWORD)
            if lang == "en":
                page.goto(f"{base}/web/language/en")
            for url in (
                f"/web/periods/{period}/close",
                f"/web/rotas/{rota}/publish",
                f"/web/periods/{period}/solve",
            ):
                post_from_stale_page(page, base, url, {})
                found += read(page, lang, ignore, f"POST {url}")
            context.close()
        api.close()
        # the sign-in page with a wrong password, both languages
        for lang in ("da", "en"):
            context = browser.new_context(**DESKTOP)
            page = context.new_page()
            if lang == "en":
                page.goto(f"{base}/web/language/en")
            page.goto(f"{base}/web/sign-in")
            page.get_by_label(re.compile("Brugernavn|Username")).fill("karen.m")
            page.get_by_label(re.compile("Adgangskode|Password")).fill("wrong password")
            page.locator("form button[type=submit]").click()
            page.wait_for_load_state()
            found += read(page, lang, ignore, "sign-in")
            context.close()
    assert found == [], "\n".join(found)
