"""The service's settings, read from the environment in one place (pydantic-settings).

`DATABASE_URL` picks the database (default: the SQLite file `pusleplan.db` here);
`PUSLEPLAN_THROTTLE_STORAGE` where failed sign-ins are counted (`memory://`, this process; a
`redis://host:6379` URL shares the counts between the processes of `serve --workers N` and several
machines); `PUSLEPLAN_PLANNER_PASSWORD` / `PUSLEPLAN_STAFF_PASSWORD` / `PUSLEPLAN_ADMIN_PASSWORD` the
demo accounts' passwords (`init-demo`; generated when unset). E-mail (`planner.mail`):
`PUSLEPLAN_SMTP_HOST`, `_SMTP_PORT`, `_SMTP_USER`, `_SMTP_PASSWORD`, `_SMTP_FROM` (the sender address),
`_SMTP_SECURITY` (`starttls`, `ssl` or `none`), `_SMTP_TIMEOUT`; without a host and a from address no
e-mail is sent (notifications are in-app only). `PUSLEPLAN_BASE_URL` is the service's address as people
reach it, for the links in e-mails. `PUSLEPLAN_REASONS_BUDGET`, `PUSLEPLAN_REASONS_ITEM_SECONDS` and
`PUSLEPLAN_FIXES_SECONDS` are the seconds the reasons of a rota and the smallest fixes of an infeasible
period may take. Read anew at each call, so a test or a command can change the environment first.

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

from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from planner.errors import InputError

DEFAULT_DATABASE_URL = "sqlite:///pusleplan.db"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PUSLEPLAN_", extra="ignore", env_ignore_empty=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL, validation_alias=AliasChoices("DATABASE_URL", "PUSLEPLAN_DATABASE_URL")
    )
    throttle_storage: str = "memory://"
    planner_password: str | None = None
    staff_password: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_timeout: float = Field(default=30.0, gt=0)
    base_url: str = "http://127.0.0.1:8000"

    @property
    def mail_configured(self) -> bool:
        """E-mail is sent only with a server and a sender address; otherwise notifications are in-app."""
        return bool(self.smtp_host and self.smtp_from)

    @property
    def smtp_port_or_default(self) -> int:
        """The port given, or the standard one of the security chosen (465 SSL, 587 STARTTLS, 25)."""
        if self.smtp_port:
            return self.smtp_port
        return {"ssl": 465, "starttls": 587}.get(self.smtp_security, 25)

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
    admin_password: str | None = None
    # Seconds for the reasons of a rota's unmet wishes and short slots, worked out after each solve
    # (`PUSLEPLAN_REASONS_BUDGET`; 0: none), and at most per item (`PUSLEPLAN_REASONS_ITEM_SECONDS`).
    reasons_budget: float = Field(default=20.0, ge=0, le=600)
    reasons_item_seconds: float = Field(default=1.0, gt=0, le=60)
    # Seconds to look for the smallest fixes of an infeasible period (`PUSLEPLAN_FIXES_SECONDS`).
    fixes_seconds: float = Field(default=20.0, gt=0, le=600)


def settings() -> Settings:
    """The settings as the environment gives them now (an empty value counts as unset)."""
    try:
        made = Settings()
    except ValidationError as exc:  # a mistyped setting is named, as every bad input is (`serve` stops)
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        field = name if name.isupper() else f"PUSLEPLAN_{name.upper()}"
        raise InputError(field, f"{first['msg']} (got {first.get('input')!r})") from None
    return made.model_copy(
        update={
            "database_url": made.database_url or DEFAULT_DATABASE_URL,
            "throttle_storage": made.throttle_storage or "memory://",
            "planner_password": made.planner_password or None,
            "staff_password": made.staff_password or None,
            "smtp_host": made.smtp_host or None,
            "smtp_user": made.smtp_user or None,
            "smtp_password": made.smtp_password or None,
            "smtp_from": made.smtp_from or None,
            "base_url": (made.base_url or "http://127.0.0.1:8000").rstrip("/"),
            "broker_url": made.broker_url or DEFAULT_BROKER_URL,
            "admin_password": made.admin_password or None,
        }
    )
