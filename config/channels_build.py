"""The channels out of a process (the WeChat APIs of the official account and the
mini-program, SMS, voice) and the outbox relay that sends through them (config.runtime
starts them)."""

from __future__ import annotations

import aiohttp
from redis.asyncio import Redis

from bot.relay.channels import Channels
from bot.relay.notify_texts import NotifyTexts
from bot.relay.ratelimit import RateLimits
from bot.relay.relay import Relay
from bot.relay.sender import Sender
from bot.wechat.api import WeChatAPI
from config.settings import Settings
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.redis_keys import RedisKeys
from services.common.texts import Texts
from services.draws.running import CLAIMED_INVITATIONS, DRAW_MOOT
from services.notifications import MootChecks, Outbox, SmsGateway, VoiceGateway


def build_channels(settings: Settings, *, http: aiohttp.ClientSession, redis: Redis,
                   keys: RedisKeys, outbox: Outbox, texts: Texts, sms: SmsGateway,
                   own_url: str, voice: VoiceGateway | None = None,
                   clock: Clock = SYSTEM_CLOCK) -> Channels:
    """The WeChat APIs, SMS and the outbox relay."""
    base = settings.api_base(own_url)
    qr_base = base if settings.sandbox or settings.wechat_api_base else \
        "https://mp.weixin.qq.com"
    official = WeChatAPI(http, base, settings.wechat_appid, settings.wechat_secret, redis,
                         keys, timeout=settings.wechat_api_timeout, qr_base=qr_base)
    mini = WeChatAPI(http, base, settings.miniapp_appid, settings.miniapp_secret, redis, keys,
                     timeout=settings.wechat_api_timeout)
    # made-up template ids only where the WeChat API is a fake (sandbox, tests)
    notify_texts = NotifyTexts(texts, settings.wechat_templates, settings.miniapp_templates,
                               settings.sandbox or settings.env == "test")
    limits = RateLimits(redis, keys, settings.outbox_rate, settings.outbox_user_rate, clock)
    sender = Sender(outbox, official, mini, sms, notify_texts, limits, redis, keys,
                    settings.outbox_max_attempts, settings.miniapp_appid, voice,
                    MootChecks(DRAW_MOOT, CLAIMED_INVITATIONS))
    return Channels(official=official, mini=mini, sms=sms, voice=voice,
                    notify_texts=notify_texts,
                    relay=Relay(outbox, sender, redis, keys, clock=clock.now,
                                linger=settings.outbox_linger,
                                receipts_hold=settings.receipts_hold))
