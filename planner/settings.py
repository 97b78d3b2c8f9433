"""The service's settings, read from the environment in one place (pydantic-settings).

`DATABASE_URL` picks the database (default: the SQLite file `pusleplan.db` here);
`PUSLEPLAN_THROTTLE_STORAGE` where failed sign-ins are counted (`memory://`, this process; a
`redis://host:6379` URL shares the counts between the processes of `serve --workers N` and several
machines); `PUSLEPLAN_PLANNER_PASSWORD` / `PUSLEPLAN_STAFF_PASSWORD` the demo accounts' passwords
(`init-demo`; generated when unset). Read anew at each call, so a test or a command can change the
environment first.

Running many teams (`docs/deploy.md`): `PUSLEPLAN_QUEUE` is where solves run — `local` (default: a
process of each server process, no broker) or `celery` (`pusleplan worker` processes on any machine,
woken through the broker at `PUSLEPLAN_BROKER_URL`); `PUSLEPLAN_DB_POOL_SIZE` /
`PUSLEPLAN_DB_MAX_OVERFLOW` size the PostgreSQL connection pool of a server process, and
`PUSLEPLAN_WORKER_DB_POOL_SIZE` that of a solve worker; `PUSLEPLAN_MIGRATE_ON_START=0` leaves the
migrations to `pusleplan migrate` (a cluster: not every process at start); the `PUSLEPLAN_JOB_*` settings
say how often a running job's worker shows it is alive, when a silent one counts as lost and how often a
lost job is tried again; `PUSLEPLAN_URGENT_DAYS` which solves go first (their period starts that soon).
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///pusleplan.db"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PUSLEPLAN_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL, validation_alias=AliasChoices("DATABASE_URL", "PUSLEPLAN_DATABASE_URL")
    )
    throttle_storage: str = "memory://"
    planner_password: str | None = None
    staff_password: str | None = None

    # ---- many teams: the solve queue, the database pool, migrations ---------------------------------
    queue: Literal["local", "celery"] = "local"
    broker_url: str = DEFAULT_BROKER_URL
    db_pool_size: int = Field(default=10, ge=1, le=1000)
    db_max_overflow: int = Field(default=30, ge=0, le=1000)
    worker_db_pool_size: int = Field(default=3, ge=1, le=100)
    migrate_on_start: bool = True
    worker_concurrency: int = Field(default=1, ge=1, le=64)
    job_heartbeat_seconds: float = Field(default=10.0, gt=0, le=3600)
    job_stale_seconds: float = Field(default=60.0, gt=0, le=86400)
    job_max_attempts: int = Field(default=2, ge=1, le=10)
    urgent_days: int = Field(default=14, ge=0, le=366)


def settings() -> Settings:
    """The settings as the environment gives them now (an empty value counts as unset)."""
    made = Settings()
    return made.model_copy(
        update={
            "database_url": made.database_url or DEFAULT_DATABASE_URL,
            "throttle_storage": made.throttle_storage or "memory://",
            "planner_password": made.planner_password or None,
            "staff_password": made.staff_password or None,
            "broker_url": made.broker_url or DEFAULT_BROKER_URL,
        }
    )
