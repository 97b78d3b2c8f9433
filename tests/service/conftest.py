"""Fixtures of the service tests (defined in `service.helpers`, registered here)."""

from __future__ import annotations

from service.helpers import cheap_argon2, engine, world

__all__ = ["cheap_argon2", "engine", "world"]
