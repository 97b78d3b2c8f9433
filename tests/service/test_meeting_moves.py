"""The rota meeting's what-if moves through the API (issue 14): a check states the checker's cost of the
rota it describes (and of its repair), accepting stores the planner's locks with "Rotamøde: …", undo and
redo take them away and bring them back; the planner's own team only; bad, stale and late moves refused
with what went wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from planner import mapping, whatif
from planner.models import Rota
from service.helpers import PASSWORD, START, World, login, ok, solve_period
from solver import check
from solver.solution import Assignment


def _rota(world: World, rota_id: int) -> tuple[Any, list[Assignment]]:
    with Session(world.engine) as session:
        stored = session.get(Rota, rota_id)
        assert stored is not None
        return mapping.rota_problem(stored), mapping.rota_assignments(stored)


def _applied(assignments: list[Assignment], cells: list[dict[str, Any]]) -> list[Assignment]:
    pairs = []
    for c in cells:
        day = dt.date.fromisoformat(c["date"]) if isinstance(c["date"], str) else c["date"]
        cell = whatif.Cell(c["staff"], day, c["after"]["shift"], c["after"]["route"])
        pairs.append((cell, cell))
    return whatif.apply(assignments, pairs)


def _a_take(world: World, rota_id: int, assignments: list[Assignment], holds: bool = True) -> dict[str, Any]:
    """Someone off on a day takes the cell of someone working it: the first such move whose check says
    it keeps every rule (`holds`), or breaks one."""
    for offset in range(7):
        day = START + dt.timedelta(days=offset)
        working = {a.staff: a for a in assignments if a.date == day}
        for taker in [code for code in world.staff if code not in working]:
            for giver in sorted(working):
                move = {
                    "kind": "take",
                    "staff_id": world.staff[taker],
                    "other_id": world.staff[giver],
                    "date": day.isoformat(),
                }
                answer = ok(world.post("planner", f"/rotas/{rota_id}/whatif", json={**move, "repair": False}))
                if answer["holds"] == holds:
                    return move
    raise AssertionError(f"no take that {'holds' if holds else 'breaks a rule'} in the test team's rota")


def test_a_checked_move_states_the_checkers_cost_of_the_rota_it_describes(world: World) -> None:
    rota = solve_period(world)
    problem, assignments = _rota(world, rota["id"])
    move = _a_take(world, rota["id"], assignments)
    answer = ok(world.post("planner", f"/rotas/{rota['id']}/whatif", json=move))
    after = _applied(assignments, answer["cells"])
    assert answer["cost"] == check.objective(problem, after)
    assert answer["cost_before"] == check.objective(problem, assignments) == rota["objective"]
    assert answer["holds"] == (check.violations(problem, after) == [])
    assert {(b["rule"], b["staff"]) for b in answer["broken"]} == {
        (str(v.rule), v.staff) for v in check.violations(problem, after)
    }
    if answer["repair"] and answer["repair"]["found"]:
        repaired = _applied(after, answer["repair"]["cells"])
        assert check.violations(problem, repaired) == []
        assert answer["repair"]["cost"] == check.objective(problem, repaired)


def test_a_move_that_breaks_a_rule_names_it_and_its_repair_is_the_checkers(world: World) -> None:
    """A take that breaks a hard rule: the check names the rule for the person (as the checker does),
    accepting it bare is refused, and its repair — when the small team has one — keeps every rule at the
    cost it states and can be accepted."""
    rota = solve_period(world)
    problem, assignments = _rota(world, rota["id"])
    move = _a_take(world, rota["id"], assignments, holds=False)
    answer = ok(world.post("planner", f"/rotas/{rota['id']}/whatif", json=move))
    after = _applied(assignments, answer["cells"])
    assert not answer["holds"]
    assert sorted((b["rule"], b["staff"]) for b in answer["broken"]) == sorted(
        (str(v.rule), v.staff) for v in check.violations(problem, after)
    )
    url = f"/rotas/{rota['id']}/meeting/moves"
    bare = world.post("planner", url, json={**move, "base": answer["base"]})
    assert bare.status_code == 409 and "breaks" in bare.json()["detail"]
    repair = answer["repair"]
    assert repair is not None
    plain = ok(world.post("planner", f"/rotas/{rota['id']}/whatif", json={**move, "repair": False}))
    assert plain["repair"] is None and plain["cost"] == answer["cost"]
    if not repair["found"]:
        assert repair["cells"] == [] and repair["cost"] is None and "impossible" in repair
        return
    repaired = _applied(after, repair["cells"])
    assert check.violations(problem, repaired) == []
    assert repair["cost"] == check.objective(problem, repaired)
    assert repair["cost_change"] == repair["cost"] - rota["objective"]
    cells = [{"staff_id": c["staff_id"], "date": c["date"], **c["after"]} for c in repair["cells"]]
    stored = ok(world.post("planner", url, json={**move, "base": answer["base"], "repair": cells}), 201)
    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    assert len(locks) == len(stored["cells"]) == len(answer["cells"]) + len(repair["cells"])


def test_a_repair_cell_outside_the_moves_window_is_refused(world: World) -> None:
    rota = solve_period(world)
    _, assignments = _rota(world, rota["id"])
    move = _a_take(world, rota["id"], assignments)
    answer = ok(world.post("planner", f"/rotas/{rota['id']}/whatif", json={**move, "repair": False}))
    taker, giver = move["staff_id"], move["other_id"]
    third = next(i for i in world.staff.values() if i not in (taker, giver))
    day = dt.date.fromisoformat(move["date"])
    far = day + dt.timedelta(days=4) if day < START + dt.timedelta(days=3) else day - dt.timedelta(days=4)
    cells = [{"staff_id": third, "date": far.isoformat(), "shift": None, "route": None}]
    refused = world.post(
        "planner",
        f"/rotas/{rota['id']}/meeting/moves",
        json={**move, "base": answer["base"], "repair": cells},
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "repair", 0]
    assert ok(world.get("planner", f"/periods/{world.period}/locks")) == []


def test_accept_stores_locks_with_the_meetings_reason_and_undo_redo_take_them_back(world: World) -> None:
    rota = solve_period(world)
    problem, assignments = _rota(world, rota["id"])
    move = _a_take(world, rota["id"], assignments)
    answer = ok(world.post("planner", f"/rotas/{rota['id']}/whatif", json={**move, "repair": False}))
    assert answer["holds"]
    url = f"/rotas/{rota['id']}/meeting/moves"
    stored = ok(world.post("planner", url, json={**move, "base": answer["base"]}), 201)
    assert stored["state"] == "done" and stored["reason"].startswith("Rotamøde: ")
    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    got = {(lk["staff_id"], lk["date"]): (lk["shift"], lk["route"], lk["reason"]) for lk in locks}
    for c in answer["cells"]:
        assert got[(c["staff_id"], c["date"])] == (c["after"]["shift"], c["after"]["route"], stored["reason"])
    # the same check again is stale: the meeting has moved on
    again = world.post("planner", url, json={**move, "base": answer["base"]})
    assert again.status_code == 409 and "check it again" in again.json()["detail"]
    # the next check is made on the meeting's rota: the move is there now, so it changes nothing
    assert world.post("planner", f"/rotas/{rota['id']}/whatif", json=move).status_code == 422

    undone = ok(world.post("planner", f"/rotas/{rota['id']}/meeting/undo"))
    assert undone["id"] == stored["id"] and undone["state"] == "undone"
    assert ok(world.get("planner", f"/periods/{world.period}/locks")) == []
    assert world.post("planner", f"/rotas/{rota['id']}/meeting/undo").status_code == 409  # nothing left

    redone = ok(world.post("planner", f"/rotas/{rota['id']}/meeting/redo"))
    assert redone["state"] == "done"
    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    assert {(lk["staff_id"], lk["date"]) for lk in locks} == {
        (c["staff_id"], c["date"]) for c in answer["cells"]
    }
    assert world.post("planner", f"/rotas/{rota['id']}/meeting/redo").status_code == 409  # nothing to redo
    moves = ok(world.get("planner", url))
    assert [m["state"] for m in moves] == ["done"]


def test_undo_gives_back_the_lock_a_move_replaced(world: World) -> None:
    rota = solve_period(world)
    _, assignments = _rota(world, rota["id"])
    move = _a_take(world, rota["id"], assignments)
    # the planner had locked the taker off that day before the meeting
    ok(
        world.put(
            "planner",
            f"/rotas/{rota['id']}/cells/{move['staff_id']}/{move['date']}",
            json={"action": "clear"},
        )
    )
    answer = ok(world.post("planner", f"/rotas/{rota['id']}/whatif", json={**move, "repair": False}))
    assert answer["holds"]
    ok(
        world.post("planner", f"/rotas/{rota['id']}/meeting/moves", json={**move, "base": answer["base"]}),
        201,
    )
    ok(world.post("planner", f"/rotas/{rota['id']}/meeting/undo"))
    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    assert [(lk["staff_id"], lk["date"], lk["shift"]) for lk in locks] == [
        (move["staff_id"], move["date"], None)
    ]


def test_moves_are_the_planners_of_the_team_and_a_bad_move_names_its_field(world: World) -> None:
    rota = solve_period(world)
    url = f"/rotas/{rota['id']}/whatif"
    off = {"kind": "off", "staff_id": world.staff["mette"], "date": START.isoformat()}
    assert world.post("mette", url, json=off).status_code == 403
    assert world.post("mette", f"/rotas/{rota['id']}/meeting/undo").status_code == 403
    wrong = world.post("planner", url, json={**off, "kind": "take", "shift": "natten"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "shift"]
    nobody = world.post("planner", url, json={**off, "staff_id": 99999})
    assert nobody.status_code == 422 and nobody.json()["detail"][0]["loc"] == ["body", "staff_id"]
    outside = world.post("planner", url, json={**off, "date": "2030-01-01"})
    assert outside.status_code == 422 and outside.json()["detail"][0]["loc"] == ["body", "date"]
    swap = world.post("planner", url, json={**off, "kind": "swap"})
    assert swap.status_code == 422 and swap.json()["detail"][0]["loc"] == ["body", "other_id"]
    kind = world.post("planner", url, json={**off, "kind": "move"})
    assert kind.status_code == 422 and kind.json()["detail"][0]["loc"] == ["body", "kind"]
    # another team's planner finds no such rota
    from planner.auth import hash_password
    from planner.models import User

    with Session(world.engine) as session:
        session.add(User(username="other", role="planner", password_hash=hash_password(PASSWORD)))
        session.commit()
    other = login(world.client, "other")
    ok(world.client.post("/teams", json={"name": "Hornsyld"}, headers=other), 201)
    assert world.client.post(url, json=off, headers=other).status_code == 404


def test_a_move_on_a_replaced_rota_is_refused_saying_so(world: World) -> None:
    first = solve_period(world, publish=True)
    job = ok(
        world.post("planner", f"/periods/{world.period}/solve", json={"time_limit": 2, "workers": 1}), 202
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    ok(world.post("planner", f"/rotas/{job['rota_id']}/publish"))
    move = {"kind": "off", "staff_id": world.staff["mette"], "date": START.isoformat(), "base": 0}
    for url in (f"/rotas/{first['id']}/whatif", f"/rotas/{first['id']}/meeting/moves"):
        refused = world.post("planner", url, json=move)
        assert refused.status_code == 409
        assert "replaced by a newer published rota" in refused.json()["detail"]
    published = world.post("planner", f"/rotas/{job['rota_id']}/whatif", json=move)
    assert published.status_code == 409 and "published" in published.json()["detail"]


def test_a_re_solve_from_the_draft_keeps_the_meetings_moves(world: World) -> None:
    rota = solve_period(world)
    _, assignments = _rota(world, rota["id"])
    move = _a_take(world, rota["id"], assignments)
    answer = ok(world.post("planner", f"/rotas/{rota['id']}/whatif", json={**move, "repair": False}))
    ok(
        world.post("planner", f"/rotas/{rota['id']}/meeting/moves", json={**move, "base": answer["base"]}),
        201,
    )
    # the draft now differs from its locks: it cannot be published before a re-solve
    assert world.post("planner", f"/rotas/{rota['id']}/publish").status_code == 409
    body = {"time_limit": 2, "workers": 1, "from_rota": rota["id"]}
    job = ok(world.post("planner", f"/periods/{world.period}/solve", json=body), 202)
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    new = ok(world.get("planner", f"/rotas/{job['rota_id']}"))
    cells = {(a["staff"], a["date"]): (a["shift"], a["route"]) for a in new["assignments"]}
    for c in answer["cells"]:
        assert cells.get((c["staff"], c["date"]), (None, None)) == (c["after"]["shift"], c["after"]["route"])


def test_who_could_take_a_cell_in_the_meeting_states_the_checkers_cost_of_taking_it_from_its_owner(
    world: World,
) -> None:
    """The meeting page's list: each candidate with what taking the cell from its owner (the owner then
    off) does, by the checker — not only what working it too would do."""
    from planner import services
    from planner.auth import Actor

    rota = solve_period(world)
    problem, assignments = _rota(world, rota["id"])
    cell = assignments[0]
    before = check.objective(problem, assignments)
    planner = Actor(None, "planner", "planner", world.team, None)
    with Session(world.engine) as session:
        found = services.meeting_candidates(
            rota["id"], cell.date, cell.shift, cell.route, session=session, actor=planner, owner=cell.staff
        )
    assert found
    for c in found:
        taker = whatif.Cell(c["staff"], cell.date, cell.shift, cell.route)
        off = whatif.Cell(cell.staff, cell.date)
        after = whatif.apply(assignments, [(off, off), (taker, taker)])
        assert c["take"]["cost_change"] == check.objective(problem, after) - before
        assert c["take"]["holds"] == (check.violations(problem, after) == [])
    order = [(not c["take"]["holds"], c["take"]["cost_change"]) for c in found]
    assert order == sorted(order)  # who can take it without breaking a rule first, cheapest first
