"""A refused change in the reader's language (`api.web.refusals.refusal_text`): every code the services
raise has a Danish wording built from its values, every rule name of the checker has Danish words, and a
code nobody wrote a wording for is still a Danish sentence."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from service.helpers import ok, solve_period

from api.web import i18n
from api.web.refusals import CODES, RULE_NAMES, duration, refusal_text
from planner.errors import RuleRefusal
from solver import check, families
from solver.families import Family
from web.helpers import Web, text_of

D = dt.date(2027, 3, 10)  # a Wednesday
CELL = {"shift": "dag", "shift_name": "Dagvagt", "route": "uldum-1", "route_name": "Uldum 1"}

# Every code planner.person_rules and planner.services raise, with values as they raise them, and the
# Danish sentence a page shows.
CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "absence",
        {"date": D, "start": D, "end": D, "reason": "Kursus: sårpleje"},
        "Fravær ons. 10. mar. (Kursus: sårpleje): ingen vagt den dag.",
    ),
    (
        "absence",
        {"date": D, "start": dt.date(2027, 3, 20), "end": dt.date(2027, 3, 28), "reason": "Ferie (påske)"},
        "Fravær lør. 20. mar. – søn. 28. mar. (Ferie (påske)): ingen vagter i den tid.",
    ),
    ("absence", {"date": D, "start": D, "end": D, "reason": ""}, "Fravær ons. 10. mar.: ingen vagt den dag."),
    ("day_off", {"date": D}, "ons. 10. mar. er en fast fridag: ingen vagt den dag."),
    ("weekday_off", {"date": D, "weekday": 2}, "Hver onsdag er en fast fridag: ingen vagt den dag."),
    ("veto", {"date": D}, "ons. 10. mar. er en vetodag: ingen vagt den dag."),
    (
        "claimed",
        {"date": D, **CELL},
        "Du har taget Dagvagt (Uldum 1) den dag: giv vagten fri, før dagen kan blive en vetodag.",
    ),
    ("veto_limit", {"limit": 2}, "Du har brugt alle 2 vetodage. Fjern en anden vetodag først."),
    ("lock", {"date": D, **CELL}, "Planlæggeren har låst ons. 10. mar. til Dagvagt (Uldum 1)."),
    (
        "lock",
        {"date": D, "shift": None, "shift_name": None, "route": None, "route_name": None},
        "Planlæggeren har låst ons. 10. mar. som fridag.",
    ),
    (
        "one_shift_a_day",
        {"date": D, **CELL, "route": None, "route_name": None},
        "Du har allerede en vagt den dag (Dagvagt). Giv den fri først.",
    ),
    ("taken", {"date": D, **CELL}, "En anden har lige taget den plads."),
    (
        "taken",
        {"date": D, **CELL, "by": "lock"},
        "Planlæggeren har givet Dagvagt (Uldum 1) ons. 10. mar. til en anden.",
    ),
    (
        "route_locked",
        {"date": D, **CELL, "name": "Mette"},
        "Dagvagt (Uldum 1) ons. 10. mar. er låst til Mette.",
    ),
    (
        "daily_rest",
        {
            "date": D,
            "shift": "aften",
            "shift_name": "Aftenvagt",
            "next_date": D + dt.timedelta(days=1),
            "next_shift": "dag",
            "next_shift_name": "Dagvagt",
            "rest": 480,
            "need": 660,
        },
        "Kun 8 timer hvile mellem Aftenvagt ons. 10. mar. og Dagvagt tors. 11. mar.: der skal være mindst "
        "11 timer.",
    ),
    (
        "daily_rest",
        {
            "date": D,
            "shift": "nat",
            "shift_name": "Nattevagt",
            "next_date": D + dt.timedelta(days=1),
            "next_shift": "dag",
            "next_shift_name": "Dagvagt",
            "rest": 0,
            "need": 660,
        },
        "Ingen hvile mellem Nattevagt ons. 10. mar. og Dagvagt tors. 11. mar.: der skal være mindst "
        "11 timer.",
    ),
    (
        "succession",
        {
            "date": D,
            "shift": "dag",
            "shift_name": "Dagvagt",
            "next_date": D + dt.timedelta(days=1),
            "next_shift": "aften",
            "next_shift_name": "Aftenvagt",
        },
        "Aftenvagt må ikke følge efter Dagvagt (ons. 10. mar. → tors. 11. mar.).",
    ),
    (
        "weekly_rest",
        {"date": D, "need": 2100},
        "Intet fridøgn på 35 timer i de 7 dage fra ons. 10. mar.: der skal være et i hver 7 dage.",
    ),
    (
        "max_consecutive_work",
        {"start": D, "end": D + dt.timedelta(days=6), "days": 7, "limit": 6},
        "7 arbejdsdage i træk (ons. 10. mar. – tirs. 16. mar.): højst 6.",
    ),
    (
        "max_shifts",
        {"shift": "nat", "shift_name": "Nattevagt", "count": 1, "limit": 0},
        "1 × Nattevagt i perioden: højst 0.",
    ),
    (
        "minutes",
        {"minutes": 23070, "limit": 23040},
        "384 timer og 30 minutter arbejde i perioden: højst 384 timer.",
    ),
    ("weekends", {"count": 1, "limit": 0}, "1 weekend med arbejde: højst 0."),
    ("weekends", {"count": 4, "limit": 3}, "4 weekender med arbejde: højst 3."),
    (
        "weekend_off_every",
        {"date": D, "every": 2},
        "Weekender i træk med arbejde fra ons. 10. mar.: der skal være en fri weekend i hver 2.",
    ),
    ("skills", {"date": D, **CELL, "skills": ["sygeplejerske"]}, "Dagvagt kræver kompetencen sygeplejerske."),
    (
        "route",
        {"date": D, **CELL, "route_name": "Sygepleje", "why": "skills", "skills": ["a", "b"]},
        "Ruten Sygepleje kræver en af kompetencerne a, b.",
    ),
    (
        "route",
        {"date": D, **CELL, "why": "weekday", "skills": []},
        "Ruten Uldum 1 kører ikke den dag (ons. 10. mar.).",
    ),
    ("route", {"date": D, **CELL, "why": "shift", "skills": []}, "Ruten Uldum 1 kører ikke i Dagvagt."),
]


@pytest.mark.parametrize(("code", "params", "danish"), CASES)
def test_every_refusal_has_its_danish_sentence_and_an_english_one(
    code: str, params: dict[str, Any], danish: str
) -> None:
    exc = RuleRefusal(code, "the English message for the API", **params)
    assert refusal_text(exc, "da") == danish
    english = refusal_text(exc, "en")
    assert english != danish and "the English message" not in english
    assert not re.search(r"\{\w+\}", english + danish)  # every value filled in


def test_every_code_raised_has_a_wording() -> None:
    assert {code for code, _, _ in CASES} == CODES


def test_every_rule_the_checker_names_has_danish_words() -> None:
    # The checker's rule names: its families' (solver/families.py), the routes family's as check.ROUTE_RULE.
    rules = {f.name for f in families.hard_families() if f.name != Family.ROUTES} | {check.ROUTE_RULE}
    assert {
        "succession",
        "weekly_rest",
        "days_off",
        "min_consecutive_off",
    } <= rules  # the patterns still find them
    for rule in rules:
        assert rule in RULE_NAMES, rule
        assert i18n.translator("da")(RULE_NAMES[rule]) != RULE_NAMES[rule], rule
        text = refusal_text(RuleRefusal(rule, "x"), "da")  # without values: said by its name
        assert text.startswith("Ændringen bryder reglen om "), text


def test_a_code_without_a_wording_or_values_is_still_a_danish_sentence() -> None:
    assert refusal_text(RuleRefusal("some_new_rule", "x"), "da") == (
        "Ændringen bryder en regel for planen (some_new_rule)."
    )
    assert refusal_text(RuleRefusal("daily_rest", "x", date=D), "da") == (
        "Ændringen bryder reglen om den daglige hvile."
    )
    assert refusal_text(RuleRefusal("daily_rest", "x", date=D), "en") == (
        "The change breaks the rule on the daily rest."
    )


def test_durations_are_said_as_people_say_them() -> None:
    assert [duration(m, "da") for m in (60, 480, 630, 30)] == [
        "1 time",
        "8 timer",
        "10 timer og 30 minutter",
        "30 minutter",
    ]
    assert [duration(m, "en") for m in (60, 480, 630)] == ["1 hour", "8 hours", "10 hours 30 minutes"]


def test_the_cell_editor_says_a_real_refused_lock_in_danish(web: Web) -> None:
    """Two locks 8 h apart, made in the planner's cell editor: the second is refused in words and not
    stored (the editor is the review page's; the refusal and its words come from here)."""
    world = web.world
    ali = world.staff["ali"]
    veto = {"staff_id": world.staff["mette"], "date": "2027-03-04", "kind": "veto"}
    ok(world.post("mette", f"/periods/{world.period}/wishes", json=veto), 201)
    rota = solve_period(world)["id"]
    url = f"/web/rotas/{rota}/cells"
    first = web.htmx(
        "planner", "POST", f"{url}/{ali}/2027-03-02", data={"action": "change", "shift": "aften"}
    )
    assert first.status_code == 200
    second = web.htmx("planner", "POST", f"{url}/{ali}/2027-03-03", data={"action": "change", "shift": "dag"})
    assert second.headers.get("HX-Retarget") == "#cell-editor"  # the editor shows why; the cell stays
    said = text_of(second.text)
    rest = "Kun 8 timer hvile mellem Aftenvagt tirs. 2. mar. og Dagvagt ons. 3. mar.: der skal være mindst"
    assert f"{rest} 11 timer." in said
    assert "required" not in said  # no English on a Danish page
    on_veto = web.htmx(
        "planner",
        "POST",
        f"{url}/{world.staff['mette']}/2027-03-04",
        data={"action": "change", "shift": "dag"},
    )
    assert on_veto.headers.get("HX-Retarget") == "#cell-editor"
    assert "tors. 4. mar. er en vetodag: ingen vagt den dag." in text_of(on_veto.text)
    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    assert [(lk["staff_id"], lk["date"], lk["shift"]) for lk in locks] == [(ali, "2027-03-02", "aften")]
