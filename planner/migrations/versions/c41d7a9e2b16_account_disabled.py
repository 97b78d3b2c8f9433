"""account disabled

An account the planner has disabled (issue 17 item 3) cannot sign in and has no tokens; enabling it
again restores sign-in with the same password. Existing accounts are enabled.

Revision ID: c41d7a9e2b16
Revises: a3f1c7e2b9d4
Create Date: 2026-12-04 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c41d7a9e2b16"
down_revision = "a3f1c7e2b9d4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("disabled")
