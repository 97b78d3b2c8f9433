"""Alembic migrations of the pusleplan schema; run them with `pusleplan db upgrade` or `planner.migrate`."""
