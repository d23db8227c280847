"""Text messages to a phone: the gateway the service sends through (bot.providers.sms.gateway
implements it) and the verification codes sent with it, in the words of
texts/sms/<purpose>_code.j2."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from services.common.texts import Texts


@dataclass(frozen=True)
class SmsMessage:
    """One SMS as the service means it. Providers that send free text send `text` (our own
    words, from texts/); providers that only send pre-approved templates (every provider in
    mainland China) pick the template by `kind` and fill it from `params`."""

    phone: str
    # a notification kind (texts/notify/<kind>), or code.<purpose>; one reply of several a
    # kind has is "<kind>:<variant>" (sms.reply:confirmed), each its own template
    kind: str
    text: str
    params: Mapping[str, str] = field(default_factory=dict)
    reference: str = ""  # ours (a notification id), echoed by providers that report back


class SmsGateway(Protocol):
    """Sends one SMS and returns the provider's id for it (None when it gives none); raises
    (bot.providers.sms.gateway.SmsError) when the gateway does not take it."""

    async def send(self, message: SmsMessage) -> str | None: ...


class CodeSms:
    """Sends a verification code: bind, login, register or phone (a new phone number)."""

    def __init__(self, sms: SmsGateway, texts: Texts) -> None:
        self._sms = sms
        self._texts = texts

    async def send(self, purpose: str, phone: str, code: str) -> None:
        await self._sms.send(SmsMessage(
            phone, f"code.{purpose}", self._texts.render(f"sms/{purpose}_code.j2", code=code),
            {"code": code}))
