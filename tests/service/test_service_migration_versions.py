"""The migration of rota versions and offers (issue 13): an older database holding two published rotas of
one period keeps the newest published (the other superseded), and it downgrades and upgrades again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from planner import migrate
from planner.db import make_engine
from service.helpers import fresh_database

BEFORE = "c3d8e1f4a7b2"  # the reasons migration, the one before


def test_two_published_rotas_become_one_and_the_migration_goes_both_ways(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, BEFORE)
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO team (name, created_at) VALUES ('Uldum', '2026-01-01')"))
                team = connection.execute(text("SELECT id FROM team")).scalar_one()
                connection.execute(
                    text(
                        "INSERT INTO period (team_id, name, start, days, state, public_holidays, created_at) "
                        "VALUES (:team, 'uge 9', '2027-03-01', 7, 'published', '[]', '2026-01-01')"
                    ),
                    {"team": team},
                )
                period = connection.execute(text("SELECT id FROM period")).scalar_one()
                for _ in range(2):
                    connection.execute(
                        text(
                            "INSERT INTO rota (period_id, state, created_at, status, wall_time, "
                            "stopped_early, problem, assignments, penalties, fulfilment, coverage, "
                            "conflicts) VALUES (:period, 'published', '2026-01-01', 'FEASIBLE', 0, "
                            "false, '{}', '[]', '[]', '[]', '[]', '[]')"
                        ),
                        {"period": period},
                    )
            migrate.upgrade(engine)
            with engine.connect() as connection:
                states = connection.execute(text("SELECT state FROM rota ORDER BY id")).scalars().all()
            assert states == ["superseded", "published"]
            assert {"rota_change", "shift_offer"} <= set(inspect(engine).get_table_names())
            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, BEFORE)
            inspector = inspect(engine)
            assert "shift_offer" not in inspector.get_table_names()
            assert "auto_approve_swaps" not in {c["name"] for c in inspector.get_columns("rules")}
            migrate.upgrade(engine)
            assert "rota_change" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
