"""Request signatures of the official-account push (sha1 over sorted token, timestamp, nonce)."""

from __future__ import annotations

import hmac

from wechatpy.utils import WeChatSigner


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts, concatenated."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def check_signature(token: str, signature: str | None, timestamp: str | None,
                    nonce: str | None) -> bool:
    """True when `signature` matches token, timestamp and nonce (constant-time compare)."""
    if not (token and signature and timestamp and nonce):
        return False
    return hmac.compare_digest(sign(token, timestamp, nonce), signature)


def check_msg_signature(token: str, msg_signature: str | None, timestamp: str | None,
                        nonce: str | None, encrypt: str) -> bool:
    """True when the safe-mode `msg_signature` covers token, timestamp, nonce and Encrypt."""
    if not (token and msg_signature and timestamp and nonce and encrypt):
        return False
    return hmac.compare_digest(sign(token, timestamp, nonce, encrypt), msg_signature)
