"""A re-solve from a draft keeps the draft's cells as a cost of its own (`keep`, changed from the draft):
never a wish or a self-pick, so fulfilment and the staff's explanations count only what people asked for."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from planner.models import Rota
from planner.views import staff as staff_view
from service.helpers import START, World, checked, ok


def day(i: int) -> str:
    return (START + dt.timedelta(days=i)).isoformat()


def test_a_re_solve_counts_draft_cells_as_kept_not_as_self_picks(world: World) -> None:
    p = world.period
    mette, ali, sara = world.staff["mette"], world.staff["ali"], world.staff["sara"]
    pick = {"staff_id": sara, "date": day(0), "shift": "dag", "route": "uldum-1"}
    ok(world.post("sara", f"/periods/{p}/self-picks", json=pick), 201)
    want = {"staff_id": ali, "date": day(3), "kind": "want", "shift": "aften", "weight": 3}
    ok(world.post("ali", f"/periods/{p}/wishes", json=want), 201)
    ok(world.post("planner", f"/periods/{p}/close"))
    first = ok(world.post("planner", f"/periods/{p}/solve", json={"time_limit": 2, "workers": 1}), 202)
    first = ok(world.get("planner", f"/solve-jobs/{first['id']}"))
    draft = ok(world.get("planner", f"/rotas/{first['rota_id']}"))

    # Mette is away on a day she works in the draft: that cell cannot be kept.
    away = next(a["date"] for a in draft["assignments"] if a["staff"] == "mette")
    person = ok(world.get("planner", f"/staff/{mette}"))
    body = {k: v for k, v in person.items() if k not in ("id", "team_id")}
    body["absences"] = [{"start": away, "end": away, "reason": "Kursus"}]
    ok(world.put("planner", f"/staff/{mette}", json=body))

    job = ok(
        world.post(
            "planner",
            f"/periods/{p}/solve",
            json={"time_limit": 2, "workers": 1, "from_rota": draft["id"], "keep_weight": 5},
        ),
        202,
    )
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    checked(world, job["rota_id"])
    second = ok(world.get("planner", f"/rotas/{job['rota_id']}"))

    # Fulfilment counts each person's own wishes and self-picks, nothing of the draft.
    made = {f["staff"]: (f["made"], f["weight_made"]) for f in second["fulfilment"]}
    assert made == {"mette": (0, 0), "ali": (1, 3), "sara": (1, 10)}
    # A self-pick penalty only ever concerns a real self-pick; the changed cell is a `keep` cost.
    picked = {("sara", day(0))}
    assert all((q["staff"], q["date"]) in picked for q in second["penalties"] if q["family"] == "self_pick")
    kept = [q for q in second["penalties"] if q["family"] == "keep"]
    assert ("mette", away, 5) in [(q["staff"], q["date"], q["cost"]) for q in kept]
    assert all(q["cost"] == 5 for q in kept)

    # Published, Mette's page does not tell her about a self-pick she never made.
    ok(world.post("planner", f"/rotas/{second['id']}/publish"))
    with Session(world.engine) as session:
        rota = session.get(Rota, second["id"])
        assert rota is not None
        assert staff_view.my_explanations(rota, "mette") == []
        # The draft went to `keep`; Sara's own pick stays a self-pick, not a kept cell too.
        assert [(c["staff"], c["date"]) for c in rota.problem["self_picks"]] == [("sara", day(0))]
        assert ("sara", day(0)) not in {(c["staff"], c["date"]) for c in rota.problem["keep"]}
        assert len(rota.problem["keep"]) == len(draft["assignments"]) - 1
