"""Web page test helpers: the service tests' small team (`service.helpers.World`), and one signed-in
browser-like client per person (each `TestClient` keeps its own cookies, like a browser would)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service.helpers import PASSWORD, World, build_world
from sqlalchemy import Engine

from api.web.common import SESSION_COOKIE
from planner.auth import csrf_token


@dataclass
class Web:
    """The API world plus signed-in page clients: `web.page("mette")` is Mette's browser."""

    world: World
    clients: dict[str, TestClient] = field(default_factory=dict)

    def page(self, who: str) -> TestClient:
        if who not in self.clients:
            client = TestClient(self.world.client.app, follow_redirects=False)
            response = client.post("/web/sign-in", data={"username": who, "password": PASSWORD})
            assert response.status_code == 303, response.text
            self.clients[who] = client
        return self.clients[who]

    def csrf(self, who: str) -> str:
        return csrf_token(self.page(who).cookies[SESSION_COOKIE])

    def get(self, who: str, url: str, **kwargs: Any) -> Any:
        return self.page(who).get(url, **kwargs)

    def post(self, who: str, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """A form post as the page sends it: with the session's CSRF token."""
        return self.page(who).post(url, data={"csrf": self.csrf(who), **(data or {})}, **kwargs)

    def htmx(self, who: str, method: str, url: str, **kwargs: Any) -> Any:
        """A request as htmx sends it: `HX-Request` and the CSRF header."""
        headers = {"HX-Request": "true", "X-CSRF-Token": self.csrf(who), **kwargs.pop("headers", {})}
        return self.page(who).request(method, url, headers=headers, **kwargs)


def text_of(html: str) -> str:
    """The visible text of a page, tags removed and blanks collapsed (for "the user sees …" checks)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def web(engine: Engine) -> Iterator[Web]:
    for world in build_world(engine):
        web = Web(world)
        yield web
        for client in web.clients.values():
            client.close()
