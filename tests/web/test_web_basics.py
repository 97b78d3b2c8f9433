"""What every page relies on: sign in and out, the CSRF check, the language, error pages, assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from api.web import i18n
from api.web.common import SESSION_COOKIE, field_errors, templates
from planner import texts
from web.helpers import Web, text_of

ROOT = Path(__file__).resolve().parents[2]


def test_a_browser_that_opens_the_service_lands_on_the_danish_sign_in_form(web: Web) -> None:
    client = TestClient(web.world.client.app)
    response = client.get("/")
    assert response.status_code == 200
    assert str(response.url).endswith("/web/sign-in?next=/web/")
    assert "Log ind" in text_of(response.text) and "Brugernavn" in text_of(response.text)
    assert '<html lang="da"' in response.text


def test_wrong_password_says_so_and_sets_no_session(web: Web) -> None:
    client = TestClient(web.world.client.app)
    response = client.post("/web/sign-in", data={"username": "mette", "password": "wrong"})
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode" in response.text
    assert SESSION_COOKIE not in client.cookies


def test_sign_in_sends_each_role_home_and_never_off_site(web: Web) -> None:
    client = TestClient(web.world.client.app, follow_redirects=False)
    form = {"username": "mette", "password": "correct horse battery", "next": "https://evil.example/"}
    response = client.post("/web/sign-in", data=form)
    assert response.status_code == 303 and response.headers["location"] == "/web/me"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    planner = TestClient(web.world.client.app, follow_redirects=False)
    form = {"username": "planner", "password": "correct horse battery", "next": "/web/team"}
    assert planner.post("/web/sign-in", data=form).headers["location"] == "/web/team"


def test_a_page_without_a_session_asks_to_sign_in_and_comes_back(web: Web) -> None:
    client = TestClient(web.world.client.app, follow_redirects=False)
    response = client.get("/web/?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/web/sign-in?next=/web/%3Fx%3D1"
    htmx = client.get("/web/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/web/sign-in")


def test_sign_out_revokes_the_session_token(web: Web) -> None:
    token = web.page("mette").cookies[SESSION_COOKIE]
    assert web.post("mette", "/web/sign-out").status_code == 303
    stale = TestClient(web.world.client.app, follow_redirects=False, cookies={SESSION_COOKIE: token})
    assert stale.get("/web/").headers["location"].startswith("/web/sign-in")
    # the same token as an API bearer token is revoked too
    assert web.world.client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_unsafe_request_without_the_csrf_token_is_refused_and_changes_nothing(web: Web) -> None:
    client = web.page("mette")
    response = client.post("/web/sign-out", data={})
    assert response.status_code == 403
    assert "Formularen er udløbet" in response.text
    forged = client.post("/web/sign-out", data={"csrf": "0" * 64})
    assert forged.status_code == 403
    assert client.get("/web/").status_code == 303  # still signed in: the refused sign-out did nothing
    assert client.get("/web/").headers["location"] == "/web/me"


def test_english_can_be_chosen_and_sticks(web: Web) -> None:
    client = web.page("mette")
    response = client.get("/web/language/en?back=/web/sign-in")
    assert response.status_code == 303 and response.headers["location"] == "/web/sign-in"
    page = client.get("/web/sign-in")
    assert '<html lang="en"' in page.text and "Username" in page.text
    assert client.get("/web/language/xx?back=https://evil.example").headers["location"] == "/web/"


def test_unknown_pages_are_a_readable_404_page(web: Web) -> None:
    response = web.get("mette", "/web/no-such-page")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text
    assert web.world.client.get("/no-such-api").json() == {"detail": "Not Found"}


def test_assets_are_served_from_the_package_and_no_page_loads_anything_from_elsewhere(web: Web) -> None:
    page = TestClient(web.world.client.app).get("/web/sign-in").text
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|svg))"', page)
    assert assets, "the page links its stylesheet and script"
    for url in assets:
        assert url.startswith("/static/"), url
        assert web.world.client.get(url).status_code == 200, url
    for template in (ROOT / "api" / "templates").rglob("*.html"):
        assert not re.search(r'(?:src|href)="(?:https?:)?//', template.read_text()), template
    for vendored in ("htmx-LICENSE.txt", "pico-LICENSE.md"):
        assert (ROOT / "api" / "static" / "vendor" / vendored).is_file()


def _extracted() -> dict[str, list[str]]:
    """Every msgid Babel's extraction (babel.cfg, as `make texts`) finds in code and templates → where."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map):
        found.setdefault(_first(message), []).append(f"{filename}:{lineno}")
    return found


def _danish_catalogue() -> Catalog:
    with texts.po_path("da").open("rb") as po:
        return read_po(po, locale="da", domain=texts.DOMAIN)


def _first(value: str | tuple[str, ...]) -> str:
    """A message's singular (a plural message has a tuple of ids and of wordings)."""
    return value[0] if isinstance(value, tuple) else value


def test_every_text_of_the_pages_has_a_danish_wording() -> None:
    extracted = _extracted()
    assert {"Sign in", "Fill in this field.", "Open for wishes", "the daily rest", "want"} <= set(extracted)
    catalogue = _danish_catalogue()
    missing = []
    for msgid, where in extracted.items():
        message = catalogue.get(msgid)
        wordings = message.string if message is not None else ""
        if not all(wordings if isinstance(wordings, tuple) else [wordings]):
            missing.append(f"{where[0]}: {msgid}")
    assert missing == [], "run `make texts` and write the Danish msgstr"
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert fuzzy == [], "a guessed wording (fuzzy) waits for a maintainer: check it, then drop the flag"
    stale = [m.id for m in catalogue if m.id and _first(m.id) not in extracted]
    assert stale == [] and not catalogue.obsolete, "texts no code uses any more: run `make texts`"


def test_texts_reach_the_catalogue_only_by_name() -> None:
    """Extraction finds `_("…")` and `N_("…")`, not a literal handed to a translator another way."""
    hidden = re.compile(r"""_t\([^()]*\)\(\s*["']""")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "api").rglob("*.py")
        for match in hidden.finditer(path.read_text())
    ]
    assert found == [], 'write _t(request)(N_("…")) or `_ = _t(request)` first'


def test_the_pages_speak_danish_from_the_catalogue_and_english_without_one() -> None:
    da, en = i18n.translator("da"), i18n.translator("en")
    assert da("Week {n}", n=12) == "Uge 12" and en("Week {n}", n=12) == "Week 12"
    assert i18n.translator("xx")("Sign in") == "Sign in"
    assert da("a text nobody wrote") == "a text nobody wrote"
    page = templates.env.from_string('{{ _("Sign in") }} · {% trans %}Sign out{% endtrans %}')
    assert page.render(_=da, gettext=da, ngettext=i18n.plural_translator("da")) == "Log ind · Log ud"


def test_pages_travel_compressed_to_browsers_that_accept_it(web: Web) -> None:
    plain = web.get("mette", "/web/me", headers={"Accept-Encoding": "identity"})
    packed = web.get("mette", "/web/me", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.text == plain.text  # the client unpacks it to the same page
    assert int(packed.headers["content-length"]) < len(plain.content)


def test_form_messages_write_limits_as_people_do() -> None:
    from pydantic import BaseModel, Field, ValidationError

    class Form(BaseModel):
        hours: float = Field(ge=0.5)
        minutes: float = Field(ge=0)
        skills: list[str] = Field(min_length=1)

    with pytest.raises(ValidationError) as caught:
        Form(hours=0.1, minutes=-1, skills=[])
    assert field_errors(caught.value, "da") == {
        "hours": "Skal være mindst 0,5.",
        "minutes": "Skal være mindst 0.",
        "skills": "Vælg mindst én.",
    }
    assert field_errors(caught.value, "en")["hours"] == "Must be at least 0.5."
