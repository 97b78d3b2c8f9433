"""Notifications on the pages (issue 13): the unread count in every page's menu, one's own list (newest
first, mark read, all read, open the page it is about), one's account page (e-mail address, e-mail
choices, language), in Danish; nobody sees or marks another person's."""

from __future__ import annotations

import re

from service.helpers import ok, solve_period

from web.helpers import Web, text_of


def _badge(html: str) -> str | None:
    match = re.search(r'<span class="badge unread">(\d+)<', html)
    return match.group(1) if match else None


def test_the_menu_counts_unread_notifications_and_the_list_marks_them_read(web: Web) -> None:
    # The world's period was opened for wishes: everyone on the staff has been told.
    home = web.get("mette", "/web/me")
    assert _badge(home.text) == "1" and "Beskeder" in text_of(home.text)
    assert _badge(web.get("planner", "/web/periods").text) is None  # the planner enters no wishes
    solve_period(web.world, publish=True)
    assert _badge(web.get("mette", "/web/me").text) == "2"
    assert _badge(web.get("planner", "/web/periods").text) == "1"  # published: the planner is told too

    page = web.get("mette", "/web/me/notifications")
    shown = text_of(page.text)
    assert "Du har 2 ulæste beskeder." in shown
    assert shown.index("Vagtplanen for uge 9 er offentliggjort") < shown.index("Skriv dine ønsker til uge 9")
    assert "Perioden uge 9 (1. marts 2027 – 7. marts 2027) er åben for ønsker." in shown

    ids = [int(i) for i in re.findall(r'id="notification-(\d+)"', page.text)]
    opened = web.post("mette", f"/web/me/notifications/{ids[0]}/open")
    assert (
        opened.status_code == 303 and opened.headers["location"] == f"/web/me/periods/{web.world.period}/rota"
    )
    assert _badge(web.get("mette", "/web/me").text) == "1"

    # Ali cannot mark Mette's notification read: it does not exist for him.
    assert web.post("ali", f"/web/me/notifications/{ids[1]}/read").status_code == 404
    assert _badge(web.get("mette", "/web/me").text) == "1"

    assert web.post("mette", "/web/me/notifications/read-all").status_code == 303
    after = web.get("mette", "/web/me/notifications")
    assert _badge(after.text) is None and "ulæst" not in text_of(after.text).lower()


def test_the_account_page_keeps_the_address_and_the_choices(web: Web) -> None:
    page = web.get("mette", "/web/me/account")
    assert page.status_code == 200 and "Min konto" in text_of(page.text)
    assert 'name="kind-rota_published" checked' in page.text  # by e-mail unless she says no
    bad = web.post("mette", "/web/me/account", {"email": "mette at home", "language": "da"})
    assert bad.status_code == 422
    assert "Skriv en e-mailadresse, fx navn@eksempel.dk." in text_of(bad.text)
    saved = web.post(
        "mette",
        "/web/me/account",
        {"email": " mette@example.dk ", "language": "da", "kind-period_open": "on"},
    )
    assert saved.status_code == 303
    contact = ok(web.world.get("mette", "/me/contact"))
    assert contact["email"] == "mette@example.dk"
    assert contact["email_kinds"]["period_open"] is True and contact["email_kinds"]["rota_published"] is False
    again = web.get("mette", "/web/me/account?saved=1")
    assert "Gemt." in text_of(again.text) and 'value="mette@example.dk"' in again.text


def test_the_api_lists_only_ones_own_and_counts_unread(web: Web) -> None:
    world = web.world
    mine = ok(world.get("mette", "/me/notifications"))
    assert mine["unread"] == 1 and [n["kind"] for n in mine["items"]] == ["period_open"]
    assert mine["items"][0]["subject"] == "Skriv dine ønsker til uge 9"  # in her language (Danish)
    english = world.client.get("/me/notifications", headers={**world.as_("mette"), "Accept-Language": "en"})
    assert ok(english)["items"][0]["subject"] == "Enter your wishes for uge 9"
    other = ok(world.get("ali", "/me/notifications"))["items"][0]["id"]
    assert world.post("mette", f"/me/notifications/{other}/read").status_code == 404
    assert ok(world.get("ali", "/me/notifications"))["unread"] == 1
    assert world.post("mette", f"/me/notifications/{mine['items'][0]['id']}/read").status_code == 204
    assert ok(world.get("mette", "/me/notifications?unread=true"))["items"] == []
    assert ok(world.post("ali", "/me/notifications/read-all")) == {"marked": 1}
    assert world.client.get("/me/notifications").status_code == 401
    bad = world.put("mette", "/me/contact", json={"email_kinds": {"no_such_kind": True}})
    assert bad.status_code == 422 and "no_such_kind" in bad.text
    assert world.put("mette", "/me/contact", json={"language": "sv"}).status_code == 422


def test_the_planner_sets_an_accounts_address_and_staff_may_not(web: Web) -> None:
    world = web.world
    users = {u["username"]: u["id"] for u in ok(world.get("planner", f"/teams/{world.team}/users"))}
    set_ = ok(world.put("planner", f"/users/{users['sara']}/email", json={"email": "sara@example.dk"}))
    assert set_["email"] == "sara@example.dk"
    assert ok(world.get("sara", "/me/contact"))["email"] == "sara@example.dk"
    assert (
        world.put("mette", f"/users/{users['sara']}/email", json={"email": "x@example.dk"}).status_code == 403
    )
    bad = world.put("planner", f"/users/{users['sara']}/email", json={"email": "nope"})
    assert bad.status_code == 422 and "email" in bad.text
