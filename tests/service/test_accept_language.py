"""The API answers in readable English by default and in Danish when the client's `Accept-Language`
prefers it: the messages of refusals (404, 409, 403, 422 from the planner) and of validation errors."""

from __future__ import annotations

from typing import Any

from service.helpers import World


def _as(world: World, who: str, method: str, url: str, language: str | None, **kwargs: Any) -> Any:
    headers = dict(world.headers[who])
    if language is not None:
        headers["Accept-Language"] = language
    return world.client.request(method, url, headers=headers, **kwargs)


def test_a_missing_period_is_said_in_the_language_the_client_prefers(world: World) -> None:
    english = _as(world, "planner", "GET", "/periods/999999", None)
    assert english.status_code == 404 and english.json()["detail"] == "period 999999 not found"
    danish = _as(world, "planner", "GET", "/periods/999999", "da-DK,da;q=0.9,en;q=0.8")
    assert danish.status_code == 404 and danish.json()["detail"] == "perioden 999999 findes ikke"
    # English first, an unknown language, or a wildcard: English
    for header in ("en-GB,da;q=0.5", "fr", "*", "da;q=0"):
        answer = _as(world, "planner", "GET", "/periods/999999", header)
        assert answer.json()["detail"] == "period 999999 not found", header


def test_a_refusal_and_a_validation_error_in_danish(world: World) -> None:
    # A staff member may not plan: 403 in Danish.
    forbidden = _as(world, "mette", "POST", f"/periods/{world.period}/close", "da")
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "kun planlæggere må gøre dette"
    english = _as(world, "mette", "POST", f"/periods/{world.period}/close", "en")
    assert english.json()["detail"] == "only planners may do this"
    # The service's own role check (a planner's route reached by a staff member's own wish of another)
    other = _as(world, "mette", "GET", f"/periods/{world.period}/wishes?staff_id={world.staff['ali']}", "da")
    assert other.status_code == 403
    assert other.json()["detail"] == "medarbejdere må kun se og ændre deres egne ønsker og valg"
    # A period of 0 days: the field named in `loc`, the message in Danish.
    body = {"start": "2027-05-03", "days": 0}
    refused = _as(world, "planner", "POST", f"/teams/{world.team}/periods", "da", json=body)
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", "days"] and error["msg"] == "Skal være mindst 1."
    in_english = _as(world, "planner", "POST", f"/teams/{world.team}/periods", None, json=body)
    assert in_english.json()["detail"][0]["msg"] == "Input should be greater than or equal to 1"
