"""Safe-mode crypto against wechatpy's own implementation, and EncodingAESKey rotation."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from bot.errors import BadRequest
from bot.wechat.crypto import MessageCrypto
from bot.wechat.xmlparse import parse_xml
from tests.support.accounts import AES_KEY, APPID, OLD_AES_KEY, TOKEN


def _encrypt_field(crypto: WeChatCrypto, xml: str) -> str:
    return parse_xml(crypto.encrypt_message(xml, "nonce", "1700000000"))["Encrypt"]


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_wechatpy_encrypts_we_decrypt(content: str) -> None:
    theirs = WeChatCrypto(TOKEN, AES_KEY, APPID)
    ours = MessageCrypto(TOKEN, [AES_KEY], APPID)
    xml = f"<xml><Content>{content}</Content></xml>"
    out = ours.decrypt(_encrypt_field(theirs, xml))
    assert out.xml == xml and out.key_index == 0


def test_we_encrypt_wechatpy_decrypts() -> None:
    ours = MessageCrypto(TOKEN, [AES_KEY], APPID)
    envelope = ours.encrypt("<xml><Content>你好</Content></xml>", 0, "n1", "1700000000")
    fields = parse_xml(envelope)
    plain = WeChatCrypto(TOKEN, AES_KEY, APPID).decrypt_message(
        envelope, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
    assert plain == "<xml><Content>你好</Content></xml>"


def test_rotation_previous_key_decrypts_and_answers_with_it() -> None:
    ours = MessageCrypto(TOKEN, [AES_KEY, OLD_AES_KEY], APPID)
    old = WeChatCrypto(TOKEN, OLD_AES_KEY, APPID)
    out = ours.decrypt(_encrypt_field(old, "<xml><A>1</A></xml>"))
    assert out.key_index == 1
    envelope = ours.encrypt("<xml><B>2</B></xml>", out.key_index, "n", "1700000000")
    fields = parse_xml(envelope)
    assert old.decrypt_message(envelope, fields["MsgSignature"], fields["TimeStamp"],
                               fields["Nonce"]) == "<xml><B>2</B></xml>"
    with pytest.raises(Exception):  # noqa: B017 - the current key cannot read it
        WeChatCrypto(TOKEN, AES_KEY, APPID).decrypt_message(
            envelope, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])


def test_unknown_key_is_refused() -> None:
    stranger = WeChatCrypto(TOKEN, "Q" * 43, APPID)
    with pytest.raises(BadRequest):
        MessageCrypto(TOKEN, [AES_KEY, OLD_AES_KEY], APPID).decrypt(
            _encrypt_field(stranger, "<xml/>"))


def test_other_appid_is_refused() -> None:
    other = WeChatCrypto(TOKEN, AES_KEY, "wxotherapp")
    with pytest.raises(BadRequest):
        MessageCrypto(TOKEN, [AES_KEY], APPID).decrypt(_encrypt_field(other, "<xml/>"))
