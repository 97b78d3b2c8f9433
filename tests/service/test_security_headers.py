"""Issue 17 item 10: the security headers a browser needs from a service that shows personal data.

Every answer says what may load and run on it (CSP, nosniff, no framing, no referrer to other sites);
pages, personal data and the sign-in answer are never stored by a browser or proxy cache (static files
are); HSTS only where the request came over TLS; and `/docs` works offline: its Swagger UI is shipped in
the package, never fetched from a CDN.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.helpers import PASSWORD, World


def _csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response.headers.get("content-security-policy", "")
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def _assert_guarded(response) -> None:  # type: ignore[no-untyped-def]
    policy = _csp(response)
    assert policy, f"{response.request.url}: no Content-Security-Policy"
    assert policy["default-src"] == "default-src 'self'"
    assert "'unsafe-inline'" not in policy.get("script-src", "script-src 'self'")
    assert "'unsafe-eval'" not in policy.get("script-src", "")
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] in {"no-referrer", "same-origin", "strict-origin"}


def test_pages_personal_data_and_sign_in_are_guarded_and_never_cached(world: World) -> None:
    client = world.client
    answers = {
        "sign-in page": client.get("/web/sign-in"),
        "token": client.post("/token", data={"username": "planner", "password": PASSWORD}),
        "wrong password": client.post("/token", data={"username": "planner", "password": "nope, not it"}),
        "own wishes": world.get("mette", f"/periods/{world.period}/wishes?staff_id={world.staff['mette']}"),
        "team staff": world.get("planner", f"/teams/{world.team}/staff"),
        "no token": client.get(f"/teams/{world.team}/staff"),
        "unknown route": client.get("/no/such/route"),
    }
    assert answers["token"].status_code == 200 and answers["own wishes"].status_code == 200
    for what, response in answers.items():
        _assert_guarded(response)
        assert response.headers.get("cache-control") == "no-store", what


def test_static_files_may_be_cached_and_hsts_only_over_tls(world: World) -> None:
    css = world.client.get("/static/pusleplan.css")
    assert css.status_code == 200
    _assert_guarded(css)
    assert "no-store" not in css.headers.get("cache-control", "")
    assert "strict-transport-security" not in world.client.get("/health").headers

    tls = TestClient(world.client.app, base_url="https://testserver")
    hsts = tls.get("/health").headers.get("strict-transport-security", "")
    assert re.fullmatch(r"max-age=\d+(; includeSubDomains)?", hsts), hsts
    assert int(hsts.split("=")[1].split(";")[0]) >= 180 * 24 * 3600


def test_api_docs_load_their_assets_from_the_service_itself(world: World) -> None:
    page = world.client.get("/docs")
    assert page.status_code == 200
    _assert_guarded(page)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources, page.text
    for source in sources:
        assert source.startswith("/"), f"/docs loads {source} from elsewhere"
        assert world.client.get(source).status_code == 200, source
    assert "<script>" not in page.text.replace(" ", ""), "an inline script would need 'unsafe-inline'"
    assert world.client.get("/openapi.json").status_code == 200
    assert world.client.get("/redoc").status_code == 404  # its bundle would come from a CDN
