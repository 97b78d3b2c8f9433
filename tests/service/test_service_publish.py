"""Publishing shows staff exactly the rota the planner sees: refused (409, naming the cells) while cell
changes wait for a re-solve; a lock the draft already has is no pending change."""

from __future__ import annotations

from typing import Any

from service.helpers import START, World, ok, solve_period


def _worked(rota: dict[str, Any], staff: str) -> dict[str, Any]:
    return next(a for a in rota["assignments"] if a["staff"] == staff)


def test_publishing_with_pending_cell_changes_is_refused_naming_them(world: World) -> None:
    draft = solve_period(world)
    cell = _worked(draft, "mette")
    day = cell["date"]
    mette = world.staff["mette"]
    # Locking a cell as the draft has it changes nothing: still publishable afterwards.
    ok(world.put("planner", f"/rotas/{draft['id']}/cells/{mette}/{day}", json={"action": "lock"}))
    # Making Mette's working day a day off waits for a re-solve.
    ok(world.put("planner", f"/rotas/{draft['id']}/cells/{mette}/{day}", json={"action": "clear"}))
    refused = world.post("planner", f"/rotas/{draft['id']}/publish")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    shown = f"{cell['shift']} {cell['route']}" if cell["route"] else cell["shift"]
    assert f"Mette {day}: {shown} → off" in detail and "re-solve from it first" in detail
    assert ok(world.get("planner", f"/rotas/{draft['id']}"))["state"] == "draft"
    assert world.get("planner", f"/periods/{world.period}/rota").status_code == 404  # nothing published

    # Re-solved from the draft, the new draft has the change: it is published.
    job = ok(
        world.post(
            "planner",
            f"/periods/{world.period}/solve",
            json={"time_limit": 2, "workers": 1, "from_rota": draft["id"]},
        ),
        202,
    )
    new_id = ok(world.get("planner", f"/solve-jobs/{job['id']}"))["rota_id"]
    new = ok(world.get("planner", f"/rotas/{new_id}"))
    assert all(not (a["staff"] == "mette" and a["date"] == day) for a in new["assignments"])
    assert ok(world.post("planner", f"/rotas/{new_id}/publish"))["state"] == "published"
    # The old draft still misses the change: still refused.
    assert world.post("planner", f"/rotas/{draft['id']}/publish").status_code == 409


def test_a_lock_on_a_day_off_the_draft_also_has_is_no_pending_change(world: World) -> None:
    draft = solve_period(world)
    worked = {a["date"] for a in draft["assignments"] if a["staff"] == "sara"}
    free = next(
        d for d in (START.fromordinal(START.toordinal() + i).isoformat() for i in range(7)) if d not in worked
    )
    ok(
        world.put(
            "planner", f"/rotas/{draft['id']}/cells/{world.staff['sara']}/{free}", json={"action": "clear"}
        )
    )
    assert ok(world.post("planner", f"/rotas/{draft['id']}/publish"))["state"] == "published"
