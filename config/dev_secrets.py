"""Development secrets, made on first use and kept in var/dev-secrets.json (load_settings):
the WeChat-shaped keys and a merchant with the fake pay gateway's matching key pairs."""

from __future__ import annotations

import base64
import secrets


def generate_secrets() -> dict[str, str]:
    """Fresh development secrets in the formats WeChat uses."""
    return {
        "WECHAT_TOKEN": secrets.token_hex(16),
        "WECHAT_APPID": "wx" + secrets.token_hex(8),
        "WECHAT_SECRET": secrets.token_hex(16),
        # EncodingAESKey: 43 characters, base64 of 32 bytes without the trailing '='.
        "WECHAT_AES_KEY": base64.b64encode(secrets.token_bytes(32)).decode()[:43],
        "MINIAPP_APPID": "wx" + secrets.token_hex(8),
        "MINIAPP_SECRET": secrets.token_hex(16),
        "MINIAPP_TOKEN": secrets.token_hex(16),
        "MINIAPP_AES_KEY": base64.b64encode(secrets.token_bytes(32)).decode()[:43],
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ID_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


PAY_SECRET_NAMES = ("WECHATPAY_MCHID", "WECHATPAY_PRIVATE_KEY", "WECHATPAY_CERT_SERIAL",
                    "WECHATPAY_APIV3_KEY", "WECHATPAY_PUBLIC_KEY", "WECHATPAY_PUBLIC_KEY_ID",
                    "SANDBOX_WECHATPAY_PRIVATE_KEY")


def _rsa_pem() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public.decode()


def generate_pay_secrets() -> dict[str, str]:
    """A merchant for the sandbox: its key pair, and the fake gateway's key pair."""
    merchant_private, _ = _rsa_pem()
    gateway_private, gateway_public = _rsa_pem()
    return {
        "WECHATPAY_MCHID": "19" + "".join(secrets.choice("0123456789") for _ in range(8)),
        "WECHATPAY_PRIVATE_KEY": merchant_private,
        "WECHATPAY_CERT_SERIAL": secrets.token_hex(20).upper(),
        "WECHATPAY_APIV3_KEY": secrets.token_hex(16),
        "WECHATPAY_PUBLIC_KEY": gateway_public,
        "WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_" + secrets.token_hex(16).upper(),
        "SANDBOX_WECHATPAY_PRIVATE_KEY": gateway_private,
    }
