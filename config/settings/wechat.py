"""WeChat's settings: the official account, the mini-program, their message servers and the
sandbox. One concept of the service's settings, composed by config/settings/core.py; each
description is what docs/configuration.md says of the field."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings


class WeChatSettings(BaseSettings):
    """WeChat: the official account, the mini-program and their message servers.

    Their ids and keys (generated in development), where API calls go, the message modes, the
    message server's guards, the template ids and the sandbox that stands in for them."""

    wechat_token: str = Field("", validation_alias="WECHAT_TOKEN",
                              description="the official account's message server Token "
                                          "(generated in development)")
    wechat_appid: str = Field("", validation_alias="WECHAT_APPID",
                              description="the official account's AppID (generated in "
                                          "development)")
    wechat_secret: str = Field("", validation_alias="WECHAT_SECRET",
                               description="the official account's AppSecret (generated in "
                                           "development)")
    wechat_aes_key: str = Field("", validation_alias="WECHAT_AES_KEY",
                                description="the official account's EncodingAESKey, 43 "
                                            "characters (generated in development)")
    wechat_aes_key_previous: str = Field(
        "", validation_alias="WECHAT_AES_KEY_PREVIOUS",
        description="the previous EncodingAESKey, during a rotation")
    wechat_mode: Literal["plain", "compat", "safe"] = Field(
        "safe", validation_alias="WECHAT_MESSAGE_MODE",
        description="the message mode set in the WeChat console (明文 / 兼容 / 安全); in "
                    "compat and safe mode a push without a valid msg_signature over its "
                    "encrypted body is refused")
    wechat_api_base: str = Field(
        "", validation_alias="WECHAT_API_BASE",
        description="where WeChat API calls go. Empty: `https://api.weixin.qq.com`; in "
                    "sandbox mode `<own url>/sandbox`")
    wechat_api_timeout: float = Field(3.0, validation_alias="WECHAT_API_TIMEOUT",
                                      description="seconds per WeChat API call")
    miniapp_appid: str = Field("", validation_alias="MINIAPP_APPID",
                               description="the mini-program's AppID (generated in "
                                           "development)")
    miniapp_secret: str = Field("", validation_alias="MINIAPP_SECRET",
                                description="the mini-program's AppSecret (generated in "
                                            "development)")
    miniapp_token: str = Field(
        "", validation_alias="MINIAPP_TOKEN",
        description="the Token of the mini-program's message server (消息推送配置: its URL "
                    "is `https://<host>/wechat/miniapp/callback`, data format XML or JSON); "
                    "without it every push is refused. It applies WeChat's privacy events "
                    "(授权用户信息变更: a withdrawn authorisation is recorded, a deleted WeChat "
                    "account unbound and its person told by SMS)")
    miniapp_aes_key: str = Field(
        "", validation_alias="MINIAPP_AES_KEY",
        description="the EncodingAESKey of the mini-program's message server")
    miniapp_mode: Literal["plain", "compat", "safe"] = Field(
        "safe", validation_alias="MINIAPP_MESSAGE_MODE",
        description="the mini-program console's 消息加解密方式")
    wechat_templates: dict[str, str] = Field(
        {}, validation_alias="WECHAT_TEMPLATES",
        description="JSON: notification kind -> template id in the WeChat console")
    miniapp_templates: dict[str, str] = Field(
        {}, validation_alias="MINIAPP_TEMPLATES",
        description="JSON: notification kind -> mini-program subscribe template id (kinds "
                    "with a `subscribe.j2`: application.approved / rejected / returned / "
                    "stage_passed, exam.invitation / passed / failed, payment.paid)")
    wechat_sandbox: bool | None = Field(
        None, validation_alias="WECHAT_SANDBOX",
        description="the local stand-in for the WeChat platform, mounted at `/sandbox/`. "
                    "Unset: on outside production; on in production is a start-up error")
    callback_max_age: int = Field(
        300, ge=30, le=3600, validation_alias="CALLBACK_MAX_AGE",
        description="seconds a push's timestamp may be from now (at most `DEDUP_TTL`)")
    dedup_ttl: int = Field(
        300, ge=60, validation_alias="DEDUP_TTL",
        description="seconds a push's MsgId / event key is remembered against WeChat's "
                    "retries (at least `CALLBACK_MAX_AGE`)")
    max_body: int = Field(64 * 1024, validation_alias="CALLBACK_MAX_BODY",
                          description="body cap of the message server in bytes (413 beyond)")
    retry_hold: float = Field(
        5.5, ge=0, validation_alias="CALLBACK_RETRY_HOLD",
        description="seconds before a receipt that could be neither applied nor kept (Redis "
                    "and the database down) is answered, past WeChat's 5 s, so that WeChat "
                    "delivers it again")
