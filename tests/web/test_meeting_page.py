"""The rota meeting's page (issue 14), as a team leader at the projector uses it: one week of the grid in
Danish with the people's marks and a legend, holes and clashes beside it; picking a cell lists who could
take it; a what-if check answers at once; accepting stores a lock with "Rotamøde: …"; undo and redo; the
planner's page only. No JavaScript needed: links and forms."""

from __future__ import annotations

import datetime as dt
import re

from service.helpers import START, ok, solve_period

from web.helpers import Web, text_of


def _veto_and_solve(web: Web) -> int:
    world = web.world
    veto = {
        "staff_id": world.staff["mette"],
        "date": (START + dt.timedelta(days=2)).isoformat(),
        "kind": "veto",
    }
    ok(world.post("mette", f"/periods/{world.period}/wishes", json=veto), 201)
    return int(solve_period(world)["id"])


def test_the_meeting_shows_a_week_with_marks_and_a_danish_legend(web: Web) -> None:
    rota = _veto_and_solve(web)
    page = web.get("planner", f"/web/rotas/{rota}/meeting")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Rotamøde" in text and "Uge 1 af 1" in text
    assert "Huller i denne uge" in text and "Sammenstød i denne uge" in text
    assert "veto: en sikker fridag" in text  # the legend, and the cell's words for the mark
    mette = web.world.staff["mette"]
    cell = re.search(rf'href="/web/rotas/{rota}/meeting\?c={mette}\.2027-03-03">(.*?)</a>', page.text, re.S)
    assert cell is not None and "✕" in cell.group(1) and "veto: en sikker fridag" in text_of(cell.group(1))
    assert "<script" not in page.text.split("</head>", 1)[1]  # the page needs no script of its own
    # staff do not get the meeting
    assert web.get("mette", f"/web/rotas/{rota}/meeting").status_code == 403


def test_a_cell_lists_who_could_take_it_and_a_move_is_checked_accepted_undone_and_redone(web: Web) -> None:
    world = web.world
    rota = _veto_and_solve(web)
    assignments = ok(world.get("planner", f"/rotas/{rota}"))["assignments"]
    first = next(a for a in assignments)
    giver = world.staff[first["staff"]]
    page = web.get("planner", f"/web/rotas/{rota}/meeting?c={giver}.{first['date']}")
    text = text_of(page.text)
    assert page.status_code == 200
    assert f"Hvem andre kunne tage {first['shift']} denne dag?" in text
    assert "har fri denne dag?" in text

    form = {"c": f"{giver}.{first['date']}", "kind": "off", "staff_id": str(giver), "date": first["date"]}
    checked = web.post("planner", f"/web/rotas/{rota}/meeting/check", form)
    assert checked.status_code == 200
    answer = text_of(checked.text)
    assert "Hvad hvis …" in answer and "Omkostning" in answer
    assert "Alle regler holder." in answer or "Den bryder" in answer
    base = re.search(r'name="base" value="(\d+)"', checked.text)
    repair = re.search(r'name="repair" value="([^"]*)"', checked.text)
    assert base and repair  # an off day of a solved rota either holds or has a repair here
    accept = {**form, "base": base.group(1), "repair": repair.group(1).replace("&#34;", '"'), "note": ""}
    done = web.post("planner", f"/web/rotas/{rota}/meeting/accept", accept)
    assert done.status_code == 303, done.text
    locks = ok(world.get("planner", f"/periods/{world.period}/locks"))
    mine = [lk for lk in locks if lk["staff_id"] == giver and lk["date"] == first["date"]]
    assert len(mine) == 1 and mine[0]["shift"] is None and mine[0]["reason"].startswith("Rotamøde: ")
    after = text_of(web.get("planner", done.headers["location"]).text)
    assert "Ændringer på dette møde" in after and mine[0]["reason"] in after

    # the same accept again is stale
    stale = web.post("planner", f"/web/rotas/{rota}/meeting/accept", accept)
    assert stale.status_code == 409 and "afprøv den igen" in text_of(stale.text)

    assert web.post("planner", f"/web/rotas/{rota}/meeting/undo", {"week": "0"}).status_code == 303
    assert ok(world.get("planner", f"/periods/{world.period}/locks")) == []
    assert "(fortrudt)" in text_of(web.get("planner", f"/web/rotas/{rota}/meeting").text)
    assert web.post("planner", f"/web/rotas/{rota}/meeting/redo", {"week": "0"}).status_code == 303
    assert len(ok(world.get("planner", f"/periods/{world.period}/locks"))) == len(locks)
    nothing = web.post("planner", f"/web/rotas/{rota}/meeting/redo", {"week": "0"})
    assert nothing.status_code == 409 and "ingen fortrudt ændring" in text_of(nothing.text)


def test_a_bad_move_is_explained_in_danish(web: Web) -> None:
    rota = _veto_and_solve(web)
    mette = web.world.staff["mette"]
    form = {"kind": "swap", "staff_id": str(mette), "date": START.isoformat()}
    refused = web.post("planner", f"/web/rotas/{rota}/meeting/check", form)
    assert refused.status_code == 422
    assert "et bytte skal have den anden celle (person og dato)" in text_of(refused.text)
