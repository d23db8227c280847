"""Clients of the outside world made from the settings: WeChat Pay, the SMS provider, the
message crypto of the official account."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp

from bot.crypto import MessageCrypto
from bot.sms import LoggingSms, SandboxSms, load_provider_class
from bot.wechatpay import WeChatPayClient
from config.settings import Settings, SettingsError
from services.sms import SmsGateway


def pay_client(settings: Settings, own_url: str, public_url: str) -> WeChatPayClient:
    """The WeChat Pay client (APIv3); the sandbox's fake gateway in sandbox mode."""
    return WeChatPayClient(
        base=settings.pay_api_base(own_url), mchid=settings.wechatpay_mchid,
        private_key=settings.wechatpay_private_key, cert_serial=settings.wechatpay_cert_serial,
        apiv3_key=settings.wechatpay_apiv3_key, public_key=settings.wechatpay_public_key,
        public_key_id=settings.wechatpay_public_key_id, appid=settings.wechat_appid,
        miniapp_appid=settings.miniapp_appid, notify_url=f"{public_url.rstrip('/')}/pay/notify",
        cert_dir=settings.wechatpay_platform_cert_dir, timeout=settings.wechatpay_timeout)


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
        from bot.sms_tencent import TencentSms
        from config.sms_settings import TencentSmsSettings

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
    """The secret in the SMS provider's callback addresses ("" = no provider callbacks)."""
    if settings.sms_mode != "tencent":
        return ""
    from config.sms_settings import TencentSmsSettings

    return TencentSmsSettings().callback_token


def message_crypto(settings: Settings) -> MessageCrypto | None:
    if not settings.aes_keys:
        return None
    return MessageCrypto(settings.wechat_token, settings.aes_keys, settings.wechat_appid)
