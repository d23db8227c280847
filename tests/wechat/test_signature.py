"""Signature vectors from WeChat's documentation and from wechatpy."""

from bot.wechat.signature import check_msg_signature, check_signature, sign


def test_official_vector() -> None:
    assert sign("AAAAA", "1714037059", "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78"
    assert check_signature("AAAAA", "899cf89e464efb63f54ddac96b0a0a235f53aa78", "1714037059",
                           "486452656")


def test_wechatpy_vector() -> None:
    assert check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589",
                           "test")


def test_wrong_or_missing_parts_fail() -> None:
    good = sign("AAAAA", "1714037059", "486452656")
    assert not check_signature("AAAAB", good, "1714037059", "486452656")
    assert not check_signature("AAAAA", good, "1714037060", "486452656")
    assert not check_signature("AAAAA", None, "1714037059", "486452656")
    assert not check_signature("AAAAA", good, None, "486452656")
    assert not check_signature("", sign("", "1", "2"), "1", "2")


def test_msg_signature_covers_the_encrypted_text() -> None:
    sig = sign("tok", "1", "2", "ENCRYPTED")
    assert check_msg_signature("tok", sig, "1", "2", "ENCRYPTED")
    assert not check_msg_signature("tok", sig, "1", "2", "ENCRYPTEE")
