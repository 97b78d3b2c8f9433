"""Issue 14 through the service: the reasons stored with a rota (each stated cost is the checker's cost of
the rota that grants the item), the smallest fixes of an infeasible period (applying one gives a rota
the checker passes), and the fairness ledger with its setting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import Session, select

from planner import mapping, migrate
from planner.db import make_engine
from planner.models import AuditEntry, Period, Rota, Staff, Wish
from service.helpers import START, World, checked, fresh_database, ok, solve_period
from solver import check
from solver.counterfactual import Change, apply_changes


def _avoid_the_first_evening(world: World) -> None:
    """Everyone asks to avoid the first evening, which needs one person: one of them loses out."""
    for who in ("mette", "ali", "sara"):
        body = {"staff_id": world.staff[who], "date": START.isoformat(), "kind": "avoid", "shift": "aften"}
        ok(world.post(who, f"/periods/{world.period}/wishes", json=body), 201)


def test_each_stored_reason_states_the_checkers_cost_of_the_rota_that_grants_it(world: World) -> None:
    _avoid_the_first_evening(world)
    rota = solve_period(world, publish=True)
    answer = ok(world.get("planner", f"/rotas/{rota['id']}/reasons"))
    assert answer["worked_out"] is True
    reasons = answer["reasons"]
    with Session(world.engine) as session:
        stored = session.get(Rota, rota["id"])
        assert stored is not None
        problem, assignments = mapping.rota_problem(stored), mapping.rota_assignments(stored)
    unmet = [p for p in check.penalties(problem, assignments) if p.family == "wish"]
    assert unmet and {
        (r["item"]["staff"], r["item"]["date"]) for r in reasons if r["item"]["kind"] == "wish"
    } == {(p.staff, p.date.isoformat()) for p in unmet}
    priced = [r for r in reasons if r["status"] == "priced"]
    assert priced
    before = check.objective(problem, assignments)
    for reason in priced:
        granted = apply_changes(assignments, [Change.model_validate(c) for c in reason["changes"]])
        assert check.violations(problem, granted) == []
        assert reason["cost"] - reason["local_gain"] == check.objective(problem, granted) - before
        assert sum(reason["by_family"].values()) == reason["cost"]

    # Each person reads the reasons of their own wishes only, without anyone's changed cells.
    loser = unmet[0].staff
    assert loser is not None
    mine = ok(world.get(loser, f"/rotas/{rota['id']}/reasons"))["reasons"]
    assert mine and all(r["item"]["staff"] == loser and r["changes"] == [] for r in mine)
    others = [
        who for who in ("mette", "ali", "sara") if who != loser and not any(p.staff == who for p in unmet)
    ]
    for who in others:
        assert ok(world.get(who, f"/rotas/{rota['id']}/reasons"))["reasons"] == []
    # Working them out again is the planner's.
    assert world.post(loser, f"/rotas/{rota['id']}/reasons").status_code == 403
    again = ok(world.post("planner", f"/rotas/{rota['id']}/reasons"))
    assert again["worked_out"] and len(again["reasons"]) == len(reasons)


def test_a_draft_has_no_reasons_for_staff(world: World) -> None:
    _avoid_the_first_evening(world)
    rota = solve_period(world)
    assert world.get("mette", f"/rotas/{rota['id']}/reasons").status_code == 404


def _infeasible(world: World) -> None:
    """Mette must work six days of the period (the weekly rest allows no more) but has vetoes on two."""
    for offset in (3, 5):
        veto = {
            "staff_id": world.staff["mette"],
            "date": (START + dt.timedelta(days=offset)).isoformat(),
            "kind": "veto",
        }
        ok(world.post("mette", f"/periods/{world.period}/wishes", json=veto), 201)
    with Session(world.engine) as session:
        mette = session.get(Staff, world.staff["mette"])
        assert mette is not None
        mette.contract = {**mette.contract, "min_minutes": 6 * 480}
        session.add(mette)
        session.commit()


def test_a_proposed_fix_applied_makes_the_period_solvable(world: World) -> None:
    _infeasible(world)
    ok(world.post("planner", f"/periods/{world.period}/close"))
    job = ok(
        world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
    )
    assert ok(world.get("planner", f"/solve-jobs/{job['id']}"))["outcome"] == "infeasible"

    fixes = ok(world.get("planner", f"/periods/{world.period}/fixes"))
    firsts = [f["relaxations"][0] for f in fixes]
    assert [(r["kind"], r["staff"], r["date"]) for r in firsts] == [
        ("drop_veto", "mette", (START + dt.timedelta(days=3)).isoformat()),
        ("drop_veto", "mette", (START + dt.timedelta(days=5)).isoformat()),
        ("min_hours", "mette", None),
    ]
    assert firsts[2]["value"] == 5 * 480  # her minimum lowered by the one day she cannot work
    assert world.get("mette", f"/periods/{world.period}/fixes").status_code == 403

    fix = {k: firsts[2][k] for k in ("kind", "staff", "date", "shift", "value")}
    tighter = {**fix, "value": 7 * 480}
    wrong = world.post("planner", f"/periods/{world.period}/fixes", json=tighter)
    assert wrong.status_code == 422 and "value" in wrong.text
    assert (
        world.post("planner", f"/periods/{world.period}/fixes", json={**fix, "staff": "nobody"}).status_code
        == 404
    )
    ok(world.post("planner", f"/periods/{world.period}/fixes", json=fix))
    with Session(world.engine) as session:
        mette = session.get(Staff, world.staff["mette"])
        assert mette is not None and mette.contract["min_minutes"] == 5 * 480
        assert session.exec(select(Wish).where(Wish.kind == "veto")).all()  # the veto stays
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "apply fix")).one()
        assert entry.who == "planner" and entry.detail["kind"] == "min_hours"

    job = ok(
        world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["outcome"] == "rota"
    checked(world, job["rota_id"])


def test_dropping_the_veto_is_a_fix_too(world: World) -> None:
    _infeasible(world)
    ok(world.post("planner", f"/periods/{world.period}/close"))
    (first, *_) = ok(world.get("planner", f"/periods/{world.period}/fixes"))
    veto = first["relaxations"][0]
    ok(
        world.post(
            "planner",
            f"/periods/{world.period}/fixes",
            json={"kind": "drop_veto", "staff": "mette", "date": veto["date"]},
        )
    )
    again = world.post(
        "planner",
        f"/periods/{world.period}/fixes",
        json={"kind": "drop_veto", "staff": "mette", "date": veto["date"]},
    )
    assert again.status_code == 404  # a double click: the veto is gone already
    job = ok(
        world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["outcome"] == "rota"
    checked(world, job["rota_id"])


def test_the_fairness_ledger_and_its_setting(world: World) -> None:
    _avoid_the_first_evening(world)
    rota = solve_period(world, publish=True)
    ledger = ok(world.get("planner", f"/teams/{world.team}/fairness"))
    assert ledger["weigh_by_history"] is False
    lines = {line["staff"]: line for line in ledger["lines"]}
    assert set(lines) == {"mette", "ali", "sara"}
    with Session(world.engine) as session:
        stored = session.get(Rota, rota["id"])
        assert stored is not None
        fulfilment = {
            f.staff: f
            for f in check.fulfilment(mapping.rota_problem(stored), mapping.rota_assignments(stored))
        }
    for code, line in lines.items():
        assert (line["asked"], line["met"]) == (fulfilment[code].weight_made, fulfilment[code].weight_granted)
        assert line["total"]["asked"] == line["asked"] and line["period"] == world.period
    loser = next(code for code, f in fulfilment.items() if f.weight_granted < f.weight_made)
    assert ledger["credits"][loser] > 0
    assert all(n == 0 for code, n in ledger["credits"].items() if code != loser)
    # Staff see their own line only, and no credits.
    own = ok(world.get("mette", f"/teams/{world.team}/fairness"))
    assert [line["staff"] for line in own["lines"]] == ["mette"] and "credits" not in own

    # With the setting on, the next period's problem gives the one who lost out their credit.
    rules = ok(world.get("planner", f"/teams/{world.team}/rules"))
    assert (
        world.put(
            "mette", f"/teams/{world.team}/rules", json={**rules, "fairness_from_history": True}
        ).status_code
        == 403
    )
    ok(world.put("planner", f"/teams/{world.team}/rules", json={**rules, "fairness_from_history": True}))
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    body = {
        "name": "uge 10",
        "start": (START + dt.timedelta(days=7)).isoformat(),
        "days": 7,
        "deadline": deadline,
    }
    second = ok(world.post("planner", f"/teams/{world.team}/periods", json=body), 201)["id"]
    with Session(world.engine) as session:
        period = session.get(Period, second)
        assert period is not None
        credited = {p.id: p.fairness_credit for p in mapping.build_problem(session, period).staff}
    assert credited == ledger["credits"]


def test_the_migration_adds_and_removes_the_columns(tmp_path: Path) -> None:
    from alembic import command

    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "b7d3e1f0a2c5")
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO team (name, created_at) VALUES ('Uldum', '2026-01-01')"))
                team = connection.execute(text("SELECT id FROM team")).scalar_one()
                connection.execute(
                    text(
                        "INSERT INTO rules (team_id, forbidden_successions, weights) VALUES (:t, '[]', '{}')"
                    ),
                    {"t": team},
                )
            migrate.upgrade(engine)
            with engine.connect() as connection:
                assert connection.execute(text("SELECT fairness_from_history FROM rules")).scalar_one() in (
                    False,
                    0,
                )
            assert "reasons" in {c["name"] for c in inspect(engine).get_columns("rota")}
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "b7d3e1f0a2c5")
            assert "reasons" not in {c["name"] for c in inspect(engine).get_columns("rota")}
            assert "fairness_from_history" not in {c["name"] for c in inspect(engine).get_columns("rules")}
        finally:
            engine.dispose()


def _want_the_route(world: World, period: int, start: dt.date) -> None:
    """Mette (weight 2) and Ali (weight 3) want the day shift on route Uldum 1 every day of `period`:
    only one of them can have it each day."""
    for who, weight in (("mette", 2), ("ali", 3)):
        for i in range(7):
            body = {
                "staff_id": world.staff[who],
                "date": (start + dt.timedelta(days=i)).isoformat(),
                "kind": "want",
                "shift": "dag",
                "route": "uldum-1",
                "weight": weight,
            }
            ok(world.post(who, f"/periods/{period}/wishes", json=body), 201)


def _met(world: World, rota_id: int, who: str) -> int:
    rota = checked(world, rota_id)
    problem, assignments = mapping.rota_problem(rota), mapping.rota_assignments(rota)
    return next(f.weight_granted for f in check.fulfilment(problem, assignments) if f.staff == who)


def _solve(world: World, period: int) -> int:
    job = ok(world.post("planner", f"/periods/{period}/solve", json={"time_limit": 5, "workers": 1}), 202)
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["outcome"] == "rota", job
    return int(job["rota_id"])


def test_with_the_setting_on_who_lost_out_in_period_1_is_served_better_in_period_2(world: World) -> None:
    _want_the_route(world, world.period, START)
    first = solve_period(world, publish=True)["id"]
    ledger = {
        line["staff"]: line for line in ok(world.get("planner", f"/teams/{world.team}/fairness"))["lines"]
    }
    assert ledger["mette"]["met"] < ledger["mette"]["asked"]
    assert ledger["mette"]["met"] / ledger["mette"]["asked"] < ledger["ali"]["met"] / ledger["ali"]["asked"]
    assert _met(world, first, "mette") == ledger["mette"]["met"]

    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    start = START + dt.timedelta(days=7)
    body = {"name": "uge 10", "start": start.isoformat(), "days": 7, "deadline": deadline}
    second = ok(world.post("planner", f"/teams/{world.team}/periods", json=body), 201)["id"]
    ok(world.post("planner", f"/periods/{second}/open"))
    _want_the_route(world, second, start)  # the same wishes
    ok(world.post("planner", f"/periods/{second}/close"))
    off = _met(world, _solve(world, second), "mette")
    rules = ok(world.get("planner", f"/teams/{world.team}/rules"))
    ok(world.put("planner", f"/teams/{world.team}/rules", json={**rules, "fairness_from_history": True}))
    on = _met(world, _solve(world, second), "mette")
    assert on > off
