"""Safe-mode message encryption with EncodingAESKey rotation, on wechatpy's crypto."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from wechatpy.crypto import PrpCrypto, WeChatCrypto

from bot.errors import BadRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Decrypted:
    xml: str
    key_index: int  # 0 = current key, 1 = previous key


class MessageCrypto:
    """Decrypts with the current EncodingAESKey, falls back to the previous one, and answers
    with whichever key worked."""

    def __init__(self, token: str, aes_keys: list[str], appid: str) -> None:
        if not aes_keys:
            raise ValueError("at least one EncodingAESKey is needed")
        self._appid = appid
        self._cryptos = [WeChatCrypto(token, key, appid) for key in aes_keys]

    def decrypt(self, encrypt: str) -> Decrypted:
        """Plaintext XML of an `Encrypt` field whose msg_signature was already checked."""
        for index, crypto in enumerate(self._cryptos):
            try:
                xml = PrpCrypto(crypto.key).decrypt(encrypt, self._appid)
            except Exception:  # a wrong key yields garbage: bad padding, bad UTF-8, wrong appid
                continue
            if index:
                log.info("message decrypted with the previous EncodingAESKey")
            return Decrypted(xml, index)
        raise BadRequest("the message does not decrypt with any configured EncodingAESKey")

    def encrypt(self, xml: str, key_index: int, nonce: str, timestamp: str) -> str:
        """The encrypted reply envelope, made with the key that decrypted the request."""
        return str(self._cryptos[key_index].encrypt_message(xml, nonce, timestamp))
