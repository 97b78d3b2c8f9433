"""The rota for the wall printed by Chromium (Playwright's `page.pdf`, the browser's own print): the
planner's print page of the Uldum example's 25 people × 8 weeks comes out as 4 A4-landscape pages with
every person and day on each sheet, the screen's toolbar left off the paper; a week is one page. Skipped
without a `chromium` command, except under `PUSLEPLAN_REQUIRE_BROWSER=1` (CI)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from service.helpers import PASSWORD, World, build_world, migrated
from sqlmodel import Session

from api.web import i18n
from planner.models import Rota
from solver import check
from solver.greedy import greedy_rota
from solver.problem import Problem
from web.browser import DESKTOP, browser_required, chromium_path, live_server, sign_in

pytestmark = pytest.mark.browser

if chromium_path() is None and not browser_required():
    pytest.skip("no chromium command (apt-get install chromium)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with migrated(tmp_path) as engine:
        yield from build_world(engine)


def _uldum_rota(world: World) -> tuple[int, Problem]:
    """The Uldum example's checked greedy rota, stored as a published rota of the team's period."""
    problem = Problem.model_validate(json.loads((ROOT / "examples" / "uldum.json").read_text()))
    assignments = greedy_rota(problem)
    assert check.violations(problem, assignments) == []
    with Session(world.engine) as session:
        rota = Rota(
            period_id=world.period,
            state="published",
            status="FEASIBLE",
            problem=problem.model_dump(mode="json"),
            assignments=[a.model_dump(mode="json") for a in assignments],
            published_at=dt.datetime.now(dt.UTC),
        )
        session.add(rota)
        session.commit()
        assert rota.id is not None
        return rota.id, problem


def test_chromium_prints_every_person_and_day_on_a4_landscape(world: World, browser: Any) -> None:
    rota, problem = _uldum_rota(world)
    with live_server(world.engine) as base:
        page = browser.new_context(**DESKTOP).new_page()
        sign_in(page, base, "planner", PASSWORD)
        page.goto(f"{base}/web/rotas/{rota}")
        page.get_by_role("link", name="Udskriv vagtplanen (A4 på tværs, hele perioden eller en uge)").click()
        page.wait_for_url(f"{base}/web/rotas/{rota}/print")
        assert page.get_by_role("button", name="Udskriv").is_visible()
        page.emulate_media(media="print")
        assert not page.locator("nav.toolbar").is_visible()  # no menu or buttons on paper
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 4
        width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
        assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (297, 210)
        for n, sheet in enumerate(p.extract_text() for p in reader.pages):
            assert [p.name for p in problem.staff if p.name not in sheet] == [], n
            first = problem.horizon.start + dt.timedelta(days=14 * n)
            assert all(i18n.day_month(first + dt.timedelta(days=i), "da") in sheet for i in range(14)), n
            assert "Navn" in sheet and "Vagtplan" in sheet and "Hent som PDF" not in sheet

        page.emulate_media(media="screen")
        page.get_by_role("link", name="Uge 10").click()
        page.wait_for_url(f"{base}/web/rotas/{rota}/print?week=2027-W10")
        week = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
        assert len(week.pages) == 1
        text = week.pages[0].extract_text()
        assert all(person.name in text for person in problem.staff)
        assert all(i18n.day_month(dt.date(2027, 3, 8) + dt.timedelta(days=i), "da") in text for i in range(7))
        with page.expect_download() as download:
            page.get_by_role("link", name="Hent som PDF").click()
        assert download.value.suggested_filename == f"vagtplan-{rota}-2027-W10.pdf"
        assert len(pypdf.PdfReader(download.value.path()).pages) == 1
