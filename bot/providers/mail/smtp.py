"""SMTP (RFC 5321) with the standard library's client, run off the event loop: plain, STARTTLS
or implicit TLS, an optional login, an explicit timeout. A refusal of the recipient or the
message (5xx) is permanent; a connection failure or a 4xx is worth another try."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

from services.notifications import Mail, MailError

Security = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # From: 评标专家库 <noreply@example.cn>
    user: str = ""
    password: str = ""
    security: Security = "starttls"
    timeout: float = 10.0


def message_of(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(mail.text)
    for item in mail.attachments:
        main, _, sub = item.content_type.partition("/")
        message.add_attachment(item.content, maintype=main, subtype=sub or "octet-stream",
                               filename=item.filename)
    return message


class SmtpMailer:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, mail: Mail) -> None:
        await asyncio.to_thread(self._send, message_of(mail, self.config.sender))

    def _send(self, message: EmailMessage) -> None:
        c = self.config
        try:
            smtp: smtplib.SMTP
            if c.security == "ssl":
                smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            with smtp:
                if c.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if c.user:
                    smtp.login(c.user, c.password)
                smtp.send_message(message)
        # the server's words often quote the address: only its code is kept
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise MailError(f"SMTP recipient refused {codes}",
                            permanent=all(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise MailError(f"SMTP {exc.smtp_code}", permanent=exc.smtp_code >= 500) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP unreachable: {type(exc).__name__}") from None
