"""The `keep` family ("changed from the draft") on the review page: its label and its Danish sentence."""

from __future__ import annotations

from conftest import day, solve_checked, tiny

from api.web.explain import say
from api.web.review import family_labels
from planner.views.review import family_order


def test_a_changed_draft_cell_reads_in_danish_and_has_its_place() -> None:
    routes = [{"id": "r1", "name": "Uldum 1", "shifts": ["dag"]}]
    keep = [{"staff": "mette", "date": day(2).isoformat(), "shift": "dag", "route": "r1"}]
    locks = [{"staff": "mette", "date": day(2).isoformat(), "shift": None}]
    solution = solve_checked(tiny(routes=routes, keep=keep, locks=locks))
    [penalty] = [p for p in solution.penalties if p.family == "keep"]
    record = penalty.model_dump(mode="json")
    assert say(record, "da") == "Mette, ons. 5. mar.: ændret fra udkastet (dag på rute r1)"
    assert say(record, "en") == penalty.explanation
    assert "keep" in family_order() and family_labels()["keep"] == "Changed from the draft"
