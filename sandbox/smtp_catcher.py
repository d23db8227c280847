"""The sandbox's mail server: a real SMTP server (aiosmtpd) on loopback that keeps what it
is sent, as a provider's server would take it. The simulator shows each mail in the inbox of
the person it is addressed to, attachments downloadable; tests read them back. An address
at refused.invalid is refused (550) as an unknown mailbox is."""

from __future__ import annotations

import asyncio
import email
import email.policy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web

from sandbox.platform import Platform

MAX_MAIL = 10 * 1024 * 1024
REFUSED_DOMAIN = "@refused.invalid"


@dataclass(frozen=True)
class Caught:
    seq: int
    to: tuple[str, ...]
    sender: str
    subject: str
    text: str
    attachments: tuple[tuple[str, str, bytes], ...]  # filename, content type, content
    at: float


@dataclass
class MailCatcher:
    mails: list[Caught] = field(default_factory=list)
    port: int = 0
    on_mail: Callable[[Caught], Any] | None = None
    _server: asyncio.AbstractServer | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address.lower().endswith(REFUSED_DOMAIN):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        attachments = tuple(
            (part.get_filename() or "attachment", part.get_content_type(),
             bytes(part.get_payload(decode=True) or b""))
            for part in message.iter_attachments())
        caught = Caught(len(self.mails) + 1, tuple(envelope.rcpt_tos), envelope.mail_from,
                        str(message.get("Subject", "")),
                        body.get_content() if body is not None else "", attachments, time.time())
        self.mails.append(caught)
        if self.on_mail is not None:
            self.on_mail(caught)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Caught]:
        return [m for m in self.mails if address in m.to]

    async def start(self, host: str = "127.0.0.1") -> None:
        from aiosmtpd.smtp import SMTP

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="sandbox-smtp", data_size_limit=MAX_MAIL), host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


MAIL_CATCHER = web.AppKey("mail_catcher", MailCatcher)


def show_mail(platform: Platform, mail: Caught) -> None:
    """A caught mail in the simulator, in the inbox of each person it is addressed to."""
    for to in mail.to:
        platform.record("mail", to, {
            "text": f"【邮件】{mail.subject}\n{mail.text}", "mail": mail.seq,
            "attachments": [name for name, _, _ in mail.attachments]})


async def mail_file(request: web.Request) -> web.Response:
    """An attachment of a caught mail: `?mail=<seq>&n=<index>`."""
    catcher = request.app[MAIL_CATCHER]
    try:
        mail = catcher.mails[int(request.query.get("mail", "0")) - 1]
        name, kind, content = mail.attachments[int(request.query.get("n", "0"))]
    except (ValueError, IndexError):
        return web.json_response({"error": "no_file", "message": "没有这个附件"}, status=404)
    return web.Response(body=content, content_type=kind, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def setup_mail_simulator(app: web.Application) -> None:
    app.router.add_get("/api/mail-file", mail_file)
