"""The service's settings, read from the environment in one place (pydantic-settings).

`DATABASE_URL` picks the database (default: the SQLite file `pusleplan.db` here);
`PUSLEPLAN_THROTTLE_STORAGE` where failed sign-ins are counted (`memory://`, this process; a
`redis://host:6379` URL shares the counts between the processes of `serve --workers N` and several
machines); `PUSLEPLAN_PLANNER_PASSWORD` / `PUSLEPLAN_STAFF_PASSWORD` the demo accounts' passwords
(`init-demo`; generated when unset). E-mail (`planner.mail`): `PUSLEPLAN_SMTP_HOST`, `_SMTP_PORT`,
`_SMTP_USER`, `_SMTP_PASSWORD`, `_SMTP_FROM` (the sender address), `_SMTP_SECURITY` (`starttls`, `ssl` or
`none`), `_SMTP_TIMEOUT`; without a host and a from address no e-mail is sent (notifications are in-app
only). `PUSLEPLAN_BASE_URL` is the service's address as people reach it, for the links in e-mails.
Read anew at each call, so a test or a command can change the environment first.
"""

from __future__ import annotations

from typing import Literal

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


def settings() -> Settings:
    """The settings as the environment gives them now (an empty value counts as unset)."""
    made = Settings()
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
        }
    )
