"""E-mail: the invoice PDF to the payer's address (XJ-SIGNUP: 培训费发票将发送到此邮箱). The
gateway the service sends through (bot/providers/mail/smtp.py implements it over SMTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


class MailError(Exception):
    """The server did not take the mail (`permanent`: it refused the address or the
    message; otherwise a later try may succeed)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...
