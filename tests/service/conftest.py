"""Fixtures of the service tests (defined in `service.helpers` and `service.smtp`, registered here)."""

from __future__ import annotations

from service.helpers import cheap_argon2, engine, quick_reasons, world
from service.smtp import smtp_server

__all__ = ["cheap_argon2", "engine", "quick_reasons", "smtp_server", "world"]
