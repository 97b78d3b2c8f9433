"""rule weights by family

The team-wide soft-rule weights move from one column each (`weight_contract_hour`, `weight_continuity`,
`weight_fairness`, `weight_route_not_favourite`) into one JSON object keyed by the weight's name in the
family registry (`solver/families.py`): `{"contract_hour": 5, "continuity": 3, …}`. A family added later
needs no migration; its weight takes its default until a planner sets it. Every team keeps its values.

Revision ID: e5a0b9c4d1f2
Revises: d82f5b3c7a10
Create Date: 2026-12-04 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e5a0b9c4d1f2"
down_revision = "d82f5b3c7a10"
branch_labels = None
depends_on = None

# The weights that had a column of their own, by their name in the registry. Written out here: a
# migration must not change when the registry does.
_COLUMNS = {
    "contract_hour": "weight_contract_hour",
    "continuity": "weight_continuity",
    "fairness": "weight_fairness",
    "route_not_favourite": "weight_route_not_favourite",
}
_DEFAULTS = {"contract_hour": 5, "continuity": 3, "fairness": 2, "route_not_favourite": 1}


def _rules(*columns: sa.Column) -> sa.TableClause:
    return sa.table("rules", sa.column("id", sa.Integer()), *columns)


def upgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weights", sa.JSON(), nullable=True))
    connection = op.get_bind()
    old = _rules(*(sa.column(c, sa.Integer()) for c in _COLUMNS.values()))
    new = _rules(sa.column("weights", sa.JSON()))
    for row in connection.execute(sa.select(old)).mappings().all():
        weights = {name: row[column] for name, column in _COLUMNS.items()}
        connection.execute(sa.update(new).where(new.c.id == row["id"]).values(weights=weights))
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.alter_column("weights", existing_type=sa.JSON(), nullable=False)
        for column in _COLUMNS.values():
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        for column in _COLUMNS.values():
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    connection = op.get_bind()
    rules = _rules(sa.column("weights", sa.JSON()), *(sa.column(c, sa.Integer()) for c in _COLUMNS.values()))
    for row in connection.execute(sa.select(rules.c.id, rules.c.weights)).mappings().all():
        stored = row["weights"] or {}
        values = {column: stored.get(name, _DEFAULTS[name]) for name, column in _COLUMNS.items()}
        connection.execute(sa.update(rules).where(rules.c.id == row["id"]).values(**values))
    with op.batch_alter_table("rules", schema=None) as batch_op:
        for column in _COLUMNS.values():
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("weights")
