"""The service's ways out to people, besides a passive reply: the WeChat APIs of the official
account and the mini-program, SMS, and the outbox relay that sends notifications through
them with the notification texts. Built once per process by the composition root."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from aiohttp import web

from bot.relay.notify_texts import NotifyTexts
from bot.relay.relay import Relay
from bot.wechat.api import WeChatAPI
from services.notifications import SmsGateway, VoiceGateway


@dataclass(frozen=True, kw_only=True)
class Channels:
    official: WeChatAPI  # the official account
    mini: WeChatAPI  # the mini-program
    sms: SmsGateway
    voice: VoiceGateway | None  # None while VOICE_PROVIDER is off
    notify_texts: NotifyTexts
    relay: Relay

    def services(self) -> dict[str, object]:
        """Each channel by its field name (what chat handlers ask for by parameter name)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


CHANNELS = web.AppKey("channels", Channels)
