"""The rule-family registry: a soft family added from outside works everywhere (weights, model, checker,
explanations) without editing any other file; and the registry changed nothing the checker computes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import solve_checked, tiny
from pydantic import ValidationError

from solver import check, families
from solver.check import Roster
from solver.families import Family, FamilySpec, MessageSpec, Msg, WeightSpec
from solver.problem import Problem
from solver.solution import Assignment, Penalty
from solver.variables import Term, Vars

GOLDEN = Path(__file__).parent / "golden"
NO_WORK_ON_THE_13TH = "thirteenth.worked"


def _params(who: str, staff: str, date: str) -> dict[str, str | int | float]:
    return {"who": who, "staff": staff, "date": date}


def penalize_thirteenth(v: Vars) -> None:
    """Working on the 13th of a month costs `weights.thirteenth`."""
    weight = v.problem.weights.thirteenth
    for d, day in enumerate(v.dates):
        if day.day != 13:
            continue
        for pi, person in enumerate(v.people):
            params = _params(person.label, person.id, day.isoformat())
            v.soft(
                Term(
                    "thirteenth",
                    weight,
                    v.work[pi, d],
                    NO_WORK_ON_THE_13TH,
                    lambda n, params=params: params,
                    staff=person.id,
                    date=day,
                )
            )


def check_thirteenth(r: Roster) -> list[Penalty]:
    """The same, recomputed from the rota."""
    weight = r.problem.weights.thirteenth
    return [
        Penalty(
            family="thirteenth",
            cost=weight,
            staff=p,
            date=day,
            message=NO_WORK_ON_THE_13TH,
            params=_params(r.name(p), p, day.isoformat()),
        )
        for p in r.work
        for i, day in enumerate(r.dates)
        if day.day == 13 and r.works(p, i) and weight > 0
    ]


THIRTEENTH = FamilySpec(
    "thirteenth",
    hard=False,
    label="No work on the 13th",
    messages=(
        MessageSpec(NO_WORK_ON_THE_13TH, "{who}, {date}: works on the 13th", ("who", "staff", "date")),
    ),
    model=penalize_thirteenth,
    check=check_thirteenth,
    weight=WeightSpec("thirteenth", 2, "Working on the 13th", "Per shift on the 13th of a month."),
)


def test_a_family_registered_from_outside_is_solved_priced_explained_and_checked() -> None:
    with families.registered(THIRTEENTH):
        assert [f.name for f in families.soft_families()][-1] == "thirteenth"
        assert Problem.model_fields["weights"].default_factory().thirteenth == 2  # type: ignore[misc]
        # Mette works every day (a day short costs 100): the 13th (Thursday) costs 7.
        problem = tiny(
            staff=[{"id": "mette", "name": "Mette"}],
            horizon={"start": "2025-03-10", "days": 5},
            cover=[{"shift": "dag", "need": 1, "weight_under": 100}],
            weights={"thirteenth": 7},
        )
        assert problem.weights.thirteenth == 7
        assert problem.weights.continuity == 3  # the others keep their defaults
        solution = solve_checked(problem)  # solver objective == checker objective
        [toy] = [p for p in solution.penalties if p.family == "thirteenth"]
        assert (toy.cost, toy.message, toy.staff, str(toy.date)) == (
            7,
            NO_WORK_ON_THE_13TH,
            "mette",
            "2025-03-13",
        )
        assert toy.params == {"who": "Mette", "staff": "mette", "date": "2025-03-13"}
        assert toy.explanation == "Mette, 2025-03-13: works on the 13th"
        assert toy in check.penalties(problem, solution.assignments)
    assert "thirteenth" not in [f.name for f in families.all_families()]
    with pytest.raises(ValidationError, match="unknown weight 'thirteenth'"):
        tiny(weights={"thirteenth": 7})


def test_weights_name_the_field_that_is_wrong() -> None:
    with pytest.raises(
        ValidationError, match=r"weights\.continuity\n  Input should be greater than or equal to 0"
    ):
        tiny(weights={"continuity": -1})
    with pytest.raises(ValidationError, match=r"weights\.continuty\n  unknown weight 'continuty'"):
        tiny(weights={"continuty": 1})
    assert tiny(weights={"fairness": 0}).weights.model_dump() == {
        "contract_hour": 5,
        "fairness": 0,
        "continuity": 3,
        "route_not_favourite": 1,
    }


def test_a_name_weight_or_message_is_registered_once() -> None:
    with pytest.raises(ValueError, match="family 'wish' is already registered"):
        families.register(FamilySpec(Family.WISH, False, "Again"))
    with pytest.raises(ValueError, match="weight field 'continuity' is taken"):
        families.register(FamilySpec("again", False, "Again", weight=WeightSpec("continuity", 1, "x", "x")))
    with pytest.raises(ValueError, match="message id 'wish.want' is taken"):
        families.register(FamilySpec("again", False, "Again", (MessageSpec(Msg.WISH_WANT, "x"),)))
    assert "again" not in [f.name for f in families.all_families()]


def test_the_registry_lists_the_families_in_the_review_pages_order_with_their_weights() -> None:
    assert [f.name for f in families.soft_families()] == [
        "cover",
        "route",
        "wish",
        "self_pick",
        "keep",
        "contract",
        "fairness",
        "continuity",
        "favourite",
    ]
    assert [(w.field, w.default, w.label) for _, w in families.weighted()] == [
        ("contract_hour", 5, "Each hour away from the contract"),
        ("fairness", 2, "Fair share of wishes"),
        ("continuity", 3, "Same carers on a route"),
        ("route_not_favourite", 1, "A route that is not a favourite"),
    ]
    assert families.get(Family.CONTINUITY).label == "Same carers on a route"
    for family in families.all_families():
        for message in family.messages:
            assert families.family_of(message.id) == family.name


def test_every_message_renders_from_its_params() -> None:
    cell = {"who": "Mette", "staff": "mette", "date": "2025-03-04", "shift": "dag", "route": ""}
    assert families.render(Msg.WISH_WANT, cell) == "Mette, 2025-03-04: wanted dag, not given"
    assert (
        families.render(Msg.WISH_AVOID, {**cell, "shift": ""}) == "Mette, 2025-03-04: asked to avoid a shift"
    )
    assert families.render(Msg.KEEP_CHANGED, {**cell, "route": "r1"}) == (
        "Mette, 2025-03-04: changed from the draft (dag route r1)"
    )
    assert families.render(
        Msg.CONTRACT_OFF_TARGET, {"who": "Mette", "staff": "mette", "hours": 3, "target": 148.0}
    ) == ("Mette: 3 h outside the contract target of 148 h")
    cover = {"date": "2025-03-04", "shift": "dag", "skill": "ssa", "n": 1, "need": 2}
    assert families.render(Msg.COVER_UNDER, cover) == "2025-03-04 dag (ssa): 1 short of 2 needed"
    assert families.render(Msg.DAYS_OFF_WEEKDAY, {"weekday": 2}) == "fixed day off every Wednesday"
    assert families.render(Msg.MINUTES_AT_LEAST, {"hours": 37.5}) == "at least 37.5 hours in the period"
    assert families.render(Msg.SUCCESSION_REST, {"before": "2027-03-01"}) == (
        "daily rest and shift successions, counting the days before 2027-03-01"
    )
    with pytest.raises(KeyError, match="unknown message id 'nope'"):
        families.render("nope", {})


def test_a_conflict_names_its_rules_as_messages() -> None:
    problem = tiny(
        staff=[{"id": "mette", "name": "Mette", "days_off": ["2025-03-04"]}],
        locks=[{"staff": "mette", "date": "2025-03-04", "shift": "dag"}],
    )
    [conflict] = solve_checked(problem).conflicts
    assert conflict.message == Msg.CONFLICT_PERSON
    assert conflict.explanation == "Mette: these rules cannot all hold: " + "; ".join(conflict.rules)
    assert sorted((c.family, c.message, c.explanation) for c in conflict.causes) == [
        (Family.DAYS_OFF, Msg.DAYS_OFF_FIXED, "fixed day off 2025-03-04"),
        (Family.LOCK, Msg.LOCK_SHIFT, "lock: dag on 2025-03-04"),
    ]


@pytest.mark.parametrize("key", ["uldum/solved", "mixed/greedy", "mixed/solved"])
def test_the_checker_prices_stored_rotas_as_before_the_registry(key: str) -> None:
    """Rotas and per-family costs recorded with the solver of commit 0ece455 (before the registry)."""
    stored = json.loads((GOLDEN / "family_costs.json").read_text())[key]
    source = Path(__file__).parent.parent / "examples" / "uldum.json"
    if key.startswith("mixed"):
        source = GOLDEN / "mixed_families.json"
    problem = Problem.model_validate_json(source.read_text())
    rota = [Assignment.model_validate(a) for a in stored["rota"]]
    costs: Counter[str] = Counter()
    for penalty in check.penalties(problem, rota):
        costs[penalty.family] += penalty.cost
    assert dict(costs) == stored["costs"]
    assert check.objective(problem, rota) == stored["objective"]
    assert len(check.violations(problem, rota)) == stored["violations"]
