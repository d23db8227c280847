"""Whether the mini-program offers check-in by WeChat's face verification (WX-FACE): it
needs WeChat's 人脸核身 permission for the mini-program, so a deployment turns it on
(MINIAPP_FACE_VERIFY=1); the sandbox's fake WeChat has it. Off, the venues' identity check
is the staff's ID check alone."""

from __future__ import annotations

import aiohttp
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio import Redis

from bot.wechat.api import WeChatAPI
from bot.wechat.face import WeChatFace
from config.settings import Settings
from services.common.ports import FaceVerifier
from services.common.redis_keys import RedisKeys


class FaceSettings(BaseSettings):
    """Check-in by WeChat's face verification in the mini-program."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    face_verify: bool | None = Field(
        None, validation_alias="MINIAPP_FACE_VERIFY",
        description="check-in by WeChat's face verification 2.0 at venues that check "
                    "identity (getVerifyId → `wx.requestFacialVerify` → queryVerifyInfo): "
                    "needs WeChat's 人脸核身 permission for the mini-program. The staff's ID "
                    "check is offered either way. Unset: on in sandbox mode, else off")


def face_verifier(settings: Settings, http: aiohttp.ClientSession, redis: Redis,
                  keys: RedisKeys, api_base: str) -> FaceVerifier | None:
    """The mini-program's face verification (None: not offered)."""
    on = FaceSettings().face_verify
    if not (settings.sandbox if on is None else on):
        return None
    return WeChatFace(WeChatAPI(http, api_base, settings.miniapp_appid,
                                settings.miniapp_secret, redis, keys,
                                timeout=settings.wechat_api_timeout))
