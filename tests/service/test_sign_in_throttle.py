"""Guessing passwords (issue 17 item 2): after a handful of failures for one user name every attempt
waits — the right password too — with 429 and `Retry-After`; every failure is in the audit log; other
accounts are not held back; when the window has passed, the right password works again."""

from __future__ import annotations

import time

from limits import parse
from sqlmodel import Session, col, select

from planner.auth import ACCOUNT_LIMIT, SignInThrottle
from planner.models import AuditEntry
from service.helpers import PASSWORD, World


def attempt(world: World, username: str, password: str) -> tuple[int, str | None]:
    answer = world.client.post("/token", data={"username": username, "password": password})
    return answer.status_code, answer.headers.get("retry-after")


def failures(world: World) -> list[tuple[str, str]]:
    with Session(world.engine) as session:
        rows = session.exec(select(AuditEntry).where(col(AuditEntry.action).startswith("sign-in"))).all()
    return [(row.who, row.action) for row in rows]


def test_200_wrong_passwords_are_throttled_after_a_handful_and_all_audited(world: World) -> None:
    answers = [attempt(world, "mette", f"guess {i}") for i in range(200)]
    allowed = ACCOUNT_LIMIT.amount
    assert [code for code, _ in answers[:allowed]] == [401] * allowed
    assert {code for code, _ in answers[allowed:]} == {429}
    waits = [int(wait) for code, wait in answers[allowed:] if wait is not None]
    assert len(waits) == 200 - allowed and all(0 < wait <= 5 * 60 for wait in waits)
    code, wait = attempt(world, "mette", PASSWORD)  # the right password waits as well
    assert code == 429 and wait is not None
    audited = failures(world)
    assert audited.count(("mette", "sign-in failed")) == allowed
    assert audited.count(("mette", "sign-in refused: too many failures")) == 200 - allowed + 1
    # Another account is not held back by Mette's guesser.
    assert attempt(world, "ali", PASSWORD)[0] == 200


def test_an_unknown_name_is_throttled_and_audited_like_a_known_one(world: World) -> None:
    codes = [attempt(world, "nobody", "x")[0] for _ in range(ACCOUNT_LIMIT.amount + 2)]
    assert codes == [401] * ACCOUNT_LIMIT.amount + [429, 429]
    assert failures(world).count(("nobody", "sign-in failed")) == ACCOUNT_LIMIT.amount


def test_the_right_password_works_again_when_the_window_has_passed(world: World) -> None:
    world.client.app.state.throttle = SignInThrottle(account=parse("3 per 2 seconds"))  # type: ignore[attr-defined]
    assert [attempt(world, "sara", "wrong")[0] for _ in range(3)] == [401] * 3
    assert attempt(world, "sara", PASSWORD)[0] == 429
    time.sleep(2.2)
    assert attempt(world, "sara", PASSWORD)[0] == 200


def test_one_address_guessing_many_names_is_held_back_too(world: World) -> None:
    world.client.app.state.throttle = SignInThrottle(address=parse("10 per 5 minutes"))  # type: ignore[attr-defined]
    codes = [attempt(world, f"name{i}", "x")[0] for i in range(12)]
    assert codes == [401] * 10 + [429, 429]
    assert attempt(world, "mette", PASSWORD)[0] == 429  # the same address: wait


def test_the_sign_in_page_says_so_in_danish(world: World) -> None:
    for i in range(ACCOUNT_LIMIT.amount):
        world.client.post("/web/sign-in", data={"username": "mette", "password": f"guess {i}"})
    page = world.client.post("/web/sign-in", data={"username": "mette", "password": PASSWORD})
    assert page.status_code == 429 and int(page.headers["retry-after"]) > 0
    assert "For mange forkerte forsøg. Prøv igen om 5 minutter." in page.text
