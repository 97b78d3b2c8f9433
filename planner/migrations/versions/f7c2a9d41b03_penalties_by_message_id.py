"""penalties by message id

Penalties stored before explanations were data (issue 11) hold only an English sentence. Each such rota's
penalties are computed again by the independent checker from the problem and the assignments the rota
stores (exactly what the solver's would have been): each then carries its message id and parameters, so
a page words it in its language from the catalogue. A rota whose stored problem no longer validates is
left as it is (its English sentences stay readable).

Not frozen like a schema migration: it runs the checker of the code that runs it, once.

Revision ID: f7c2a9d41b03
Revises: e5a0b9c4d1f2
Create Date: 2026-12-04 07:00:00
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "f7c2a9d41b03"
down_revision = "e5a0b9c4d1f2"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    from pydantic import ValidationError

    from solver import check
    from solver.problem import Problem
    from solver.solution import Assignment

    connection = op.get_bind()
    rota = sa.table(
        "rota",
        sa.column("id", sa.Integer()),
        sa.column("problem", sa.JSON()),
        sa.column("assignments", sa.JSON()),
        sa.column("penalties", sa.JSON()),
    )
    for row in connection.execute(sa.select(rota)).mappings().all():
        stored = row["penalties"] or []
        if all(isinstance(p, dict) and p.get("message") for p in stored):
            continue
        try:
            problem = Problem.model_validate(row["problem"])
            assignments = [Assignment.model_validate(a) for a in row["assignments"] or []]
        except ValidationError as exc:
            log.warning(
                "rota %s: penalties left as stored (its problem does not validate: %s)", row["id"], exc
            )
            continue
        penalties = [p.model_dump(mode="json") for p in check.penalties(problem, assignments)]
        connection.execute(sa.update(rota).where(rota.c.id == row["id"]).values(penalties=penalties))


def downgrade() -> None:
    """Nothing to undo: a penalty with a message id still has its English sentence."""
