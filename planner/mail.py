"""Writing and sending one e-mail through the SMTP server of the settings (`planner.settings`), with the
standard library's `email` and `smtplib`. No database here: `planner.outbox` decides what is sent when.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from planner.models import utcnow
from planner.settings import Settings


class MailNotConfigured(RuntimeError):
    """No SMTP host or no sender address in the settings: e-mail is off."""


def message(
    configured: Settings, *, to: str, subject: str, body: str, message_id: str | None = None
) -> EmailMessage:
    """A plain-text UTF-8 e-mail from the configured sender. `message_id` (e.g. `outbox-12`) makes its
    Message-ID, the same for every attempt of one outbox row, so a mail server that got it twice can tell."""
    if not configured.smtp_from:
        raise MailNotConfigured("PUSLEPLAN_SMTP_FROM is not set")
    mail = EmailMessage()
    mail["From"] = configured.smtp_from
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(utcnow())
    domain = configured.smtp_from.rpartition("@")[2] or "pusleplan"
    mail["Message-ID"] = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    mail.set_content(body)
    return mail


def send(configured: Settings, mail: EmailMessage) -> None:
    """Hand `mail` to the SMTP server (STARTTLS, SSL or plain as configured; a login when a user is set).
    Raises what `smtplib` or the network raises: the outbox records it and tries again later."""
    if not configured.mail_configured or configured.smtp_host is None:
        raise MailNotConfigured("PUSLEPLAN_SMTP_HOST and PUSLEPLAN_SMTP_FROM must be set")
    host, port, timeout = configured.smtp_host, configured.smtp_port_or_default, configured.smtp_timeout
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if configured.smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if configured.smtp_security == "starttls":
            smtp.starttls(context=context)
        if configured.smtp_user:
            smtp.login(configured.smtp_user, configured.smtp_password or "")
        smtp.send_message(mail)
