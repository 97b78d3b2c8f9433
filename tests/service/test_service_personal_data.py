"""Issue 17 (GDPR): one person's data on request. Mette may read everything stored about her, as may the
planner, but no colleague; the planner can erase a person: what is theirs alone is gone, the rotas and
the audit keep a pseudonym in their place, and nothing stored names them any more."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from planner.models import AuditEntry, Rota, SolveJob
from service.helpers import PASSWORD, START, World, ok, solve_period

REASON = "sygemeldt: diskusprolaps"


def _mette_has_a_history(world: World) -> dict[str, object]:
    mette = world.staff["mette"]
    record = ok(world.get("planner", f"/staff/{mette}"))
    record["absences"] = [{"start": START.isoformat(), "end": START.isoformat(), "reason": REASON}]
    body = {k: v for k, v in record.items() if k not in {"id", "team_id"}}
    ok(world.client.put(f"/staff/{mette}", json=body, headers=world.as_("planner")))
    later = START.replace(day=START.day + 3).isoformat()
    wish = {"staff_id": mette, "date": later, "kind": "want", "shift": "dag"}
    ok(world.post("mette", f"/periods/{world.period}/wishes", json=wish), 201)
    standing = {"staff_id": mette, "kind": "avoid", "shift": "aften", "weekdays": [4], "note": "henter børn"}
    ok(world.post("mette", "/standing-wishes", json=standing), 201)
    return solve_period(world, publish=True)


def test_a_person_and_the_planner_get_her_data_and_a_colleague_does_not(world: World) -> None:
    rota = _mette_has_a_history(world)
    mette = world.staff["mette"]
    own = ok(world.get("mette", f"/staff/{mette}/personal-data"))
    assert own["person"]["absences"][0]["reason"] == REASON
    assert own["account"] == {
        "username": "mette",
        "role": "staff",
        "created_at": own["account"]["created_at"],
        "disabled": False,
        "email": None,
        "language": "da",
        "email_kinds": {},
    }
    assert sorted(n["kind"] for n in own["notifications"]) == ["period_open", "rota_published"]
    assert "password_hash" not in json.dumps(own)
    assert len(own["wishes"]) == 1 and len(own["standing_wishes"]) == 1
    published = next(r for r in own["rotas"] if r["rota_id"] == rota["id"])
    assert {a["staff"] for a in published["assignments"]} <= {"mette"}
    assert [f["staff"] for f in published["fulfilment"]] == ["mette"]
    assert any(e["action"] == "create wish" for e in own["audit"])
    assert ok(world.get("planner", f"/staff/{mette}/personal-data"))["person"]["code"] == "mette"
    assert world.get("ali", f"/staff/{mette}/personal-data").status_code == 403
    assert world.post("mette", f"/staff/{mette}/erase").status_code == 403  # only the planner erases


def test_erasing_a_person_leaves_nothing_that_names_her(world: World) -> None:
    rota = _mette_has_a_history(world)
    mette = world.staff["mette"]
    token = world.as_("mette")
    done = ok(world.post("planner", f"/staff/{mette}/erase"))
    assert done["pseudonym"] == f"erased-{mette}"
    assert done["removed"]["wishes"] >= 1 and done["removed"]["standing_wishes"] == 1
    with Session(world.engine) as session:
        stored = json.dumps(
            [r.model_dump(mode="json") for r in session.exec(select(Rota)).all()]
            + [j.model_dump(mode="json") for j in session.exec(select(SolveJob)).all()]
            + [e.model_dump(mode="json") for e in session.exec(select(AuditEntry)).all()]
        )
    for trace in ("Mette", '"mette"', REASON, "henter børn"):
        assert trace not in stored, trace
    assert "Ali" in stored  # her colleagues are untouched

    assert world.client.get("/me", headers=token).status_code == 401
    assert world.client.post("/token", data={"username": "mette", "password": PASSWORD}).status_code == 401
    assert world.get("planner", f"/staff/{mette}").status_code == 404
    assert "mette" not in [p["code"] for p in ok(world.get("planner", f"/teams/{world.team}/staff"))]

    # What the team keeps: the published rota, with the pseudonym where she was.
    kept = ok(world.get("planner", f"/rotas/{rota['id']}"))
    assert len(kept["assignments"]) == len(rota["assignments"])
    csv = world.get("planner", f"/rotas/{rota['id']}/export.csv")
    assert csv.status_code == 200 and "Mette" not in csv.text
    assert f"erased-{mette}" in {a["staff"] for a in kept["assignments"]} | {
        f["staff"] for f in kept["fulfilment"]
    }


def test_a_person_is_not_erased_while_a_solve_of_the_team_runs(world: World) -> None:
    """A solve still running would store a rota naming her after the erasure: refused, nothing erased."""
    from planner.models import SolveJob

    mette = world.staff["mette"]
    ok(world.post("planner", f"/periods/{world.period}/close"))
    with Session(world.engine) as session:
        job = SolveJob(period_id=world.period, created_by="planner", time_limit=60, workers=1, seed=0)
        session.add(job)
        session.commit()
        job_id = job.id
    refused = world.post("planner", f"/staff/{mette}/erase")
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"solve job {job_id} of the team is still queued or running: wait for it to end, or stop it, "
        "then erase"
    )
    assert ok(world.get("planner", f"/staff/{mette}"))["code"] == "mette"
    assert world.client.get("/me", headers=world.as_("mette")).status_code == 200
