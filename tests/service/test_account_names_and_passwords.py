"""Issue 17 items 2 and 11: a password a person chooses must not be guessable, and a user name cannot be
made twice by writing it in capitals or with a space.

Through the API a refused password is a 422 on `password` that says which rule it breaks, and no account
is made; through the planner's page the same in Danish next to the field.
"""

from __future__ import annotations

import pytest

from service.helpers import PASSWORD, World, login, ok

WEAK = {
    "12345678": "password_guessable",
    "password": "password_guessable",
    "        ": "password_too_short",
    "  abc12  ": "password_too_short",
    "kodeord1": "password_guessable",  # Danish for "password1"
    "Sommer2024": "password_guessable",
    "qwertyuiop": "password_guessable",
    "jonas1234": "password_has_username",
    "4321sanoj!": "password_has_username",  # the user name backwards
    "Uldum2027": "password_guessable",  # the team's name and a year
    "Jonas Berg 1990": "password_has_username",
}


def _new_person(world: World, code: str = "jonas", name: str = "Jonas Berg") -> int:
    body = {"code": code, "name": name, "skills": ["sosu-assistent"]}
    return ok(world.post("planner", f"/teams/{world.team}/staff", json=body), 201)["id"]


def _users(world: World) -> list[str]:
    return sorted(u["username"] for u in ok(world.get("planner", f"/teams/{world.team}/users")))


@pytest.mark.parametrize(("password", "rule"), list(WEAK.items()))
def test_a_guessable_password_is_refused_naming_the_field_and_rule(
    world: World, password: str, rule: str
) -> None:
    jonas = _new_person(world)
    before = _users(world)
    body = {"username": "jonas", "role": "staff", "staff_id": jonas, "password": password}
    response = world.post("planner", f"/teams/{world.team}/users", json=body)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert [d["loc"] for d in detail] == [["body", "password"]]
    assert detail[0]["type"] in {rule, "input_error"}
    if rule == "password_guessable":
        assert "Too easy to guess" in detail[0]["msg"]
    assert _users(world) == before
    assert world.client.post("/token", data={"username": "jonas", "password": password}).status_code == 401


def test_a_password_of_the_persons_own_name_is_refused(world: World) -> None:
    """The person's name and the team's are words a guesser tries first."""
    jonas = _new_person(world, code="j.b", name="Jonathan Bergkvist")
    body = {"username": "j.b", "role": "staff", "staff_id": jonas, "password": "Bergkvist2024"}
    response = world.post("planner", f"/teams/{world.team}/users", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


def test_a_strong_password_is_taken(world: World) -> None:
    jonas = _new_person(world)
    body = {"username": "jonas", "role": "staff", "staff_id": jonas, "password": "blå cykel under æbletræet"}
    ok(world.post("planner", f"/teams/{world.team}/users", json=body), 201)
    login(world.client, "jonas", "blå cykel under æbletræet")


def test_user_names_are_trimmed_and_case_insensitive(world: World) -> None:
    jonas = _new_person(world)
    body = {"username": "  Jonas.B ", "role": "staff", "staff_id": jonas, "password": PASSWORD}
    made = ok(world.post("planner", f"/teams/{world.team}/users", json=body), 201)
    assert made["username"] == "jonas.b"

    other = _new_person(world, code="jonas2", name="Jonas Andersen")
    for clash in ("JONAS.B", " jonas.b", "Jonas.b\t"):
        body = {"username": clash, "role": "staff", "staff_id": other, "password": PASSWORD}
        response = world.post("planner", f"/teams/{world.team}/users", json=body)
        assert response.status_code == 409, (clash, response.text)
        assert response.json()["detail"] == "username 'jonas.b' is taken"
    assert _users(world).count("jonas.b") == 1

    for typed in ("jonas.b", "JONAS.B", " Jonas.B "):
        login(world.client, typed)  # a phone that capitalises the first letter still signs in
    blank = {"username": "   ", "role": "staff", "staff_id": other, "password": PASSWORD}
    response = world.post("planner", f"/teams/{world.team}/users", json=blank)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "username"]
