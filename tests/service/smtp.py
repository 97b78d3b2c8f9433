"""A real SMTP server for the e-mail tests: `aiosmtpd` on 127.0.0.1 at a free port, keeping every message
it accepts. `fail_next(n)` makes it refuse the next n messages with a temporary error (451), as a mail
server that is briefly unwell does. The `smtp_server` fixture points the service's settings at it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    failures_left: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.handler = _Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]

    def fail_next(self, n: int) -> None:
        with self.handler.lock:
            self.handler.failures_left = n


SENDER = "pusleplan@hjemmeplejen.example.dk"


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A running SMTP server, and the service's settings pointing at it (plain SMTP, no login)."""
    server = SmtpServer()
    server.controller.start()
    monkeypatch.setenv("PUSLEPLAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PUSLEPLAN_SMTP_PORT", str(server.port))
    monkeypatch.setenv("PUSLEPLAN_SMTP_SECURITY", "none")
    monkeypatch.setenv("PUSLEPLAN_SMTP_FROM", SENDER)
    monkeypatch.setenv("PUSLEPLAN_BASE_URL", "http://pusleplan.test")
    try:
        yield server
    finally:
        server.controller.stop()
