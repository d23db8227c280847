"""What the sandbox runs on: the accounts it stands in for (from the settings) and the
services the simulator acts through, both handed over by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from redis.asyncio import Redis

from bot.providers.privacy.aliyun import SandboxPrivacy
from bot.providers.voice.tencent import SandboxVoice
from bot.relay.notify_texts import NotifyTexts
from models.people import Person
from services.common.redis_keys import RedisKeys
from services.domain import Domain


@dataclass(frozen=True)
class SandboxPay:
    """The merchant's keys and the fake gateway's signing key."""

    mchid: str
    apiv3_key: str
    merchant_private_key: str
    gateway_private_key: str
    public_key_id: str


@dataclass(frozen=True, kw_only=True)
class SandboxSettings:
    """The accounts the fake platform stands in for, and where the service listens."""

    token: str
    appid: str
    secret: str
    aes_key: str
    miniapp_appid: str
    miniapp_secret: str
    own_url: str
    mode: str = "safe"  # the message mode the service expects (WECHAT_MESSAGE_MODE)
    # the mini-program's message server (MINIAPP_TOKEN, MINIAPP_AES_KEY, MINIAPP_MESSAGE_MODE)
    miniapp_token: str = ""
    miniapp_aes_key: str = ""
    miniapp_mode: str = "safe"
    pay: SandboxPay | None = None
    # the official account's custom menu, as if `expertbot menu` had pushed it
    menu: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class SandboxServices:
    """What the simulator acts through: the domain, the notification texts, Redis."""

    domain: Domain
    notify_texts: NotifyTexts
    redis: Redis
    keys: RedisKeys
    voice: SandboxVoice | None = None  # the stand-in VMS account, when VOICE_PROVIDER=sandbox
    privacy: SandboxPrivacy | None = None  # the stand-in number pool (PRIVACY_PROVIDER=sandbox)
    mail_catcher: Any = None  # sandbox/smtp_catcher.py MailCatcher (MAIL_PROVIDER=sandbox)
    sms_callback_token: str = ""  # how the simulator's SMS replies reach the service
    realname_keys: tuple[str, str] | None = None  # the fake real-name service's API key
    dishonesty_keys: tuple[str, str] | None = None  # the fake 失信被执行人 provider's key
    # opens a console session for a person: the cookie's name and value
    console_sign_in: Callable[[Person], Awaitable[tuple[str, str]]] | None = None


SANDBOX_SETTINGS = web.AppKey("sandbox_settings", SandboxSettings)
SANDBOX = web.AppKey("sandbox_services", SandboxServices)
