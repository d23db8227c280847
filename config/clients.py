"""Clients of the outside world made from the settings: WeChat Pay, the SMS provider, the
message crypto of the official account."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from bot.providers.helpmodel.http import ProvinceModel
from bot.providers.pay.client import WeChatPayClient
from bot.providers.pay.transfer import WeChatPayTransfers
from bot.providers.privacy.aliyun import SandboxPrivacy, sandbox_privacy
from bot.providers.sms.gateway import LoggingSms, SandboxSms, load_provider_class
from bot.providers.voice.tencent import SandboxVoice, sandbox_voice
from bot.wechat.crypto import MessageCrypto
from config.settings import Settings, SettingsError
from config.settings.voice import TencentVoiceSettings
from services.common.texts import Texts
from services.help import RemoteModel
from services.notifications import NumberPrivacy, SmsGateway, VoiceGateway
from services.people.dishonesty import DishonestyCheck
from services.people.verifiers import IdentityPlatform, RealNameCheck


def pay_client(settings: Settings, own_url: str, public_url: str) -> WeChatPayClient:
    """The WeChat Pay client (APIv3); the sandbox's fake gateway in sandbox mode."""
    return WeChatPayClient(
        base=settings.pay_api_base(own_url), mchid=settings.wechatpay_mchid,
        private_key=settings.wechatpay_private_key, cert_serial=settings.wechatpay_cert_serial,
        apiv3_key=settings.wechatpay_apiv3_key, public_key=settings.wechatpay_public_key,
        public_key_id=settings.wechatpay_public_key_id, appid=settings.wechat_appid,
        miniapp_appid=settings.miniapp_appid, notify_url=f"{public_url.rstrip('/')}/pay/notify",
        cert_dir=settings.wechatpay_platform_cert_dir, timeout=settings.wechatpay_timeout)


def transfers_of(settings: Settings, texts: Texts, pay: WeChatPayClient | None,
                 public_url: str) -> WeChatPayTransfers | None:
    """商家转账 for experts' fees, over the payment client (None while payments are off):
    the expert confirms in the mini-program; what the expert reads is in texts/payout/."""
    if pay is None:
        return None
    return WeChatPayTransfers(
        pay, settings.miniapp_appid, f"{public_url.rstrip('/')}/pay/notify",
        settings.wechatpay_transfer_scene, texts.render("payout/perception.j2").strip(),
        texts.render("payout/post.j2").strip(), texts.render("payout/note.j2").strip())


SmsFactory = Callable[[aiohttp.ClientSession, str], SmsGateway]


def sms_factory(settings: Settings) -> SmsFactory:
    """How this process makes its SMS provider (SMS_PROVIDER); a class path that does not
    name a usable class is a start-up error naming the variable."""
    mode = settings.sms_mode
    if mode == "sandbox":
        return SandboxSms
    if mode == "log":
        return lambda session, base: LoggingSms()
    if mode == "tencent":
        from bot.providers.sms.tencent import TencentSms
        from config.settings.sms import TencentSmsSettings

        tencent = TencentSmsSettings()
        tencent.config(None)  # refuses to start without its credentials
        return lambda session, base: TencentSms(session, tencent.config(
            base if settings.sandbox else None))
    try:
        provider = load_provider_class(mode)
    except ValueError as exc:
        raise SettingsError(f"SMS_PROVIDER={mode}: {exc}") from None

    def make(session: aiohttp.ClientSession, base: str) -> SmsGateway:
        try:
            return provider(session)  # type: ignore[call-arg]  # a Protocol has no __init__
        except Exception as exc:
            raise SettingsError(f"SMS_PROVIDER={mode}: {provider.__name__}(session) failed: "
                                f"{exc!r}") from exc

    return make


def sms_callback_token(settings: Settings) -> str:
    """The secret in the SMS provider's callback addresses ("" = no provider callbacks). In
    sandbox mode the simulator replies to SMS through the same callback, with a secret
    derived from SECRET_KEY."""
    if settings.sms_mode == "sandbox" and settings.sandbox:
        return hmac.new(settings.secret_key.encode(), b"sandbox-sms-callback",
                        hashlib.sha256).hexdigest()[:32]
    if settings.sms_mode != "tencent":
        return ""
    from config.settings.sms import TencentSmsSettings

    return TencentSmsSettings().callback_token


@dataclass(frozen=True)
class VoiceSetup:
    """How this process calls phones: `make(session)` gives the gateway (None: VOICE_PROVIDER
    is off), `callback_token` the secret of the callback address, and in sandbox mode the
    stand-in account the fake VMS is configured with."""

    make: Callable[[aiohttp.ClientSession], VoiceGateway | None]
    callback_token: str = ""
    sandbox: SandboxVoice | None = None
    enabled: bool = True


def voice_setup(settings: Settings, texts: Texts, api_base: str) -> VoiceSetup:
    """The voice provider VOICE_PROVIDER names; a start-up error when it is unknown or its
    credentials are missing."""
    from bot.providers.voice.tencent import TencentVoice

    mode = settings.voice_mode
    if mode == "off":
        return VoiceSetup(lambda session: None, enabled=False)
    if mode == "sandbox":
        stand_in = sandbox_voice(settings.secret_key, texts, api_base,
                                 settings.wechat_api_timeout)
        return VoiceSetup(lambda session: TencentVoice(session, stand_in.config),
                          stand_in.callback_token, stand_in)
    if mode == "tencent":
        tencent = TencentVoiceSettings()
        config = tencent.config()  # refuses to start without its credentials
        return VoiceSetup(lambda session: TencentVoice(session, config),
                          tencent.callback_token)
    raise SettingsError(f"VOICE_PROVIDER={mode}: expected sandbox, tencent or off")


def message_crypto(settings: Settings) -> MessageCrypto | None:
    if not settings.aes_keys:
        return None
    return MessageCrypto(settings.wechat_token, settings.aes_keys, settings.wechat_appid)


def identity_platform(settings: Settings, session: aiohttp.ClientSession, own_url: str,
                      public_url: str) -> IdentityPlatform | None:
    """The province's unified identity platform (UNIFIED_IDENTITY), or None."""
    from bot.providers.identity.oidc import OidcPlatform

    if not settings.unified_identity:
        return None
    back = f"{public_url.rstrip('/')}/console/sign-in/unified/done"
    if settings.unified_identity == "sandbox":
        from sandbox.identity.platform import CLIENT_ID, CLIENT_SECRET

        return OidcPlatform(session, f"{own_url.rstrip('/')}/sandbox/idp", CLIENT_ID,
                            CLIENT_SECRET, back, settings.unified_identity_timeout)
    return OidcPlatform(session, settings.unified_identity, settings.unified_identity_client_id,
                        settings.unified_identity_client_secret, back,
                        settings.unified_identity_timeout)


def sandbox_realname_keys(settings: Settings) -> tuple[str, str]:
    """The sandbox's stand-in API key for the fake real-name service, from SECRET_KEY."""
    key = hmac.new(settings.secret_key.encode(), b"sandbox-faceid-key",
                   hashlib.sha256).hexdigest()[:32]
    return "sandbox-faceid", key


def realname_check(settings: Settings, session: aiohttp.ClientSession,
                   api_base: str) -> RealNameCheck | None:
    """The real-name check REALNAME_PROVIDER names (None: off); a start-up error when it is
    unknown or its credentials are missing."""
    from bot.providers.realname.tencent import TencentRealName, TencentRealNameConfig

    mode = settings.realname_mode
    if mode == "off":
        return None
    if mode == "sandbox":
        secret_id, secret_key = sandbox_realname_keys(settings)
        return TencentRealName(session, TencentRealNameConfig(
            secret_id, secret_key, f"{api_base.rstrip('/')}/tencent-faceid",
            settings.wechat_api_timeout))
    if mode == "tencent":
        from config.settings.voice import TencentVoiceSettings

        keys = TencentVoiceSettings()  # the same TENCENTCLOUD_SECRET_ID / _KEY
        if not keys.secret_id or not keys.secret_key:
            raise SettingsError("REALNAME_PROVIDER=tencent needs TENCENTCLOUD_SECRET_ID, "
                                "TENCENTCLOUD_SECRET_KEY")
        return TencentRealName(session, TencentRealNameConfig(keys.secret_id,
                                                              keys.secret_key))
    raise SettingsError(f"REALNAME_PROVIDER={mode}: expected sandbox, tencent or off")


def sandbox_dishonesty_keys(settings: Settings) -> tuple[str, str]:
    """The sandbox's stand-in key for the fake 失信被执行人 provider, from SECRET_KEY."""
    secret = hmac.new(settings.secret_key.encode(), b"sandbox-dishonesty-secret",
                      hashlib.sha256).hexdigest()[:32]
    return "sandbox-dishonesty", secret


def dishonesty_check(settings: Settings, session: aiohttp.ClientSession,
                     api_base: str) -> DishonestyCheck | None:
    """The 失信被执行人 provider DISHONESTY_PROVIDER names (None: off); a start-up error when
    it is neither a URL, sandbox nor off, or its key is missing."""
    from bot.providers.dishonesty.http import DishonestyConfig, DishonestyHttp

    mode = settings.dishonesty_mode
    if mode == "off":
        return None
    if mode == "sandbox":
        key, secret = sandbox_dishonesty_keys(settings)
        return DishonestyHttp(session, DishonestyConfig(
            key, secret, f"{api_base.rstrip('/')}/dishonesty", settings.wechat_api_timeout))
    if not mode.startswith(("https://", "http://")):
        raise SettingsError(f"DISHONESTY_PROVIDER={mode}: expected a URL, sandbox or off")
    if not settings.dishonesty_key or not settings.dishonesty_secret:
        raise SettingsError("DISHONESTY_PROVIDER needs DISHONESTY_KEY, DISHONESTY_SECRET")
    return DishonestyHttp(session, DishonestyConfig(settings.dishonesty_key,
                                                    settings.dishonesty_secret, mode))


@dataclass(frozen=True)
class PrivacySetup:
    """How this process binds middle numbers: `make(session)` gives the gateway (None:
    PRIVACY_PROVIDER is off), `callback_token` the secret of the call-record address, and in
    sandbox mode the stand-in account the fake is configured with."""

    make: Callable[[aiohttp.ClientSession], NumberPrivacy | None]
    callback_token: str = ""
    sandbox: SandboxPrivacy | None = None


def privacy_setup(settings: Settings, api_base: str) -> PrivacySetup:
    """The number-privacy provider PRIVACY_PROVIDER names; a start-up error when it is
    unknown or its credentials are missing."""
    from bot.providers.privacy.aliyun import AliyunPrivacy

    mode = settings.privacy_mode
    if mode == "off":
        return PrivacySetup(lambda session: None)
    if mode == "sandbox":
        stand_in = sandbox_privacy(settings.secret_key, api_base, settings.wechat_api_timeout)
        return PrivacySetup(lambda session: AliyunPrivacy(session, stand_in.config),
                            stand_in.callback_token, stand_in)
    if mode == "aliyun":
        from config.settings.privacy import AliyunPrivacySettings

        aliyun = AliyunPrivacySettings()
        config = aliyun.config()  # refuses to start without its credentials
        return PrivacySetup(lambda session: AliyunPrivacy(session, config),
                            aliyun.callback_token)
    raise SettingsError(f"PRIVACY_PROVIDER={mode}: expected sandbox, aliyun or off")


def help_model(settings: Settings, session: aiohttp.ClientSession) -> RemoteModel | None:
    """The province's model service the 智能客服 ranks with (None: not set, or not asked)."""
    if settings.help_ranker != "province" or not settings.help_model_url:
        return None
    return ProvinceModel(session, settings.help_model_url, settings.help_model_timeout)
