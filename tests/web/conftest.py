"""Fixtures of the web page tests (defined in `web.helpers` and `service.helpers`)."""

from __future__ import annotations

from service.helpers import cheap_argon2, engine, quick_reasons
from service.smtp import smtp_server

from web.helpers import web

__all__ = ["cheap_argon2", "engine", "quick_reasons", "smtp_server", "web"]
