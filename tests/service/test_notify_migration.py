"""The notifications migration (`b7d3e1f9a2c4`): accounts keep everything and get no address, Danish and
the default choices; downgrading removes the tables and columns and keeps the accounts; upgrading again
works (on SQLite, or PostgreSQL with `PUSLEPLAN_TEST_DATABASE_URL`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from planner import migrate
from planner.db import make_engine
from service.helpers import fresh_database

BEFORE = "a9e4c2d7f6b1"


def test_upgrade_and_downgrade_keep_the_accounts(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, BEFORE)
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO app_user (username, role, password_hash, created_at, disabled, "
                        "must_change_password, totp_enabled) "
                        "VALUES ('anne.s', 'staff', 'x', '2026-01-01', false, false, false)"
                    )
                )
            migrate.upgrade(engine)
            with engine.connect() as connection:
                row = connection.execute(
                    text("SELECT username, email, language, email_kinds FROM app_user")
                ).one()
            assert (row[0], row[1], row[2]) == ("anne.s", None, "da") and row[3] in ("{}", {})
            assert {"notification", "outbox_mail", "password_reset_token"} <= set(
                inspect(engine).get_table_names()
            )

            config = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, BEFORE)
            inspector = inspect(engine)
            assert not {"notification", "outbox_mail", "password_reset_token"} & set(
                inspector.get_table_names()
            )
            assert "email" not in {c["name"] for c in inspector.get_columns("app_user")}
            with engine.connect() as connection:
                assert connection.execute(text("SELECT username FROM app_user")).scalar_one() == "anne.s"
            migrate.upgrade(engine)
            assert "notification" in inspect(engine).get_table_names()
        finally:
            engine.dispose()
