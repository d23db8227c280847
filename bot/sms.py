"""SMS: a pluggable provider. The defaults record (sandbox) or log (masked); a real gateway
(Aliyun, Tencent Cloud) implements the same one method."""

from __future__ import annotations

import logging
from typing import Protocol

import aiohttp

from services.pii import mask_phone

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider did not accept the message."""


class SmsProvider(Protocol):
    async def send(self, phone: str, text: str) -> None: ...


class LoggingSms:
    """Writes each SMS to the log, phone masked (for deployments without a gateway yet)."""

    async def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


class SandboxSms:
    """Hands each SMS to the sandbox platform, where the simulator shows it."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self._session = session
        self._url = base.rstrip("/") + "/sms/send"

    async def send(self, phone: str, text: str) -> None:
        try:
            async with self._session.post(self._url, json={"phone": phone, "text": text},
                                          timeout=aiohttp.ClientTimeout(total=3)) as resp:
                if resp.status != 200:
                    raise SmsError(f"sandbox SMS answered HTTP {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SmsError(repr(exc)) from exc
