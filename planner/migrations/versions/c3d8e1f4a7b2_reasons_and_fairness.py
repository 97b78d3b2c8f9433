"""reasons and fairness

The counterfactual reasons of a rota's unmet wishes and short slots (`rota.reasons`, null until worked
out) and the team setting "weigh fairness by earlier periods" (`rules.fairness_from_history`, off).

Revision ID: c3d8e1f4a7b2
Revises: b7d3e1f0a2c5
Create Date: 2026-12-04 08:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3d8e1f4a7b2"
down_revision = "b7d3e1f0a2c5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rota", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reasons", sa.JSON(), nullable=True))
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fairness_from_history", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_column("fairness_from_history")
    with op.batch_alter_table("rota", schema=None) as batch_op:
        batch_op.drop_column("reasons")
