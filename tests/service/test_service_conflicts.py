"""Issue 17 item 11: a clash with stored data is a 409 in the client's words — which code is taken — and
never the database's constraint text (table and column names); nothing is stored."""

from __future__ import annotations

import pytest

from planner.services import teams
from service.helpers import World, ok

INTERNALS = ("UNIQUE", "constraint", "staff.team_id", "shift_type", "IntegrityError", "sqlite", "psycopg")


def _clean(text: str) -> None:
    for word in INTERNALS:
        assert word not in text, text


@pytest.mark.parametrize(
    ("kind", "path", "body", "existing"),
    [
        ("staff", "staff", {"code": "mette", "name": "Mette 2", "skills": ["sosu-assistent"]}, "mette"),
        ("shift type", "shift-types", {"code": "dag", "name": "D", "start": "07:00", "minutes": 480}, "dag"),
        ("route", "routes", {"code": "uldum-1", "name": "U", "district": "U", "shifts": ["dag"]}, "uldum-1"),
    ],
)
def test_a_taken_code_is_a_409_naming_the_code(
    world: World, kind: str, path: str, body: dict[str, object], existing: str
) -> None:
    url = f"/teams/{world.team}/{path}"
    before = ok(world.get("planner", url))
    response = world.post("planner", url, json=body)
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == f"{kind} code {existing!r} is already used in this team"
    _clean(response.text)
    assert ok(world.get("planner", url)) == before


def test_renaming_to_a_colleagues_code_is_refused(world: World) -> None:
    url = f"/staff/{world.staff['ali']}"
    ali = ok(world.get("planner", url))
    ali_as_mette = {k: v for k, v in ali.items() if k not in {"id", "team_id"}} | {"code": "mette"}
    response = world.client.put(url, json=ali_as_mette, headers=world.as_("planner"))
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == "staff code 'mette' is already used in this team"
    assert ok(world.get("planner", url))["code"] == "ali"
    same = world.client.put(
        url, json=ali_as_mette | {"code": "ali", "name": "Ali K"}, headers=world.as_("planner")
    )
    assert same.status_code == 200, same.text  # keeping one's own code is no clash


def test_a_race_the_database_catches_is_said_without_its_text(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests adding the same code at once: the one the database refuses gets a true 409."""
    monkeypatch.setattr(teams, "_check_code_free", lambda *args, **kwargs: None)  # lost the race
    url = f"/teams/{world.team}/staff"
    before = ok(world.get("planner", url))
    body = {"code": "mette", "name": "Mette 2", "skills": ["sosu-assistent"]}
    response = world.post("planner", url, json=body)
    assert response.status_code == 409, response.text
    assert "nothing was stored" in response.json()["detail"]
    _clean(response.text)
    assert ok(world.get("planner", url)) == before
