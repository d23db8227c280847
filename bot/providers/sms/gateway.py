"""SMS: a pluggable provider. The defaults record (sandbox) or log (masked); Tencent Cloud SMS
is built in (bot/providers/sms/tencent.py, SMS_PROVIDER=tencent); another gateway implements the
same one method, in a class named by SMS_PROVIDER as `package.module:ClassName`. Such a class is
built once per process with one argument, the process's aiohttp ClientSession, and reads its
own credentials from the environment; its `async send(message)` returns the provider's id
for the message and raises SmsError when the gateway does not take it."""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from typing import cast

import aiohttp

from services.common.pii import mask_phone
from services.notifications import SmsGateway, SmsMessage

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider did not accept the message (`code` is its own error code, if any)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class SmsOutcomeUnknown(SmsError):
    """The request went out but no answer came back: the provider may have sent it (no
    provider offers an idempotency key for SendSms), so it is not sent again."""


SmsProvider = SmsGateway  # what a class named by SMS_PROVIDER implements


class LoggingSms:
    """Writes each SMS to the log, phone masked (for deployments without a gateway yet)."""

    async def send(self, message: SmsMessage) -> str | None:
        log.info("SMS to %s: %s", mask_phone(message.phone), message.text)
        return None


class SandboxSms:
    """Hands each SMS to the sandbox platform, where the simulator shows it."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self._session = session
        self._url = base.rstrip("/") + "/sms/send"

    async def send(self, message: SmsMessage) -> str | None:
        try:
            async with self._session.post(self._url, json={"phone": message.phone,
                                                           "text": message.text},
                                          timeout=aiohttp.ClientTimeout(total=3)) as resp:
                if resp.status != 200:
                    raise SmsError(f"sandbox SMS answered HTTP {resp.status}")
                return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SmsError(repr(exc)) from exc


_CLASS_PATH = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


def load_provider_class(path: str) -> type[SmsProvider]:
    """The class `package.module:ClassName` names, checked to have an async `send`.
    Raises ValueError saying what is wrong."""
    if not _CLASS_PATH.fullmatch(path):
        raise ValueError("expected sandbox, log, tencent or package.module:ClassName")
    module_name, _, name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name}: {exc}") from None
    found = getattr(module, name, None)
    if found is None:
        raise ValueError(f"{module_name} has no {name}")
    if not inspect.isclass(found) or not inspect.iscoroutinefunction(
            getattr(found, "send", None)):
        raise ValueError(f"{path} is not a class with an async send(message)")
    return cast(type[SmsProvider], found)  # checked just above: a class with an async send
