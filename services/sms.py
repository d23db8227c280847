"""Text messages to a phone: the gateway the service sends through (bot.sms implements it)
and the verification codes sent with it, in the words of texts/sms/<purpose>_code.j2."""

from __future__ import annotations

from typing import Protocol

from services.texts import Texts


class SmsGateway(Protocol):
    """Sends one SMS; raises (bot.sms.SmsError) when the gateway does not take it."""

    async def send(self, phone: str, text: str) -> None: ...


class CodeSms:
    """Sends a verification code: bind, login, register or phone (a new phone number)."""

    def __init__(self, sms: SmsGateway, texts: Texts) -> None:
        self._sms = sms
        self._texts = texts

    async def send(self, purpose: str, phone: str, code: str) -> None:
        await self._sms.send(phone, self._texts.render(f"sms/{purpose}_code.j2", code=code))
