"""calendar feed

A secret subscription URL per account (issue 13, calendars that stay current): the SHA-256 of its token,
the team, and the person (none: the planner's team feed).

Revision ID: c3f1e8a2b7d4
Revises: b7d3e1f9a2c4
Create Date: 2026-12-04 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "c3f1e8a2b7d4"
down_revision = "b7d3e1f9a2c4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feed_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_feed_token_hash"), ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feed_token_hash"))
        batch_op.drop_index(batch_op.f("ix_calendar_feed_team_id"))
    op.drop_table("calendar_feed")
