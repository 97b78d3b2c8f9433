"""The service's settings, read from the environment in one place (pydantic-settings).

`DATABASE_URL` picks the database (default: the SQLite file `pusleplan.db` here);
`PUSLEPLAN_THROTTLE_STORAGE` where failed sign-ins are counted (`memory://`, this process; a
`redis://host:6379` URL shares the counts between the processes of `serve --workers N` and several
machines); `PUSLEPLAN_PLANNER_PASSWORD` / `PUSLEPLAN_STAFF_PASSWORD` the demo accounts' passwords
(`init-demo`; generated when unset); `PUSLEPLAN_REASONS_BUDGET`, `PUSLEPLAN_REASONS_ITEM_SECONDS` and
`PUSLEPLAN_FIXES_SECONDS` the seconds the reasons of a rota and the smallest fixes of an infeasible
period may take. Read anew at each call, so a test or a command can change the environment first.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///pusleplan.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PUSLEPLAN_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL, validation_alias=AliasChoices("DATABASE_URL", "PUSLEPLAN_DATABASE_URL")
    )
    throttle_storage: str = "memory://"
    planner_password: str | None = None
    staff_password: str | None = None
    # Seconds for the reasons of a rota's unmet wishes and short slots, worked out after each solve
    # (`PUSLEPLAN_REASONS_BUDGET`; 0: none), and at most per item (`PUSLEPLAN_REASONS_ITEM_SECONDS`).
    reasons_budget: float = Field(default=20.0, ge=0, le=600)
    reasons_item_seconds: float = Field(default=1.0, gt=0, le=60)
    # Seconds to look for the smallest fixes of an infeasible period (`PUSLEPLAN_FIXES_SECONDS`).
    fixes_seconds: float = Field(default=20.0, gt=0, le=600)


def settings() -> Settings:
    """The settings as the environment gives them now (an empty value counts as unset)."""
    made = Settings()
    return made.model_copy(
        update={
            "database_url": made.database_url or DEFAULT_DATABASE_URL,
            "throttle_storage": made.throttle_storage or "memory://",
            "planner_password": made.planner_password or None,
            "staff_password": made.staff_password or None,
        }
    )
