"""The rota for the wall as PDF (issue 15): the Uldum example's 25 people × 56 days rendered by WeasyPrint
from the print page's HTML, read back with a PDF text extractor: every person and every day is on the
pages, four sheets of two weeks each (25 people fit one A4-landscape page), and one week is one page."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pypdf
import pytest

from api import printing
from api.web import i18n
from planner.errors import InputError, NotFound
from planner.models import Period, Rota
from planner.views.printing import print_rota
from solver import check
from solver.greedy import greedy_rota
from solver.problem import Problem

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def uldum() -> tuple[Period, Rota, Problem]:
    problem = Problem.model_validate(json.loads((ROOT / "examples" / "uldum.json").read_text()))
    rota = greedy_rota(problem)
    assert check.violations(problem, rota) == []
    row = Rota(
        id=7,
        period_id=1,
        state="published",
        status="FEASIBLE",
        problem=problem.model_dump(mode="json"),
        assignments=[a.model_dump(mode="json") for a in rota],
        published_at=dt.datetime(2027, 2, 1, 9, 30, tzinfo=dt.UTC),
    )
    period = Period(
        id=1, team_id=1, name="Forår 2027", start=problem.horizon.start, days=problem.horizon.days
    )
    return period, row, problem


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_the_period_pdf_has_every_person_and_day_on_four_pages(uldum: tuple[Period, Rota, Problem]) -> None:
    period, rota, problem = uldum
    pages = _pages(printing.pdf_bytes(printing.render_html(period, print_rota(rota), "da", pdf=True)))
    assert len(pages) == 4  # 8 weeks, two per sheet, the 25 people on one page each
    for n, text in enumerate(pages):
        first = problem.horizon.start + dt.timedelta(days=14 * n)
        for person in problem.staff:
            assert person.name in text, (n, person.name)
        for d in (first + dt.timedelta(days=i) for i in range(14)):
            assert i18n.day_month(d, "da") in text, (n, d)
        assert f"side {n + 1} af 4" in text
        assert "Vagtplan: Forår 2027" in text and "Vagtplan 7, offentliggjort 1. feb. 2027 10.30" in text
        assert "Nattevagt 23.00–07.00" in text  # the legend
    # every shift is printed: the cells' shift codes on all pages add up to the rota's shifts
    codes = {s.code for s in problem.shift_types}
    assert sum(t.split().count(c) for t in pages for c in codes) >= len(rota.assignments)


def test_one_week_is_one_page_and_a_bad_week_is_refused(uldum: tuple[Period, Rota, Problem]) -> None:
    period, rota, problem = uldum
    sheet = print_rota(rota, week="2027-w10")
    assert sheet.week == "2027-W10" and [len(s.days) for s in sheet.sheets] == [7]
    (text,) = _pages(printing.pdf_bytes(printing.render_html(period, sheet, "en", pdf=True)))
    assert all(person.name in text for person in problem.staff)
    assert all(i18n.day_month(dt.date(2027, 3, 8) + dt.timedelta(days=i), "en") in text for i in range(7))
    assert "Week 10" in text
    with pytest.raises(InputError) as bad:
        print_rota(rota, week="week ten")
    assert bad.value.field == "week"
    with pytest.raises(NotFound):
        print_rota(rota, week="2027-W30")


def test_sheets_are_cut_where_a_week_begins(uldum: tuple[Period, Rota, Problem]) -> None:
    _, rota, problem = uldum
    shifted = problem.model_dump(mode="json")
    shifted["horizon"] = {**shifted["horizon"], "start": "2027-03-03", "days": 20, "public_holidays": []}
    row = Rota(id=8, period_id=1, state="draft", status="FEASIBLE", problem=shifted, assignments=[])
    sheets = print_rota(row).sheets
    # Wednesday 3 March: its short week and the next on the first sheet (12 days; a third week would
    # not fit), then week 11 and the one Monday of week 12
    assert [(s.days[0].isoformat(), len(s.days)) for s in sheets] == [("2027-03-03", 12), ("2027-03-15", 8)]
    assert [s.weeks for s in sheets] == [[9, 10], [11, 12]]
