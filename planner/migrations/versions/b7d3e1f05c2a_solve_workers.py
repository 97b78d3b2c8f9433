"""solve workers: attempts, heartbeat, one rota per job

Solve jobs run by `pusleplan worker` processes on other machines (the celery queue): a job records which
run of it this is (`attempts`), when its worker last showed it was alive (`heartbeat_at`) and which
worker that is; a job whose worker went silent is run again or failed. At most one rota per job: a
unique index on `rota.job_id` (NULLs, rotas not from a job, do not count), so storing a job's result twice
cannot make two drafts.

Revision ID: b7d3e1f05c2a
Revises: e2c6a8f03d51
Create Date: 2026-12-04 08:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "b7d3e1f05c2a"
down_revision = "e2c6a8f03d51"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("solve_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("heartbeat_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    # A job that ran before this revision ran once.
    op.execute("UPDATE solve_job SET attempts = 1 WHERE started_at IS NOT NULL")
    op.create_index("ix_rota_job_id", "rota", ["job_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_rota_job_id", table_name="rota")
    with op.batch_alter_table("solve_job", schema=None) as batch_op:
        batch_op.drop_column("worker")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("attempts")
