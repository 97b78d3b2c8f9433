"""pay bands

Payroll's time bands per team (issue 15): when weekday day, evening and night hours start, with the
Danish defaults 06:00, 17:00 and 23:00 for the teams there are.

Revision ID: d8b2f4c6a1e3
Revises: c3f1e8a2b7d4
Create Date: 2026-12-04 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d8b2f4c6a1e3"
down_revision = "c3f1e8a2b7d4"  # (the calendar feed of this branch; re-chain at merge)
branch_labels = None
depends_on = None

COLUMNS = (("pay_day_start", "06:00:00"), ("pay_evening_start", "17:00:00"), ("pay_night_start", "23:00:00"))


def upgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        for name, default in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Time(), nullable=False, server_default=default))


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
