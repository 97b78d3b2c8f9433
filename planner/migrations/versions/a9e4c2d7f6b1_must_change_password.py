"""must change password

An account given a one-time password (the planner's reset, `pusleplan reset-password`) must choose its
own at its next sign-in. Existing accounts need not.

Revision ID: a9e4c2d7f6b1
Revises: f7c2a9d41b03
Create Date: 2026-12-04 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a9e4c2d7f6b1"
down_revision = "f7c2a9d41b03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
