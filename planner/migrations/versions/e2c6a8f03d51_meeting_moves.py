"""meeting moves

The rota meeting's accepted what-if moves (`meeting_move`, for undo and redo) and a reason on each lock
("Rotamøde: …"). Existing locks have none.

Revision ID: e2c6a8f03d51
Revises: d8b2f4c6a1e3
Create Date: 2026-12-04 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "e2c6a8f03d51"
down_revision = "d8b2f4c6a1e3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lock", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    op.create_table(
        "meeting_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rota_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["rota_id"], ["rota.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting_move", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_move_rota_id"), ["rota_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_move_period_id"), ["period_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meeting_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_move_period_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_move_rota_id"))
    op.drop_table("meeting_move")
    with op.batch_alter_table("lock", schema=None) as batch_op:
        batch_op.drop_column("reason")
