"""Fixtures of the web page tests (defined in `web.helpers`, `web.browser` and `service.helpers`)."""

from __future__ import annotations

from service.helpers import cheap_argon2, engine, quick_reasons
from service.smtp import smtp_server

from web.browser import browser, shared_chromium
from web.helpers import web

__all__ = ["browser", "cheap_argon2", "engine", "quick_reasons", "shared_chromium", "smtp_server", "web"]
