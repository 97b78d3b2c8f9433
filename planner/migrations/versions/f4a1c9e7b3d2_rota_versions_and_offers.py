"""rota versions and shift offers

Life after publication (issue 13): each recorded change of a published rota (`rota_change`), shifts
offered between colleagues (`shift_offer`), the team's choice to approve offers automatically, a solve
that keeps every cell before a date (`solve_job.fixed_before`), and at most one published rota per
period (a partial unique index; an older database with two is repaired: the newest stays published).

Revision ID: f4a1c9e7b3d2
Revises: c3d8e1f4a7b2
Create Date: 2026-12-04 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "f4a1c9e7b3d2"
down_revision = "c3d8e1f4a7b2"
branch_labels = None
depends_on = None

PUBLISHED = sa.text("state = 'published'")
ACTIVE = sa.text("state IN ('open', 'taken')")


def upgrade() -> None:
    op.execute(
        "UPDATE rota SET state = 'superseded' WHERE state = 'published' AND id < "
        "(SELECT max(r.id) FROM rota r WHERE r.period_id = rota.period_id AND r.state = 'published')"
    )
    op.create_index(
        "uq_rota_one_published",
        "rota",
        ["period_id"],
        unique=True,
        sqlite_where=PUBLISHED,
        postgresql_where=PUBLISHED,
    )
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auto_approve_swaps", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("solve_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fixed_before", sa.Date(), nullable=True))
    op.create_table(
        "rota_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("rota_id", sa.Integer(), nullable=False),
        sa.Column("from_rota", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("who", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["rota_id"], ["rota.id"]),
        sa.ForeignKeyConstraint(["from_rota"], ["rota.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_rota_change_period_id"), "rota_change", ["period_id"], unique=False)
    op.create_index(op.f("ix_rota_change_rota_id"), "rota_change", ["rota_id"], unique=False)
    op.create_table(
        "shift_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("shift", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("route", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("to_staff_id", sa.Integer(), nullable=True),
        sa.Column("swap_date", sa.Date(), nullable=True),
        sa.Column("swap_shift", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("swap_route", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("taken_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("rota_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["to_staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["taken_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_shift_offer_period_id"), "shift_offer", ["period_id"], unique=False)
    op.create_index(op.f("ix_shift_offer_staff_id"), "shift_offer", ["staff_id"], unique=False)
    op.create_index(op.f("ix_shift_offer_state"), "shift_offer", ["state"], unique=False)
    op.create_index(
        "uq_shift_offer_active",
        "shift_offer",
        ["period_id", "staff_id", "date"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_shift_offer_active", table_name="shift_offer")
    op.drop_index(op.f("ix_shift_offer_state"), table_name="shift_offer")
    op.drop_index(op.f("ix_shift_offer_staff_id"), table_name="shift_offer")
    op.drop_index(op.f("ix_shift_offer_period_id"), table_name="shift_offer")
    op.drop_table("shift_offer")
    op.drop_index(op.f("ix_rota_change_rota_id"), table_name="rota_change")
    op.drop_index(op.f("ix_rota_change_period_id"), table_name="rota_change")
    op.drop_table("rota_change")
    with op.batch_alter_table("solve_job", schema=None) as batch_op:
        batch_op.drop_column("fixed_before")
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_column("auto_approve_swaps")
    op.drop_index("uq_rota_one_published", table_name="rota")
