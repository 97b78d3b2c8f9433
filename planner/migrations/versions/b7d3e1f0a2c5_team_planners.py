"""team planners

A planner account may plan several teams: who plans which team moves from the planner's own
`app_user.team_id` into `team_planner` (one row per account and team), and the planner's `team_id` is
emptied (only a staff account belongs to one team). Downgrading gives each planner the first team they
plan back (a planner of several teams keeps only that one) and removes administrator accounts, which
the older schema has no role for.

Revision ID: b7d3e1f0a2c5
Revises: b7d3e1f05c2a
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "b7d3e1f0a2c5"
down_revision = "b7d3e1f05c2a"
branch_labels = None
depends_on = None

_users = sa.table(
    "app_user",
    sa.column("id", sa.Integer()),
    sa.column("role", sa.String()),
    sa.column("team_id", sa.Integer()),
)


def upgrade() -> None:
    op.create_table(
        "team_planner",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), primary_key=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    with op.batch_alter_table("team_planner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_planner_team_id"), ["team_id"], unique=False)
    planners = sa.table(
        "team_planner",
        sa.column("user_id", sa.Integer()),
        sa.column("team_id", sa.Integer()),
        sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    connection = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    rows = connection.execute(
        sa.select(_users.c.id, _users.c.team_id).where(
            _users.c.role == "planner", _users.c.team_id.is_not(None)
        )
    ).all()
    if rows:
        connection.execute(
            sa.insert(planners),
            [{"user_id": r.id, "team_id": r.team_id, "created_at": now} for r in rows],
        )
    connection.execute(sa.update(_users).where(_users.c.role == "planner").values(team_id=None))


def downgrade() -> None:
    connection = op.get_bind()
    planners = sa.table(
        "team_planner", sa.column("user_id", sa.Integer()), sa.column("team_id", sa.Integer())
    )
    first = (
        sa.select(sa.func.min(planners.c.team_id)).where(planners.c.user_id == _users.c.id).scalar_subquery()
    )
    connection.execute(sa.update(_users).where(_users.c.role == "planner").values(team_id=first))
    admins = sa.select(_users.c.id).where(_users.c.role == "admin")
    connection.execute(sa.delete(planners).where(planners.c.user_id.in_(admins)))
    tokens = sa.table("api_token", sa.column("user_id", sa.Integer()))
    connection.execute(sa.delete(tokens).where(tokens.c.user_id.in_(admins)))
    connection.execute(sa.delete(_users).where(_users.c.role == "admin"))
    with op.batch_alter_table("team_planner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_planner_team_id"))
    op.drop_table("team_planner")
