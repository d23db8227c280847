"""WeChat Pay's settings (APIv3): the merchant and its keys, where calls go, transfers to
experts. Payments are off while WECHATPAY_MCHID is empty; once it is set the keys must be
(config/settings/core.py checks). One concept of the service's settings."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class WeChatPaySettings(BaseSettings):
    """WeChat Pay: the merchant, its keys, and transfers to experts."""

    wechatpay_mchid: str = Field(
        "", validation_alias="WECHATPAY_MCHID",
        description="the merchant id (generated in development); payments are off while it "
                    "is empty, and once it is set the private key, its serial, the APIv3 key "
                    "and the public key with its id must be")
    wechatpay_private_key: str = Field(
        "", validation_alias="WECHATPAY_PRIVATE_KEY",
        description="the merchant API private key, PEM text (generated in development)")
    wechatpay_cert_serial: str = Field(
        "", validation_alias="WECHATPAY_CERT_SERIAL",
        description="the merchant API certificate's serial (generated in development)")
    wechatpay_cert: str = Field(
        "", validation_alias="WECHATPAY_CERT",
        description="the merchant API certificate (`apiclient_cert.pem`, PEM text), read only "
                    "for its end date: the administrator is warned 30 and 7 days before. "
                    "Empty: the date recorded in `KEY_ROTATE_BY` (`wechatpay_cert`), if any")
    wechatpay_apiv3_key: str = Field(
        "", validation_alias="WECHATPAY_APIV3_KEY",
        description="decrypts notification resources, 32 characters (generated in "
                    "development)")
    wechatpay_public_key: str = Field(
        "", validation_alias="WECHATPAY_PUBLIC_KEY",
        description="the WeChat Pay public key (PEM): checks responses and notifications "
                    "(in development the sandbox gateway's)")
    wechatpay_public_key_id: str = Field(
        "", validation_alias="WECHATPAY_PUBLIC_KEY_ID",
        description="the WeChat Pay public key's `PUB_KEY_ID_...`")
    wechatpay_platform_cert_dir: str = Field(
        "", validation_alias="WECHATPAY_PLATFORM_CERT_DIR",
        description="platform certificates (`*.pem`), accepted too during a switch to the "
                    "public key; each one's end date is read, and the administrator warned "
                    "30 and 7 days before")
    wechatpay_api_base: str = Field(
        "", validation_alias="WECHATPAY_API_BASE",
        description="where WeChat Pay calls go. Empty: `https://api.mch.weixin.qq.com`; in "
                    "sandbox mode `<own url>/sandbox/pay`")
    wechatpay_timeout: float = Field(3.0, validation_alias="WECHATPAY_TIMEOUT",
                                     description="seconds per WeChat Pay call")
    wechatpay_transfer_scene: str = Field(
        "1005", validation_alias="WECHATPAY_TRANSFER_SCENE",
        description="商家转账's scene for experts' fees (1005 佣金报酬, opened on the "
                    "merchant platform)")
    wechatpay_transfer_authorised: bool | None = Field(
        None, validation_alias="WECHATPAY_TRANSFER_AUTHORISED",
        description="the merchant has WeChat Pay's 用户授权免确认 (granted by WeChat Pay, not "
                    "self-service): experts may authorise once and are then paid without "
                    "confirming each transfer. Unset: on in sandbox mode (the fake gateway "
                    "has it), else off")
    sandbox_wechatpay_private_key: str = Field(
        "", validation_alias="SANDBOX_WECHATPAY_PRIVATE_KEY",
        description="the fake gateway's signing key (sandbox only; generated in "
                    "development)")
