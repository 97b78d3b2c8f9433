"""job outcome and conflicts, rota stopped early

A solve job records what it ended with (`outcome`: a rota, a rota of a search stopped early, or no rota
and why: `conflicts`); a rota records whether the planner stopped its search early. Jobs that ended
before this revision get the outcome their stored rota shows.

Revision ID: a3f1c7e2b9d4
Revises: 5c74e4a98918
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "a3f1c7e2b9d4"
down_revision = "5c74e4a98918"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("solve_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column("conflicts", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("rota", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stopped_early", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        """
        UPDATE solve_job SET outcome = CASE
            (SELECT rota.status FROM rota WHERE rota.id = solve_job.rota_id)
            WHEN 'OPTIMAL' THEN 'rota' WHEN 'FEASIBLE' THEN 'rota'
            WHEN 'INFEASIBLE' THEN 'infeasible' ELSE 'no_rota_in_time' END
        WHERE solve_job.state = 'done' AND solve_job.rota_id IS NOT NULL
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("rota", schema=None) as batch_op:
        batch_op.drop_column("stopped_early")
    with op.batch_alter_table("solve_job", schema=None) as batch_op:
        batch_op.drop_column("conflicts")
        batch_op.drop_column("outcome")
