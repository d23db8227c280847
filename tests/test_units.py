"""Pure pieces: scene codec, text normalization, settings rules."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.filters import normalize
from config.settings import Settings, SettingsError
from services.common import pii
from services.common.pii import mask_text
from services.common.scenes import MAX_SCENE, SceneCodec, SceneError, scene_type


@scene_type("tst")
@dataclasses.dataclass(frozen=True)
class DemoScene:
    ticket: str
    number: int


codec = SceneCodec("secret-one")
tickets = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=30)


@given(tickets, st.integers(min_value=0, max_value=10**9))
def test_scene_round_trip(ticket: str, number: int) -> None:
    scene = DemoScene(ticket, number)
    text = codec.encode(scene)
    assert len(text) <= MAX_SCENE
    assert codec.decode(text) == scene


@given(tickets, st.integers(min_value=0, max_value=10**6), st.integers(min_value=0))
def test_any_single_character_change_is_rejected(ticket: str, number: int, pos: int) -> None:
    text = codec.encode(DemoScene(ticket, number))
    i = pos % len(text)
    changed = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]
    with pytest.raises(SceneError):
        codec.decode(changed)


def test_scene_from_another_key_or_unknown_kind_is_rejected() -> None:
    other = SceneCodec("secret-two").encode(DemoScene("t", 1))
    with pytest.raises(SceneError):
        codec.decode(other)
    with pytest.raises(SceneError):
        codec.decode("nope:1:AAAAAAAAAAAA")
    with pytest.raises(SceneError):
        codec.decode("x" * 65)


def test_scene_that_would_not_fit_is_refused_when_made() -> None:
    with pytest.raises(ValueError, match="over 64"):
        codec.encode(DemoScene("a" * 60, 1))
    with pytest.raises(ValueError, match="':'"):
        codec.encode(DemoScene("a:b", 1))


@pytest.mark.parametrize(("raw", "expected"), [
    ("帮助", "帮助"), (" 帮助。", "帮助"), ("ＨＥＬＰ！", "help"), ("？", "?"),
    ("１", "1"), ("【取消】", "取消"),
])
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def _prod(**env: str) -> Settings:
    base = {"EXPERTBOT_ENV": "production", "WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1",
            "WECHAT_SECRET": "s", "WECHAT_AES_KEY": "k" * 43, "MINIAPP_APPID": "wx2",
            "MINIAPP_SECRET": "s2", "SECRET_KEY": "sk", "ID_ENCRYPTION_KEY": "ik",
            "DATABASE_URL": "postgres://db/x", "REDIS_URL": "redis://r",
            "PUBLIC_BASE_URL": "https://bot.example.cn", "SMS_PROVIDER": "tencent"}
    base.update(env)
    return Settings(**base)  # type: ignore[arg-type]


def test_production_names_the_missing_secret() -> None:
    assert _prod().is_production and not _prod().sandbox
    with pytest.raises(SettingsError, match="WECHAT_TOKEN"):
        _prod(WECHAT_TOKEN="")
    with pytest.raises(SettingsError, match="ID_ENCRYPTION_KEY"):
        _prod(ID_ENCRYPTION_KEY="")
    with pytest.raises(SettingsError, match="REDIS_URL"):
        _prod(REDIS_URL="")
    # a production that would write login codes to its log refuses to start
    with pytest.raises(SettingsError, match="SMS_PROVIDER must be set"):
        _prod(SMS_PROVIDER="")
    assert _prod(SMS_PROVIDER="log").sms_mode == "log"  # chosen knowingly


def test_sandbox_cannot_be_turned_on_in_production() -> None:
    with pytest.raises(SettingsError, match="WECHAT_SANDBOX"):
        _prod(WECHAT_SANDBOX="1")


def test_dedup_memory_cannot_be_shorter_than_a_minute() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="DEDUP_TTL"):
        Settings(EXPERTBOT_ENV="test", DEDUP_TTL=30)  # type: ignore[call-arg]
    assert Settings(EXPERTBOT_ENV="test", DEDUP_TTL=60,  # type: ignore[call-arg]
                    CALLBACK_MAX_AGE=60).dedup_ttl == 60
    # an exact replay inside the timestamp window must still find its dedup record
    with pytest.raises(SettingsError, match="DEDUP_TTL must be at least CALLBACK_MAX_AGE"):
        Settings(EXPERTBOT_ENV="test", DEDUP_TTL=120,  # type: ignore[call-arg]
                 CALLBACK_MAX_AGE=300)


def test_development_defaults() -> None:
    dev = Settings(EXPERTBOT_ENV="development", DATABASE_URL="", WECHAT_API_BASE="",  # type: ignore[call-arg]
                   WECHAT_SANDBOX=None, EXPERTBOT_INPROCESS_WORKER=None)
    assert dev.sandbox and dev.inprocess_worker
    assert dev.db_url.startswith("sqlite://") and dev.db_url.endswith("var/expertbot.sqlite3")
    assert dev.api_base("http://127.0.0.1:8080") == "http://127.0.0.1:8080/sandbox"


def test_an_edited_text_is_picked_up_without_a_restart(tmp_path) -> None:
    import os

    from services.common.texts import Texts

    (tmp_path / "chat").mkdir()
    path = tmp_path / "chat" / "hello.j2"
    path.write_text("你好，{{ name }}")
    texts = Texts(tmp_path, check_interval=0.0)
    assert texts.render("chat/hello.j2", name="张三") == "你好，张三"
    path.write_text("您好，{{ name }}！")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert texts.render("chat/hello.j2", name="张三") == "您好，张三！"


def test_api_masking_spares_the_fields_a_model_declares_opaque() -> None:
    """A payment signature or nonce may hold a run of digits shaped like a phone: masking it
    would break the payment; every other field is still masked."""
    import json
    from typing import ClassVar

    from miniapp_api.framework import masked_json
    from miniapp_api.schemas import Model

    class Out(Model):
        OPAQUE: ClassVar[frozenset[str]] = frozenset({"jsapi"})
        contact: str
        jsapi: dict[str, str]

    data = json.loads(masked_json(Out(contact="13812345678",
                                      jsapi={"nonceStr": "ab13912345678cd"})))
    assert data == {"contact": "138****5678", "jsapi": {"nonceStr": "ab13912345678cd"}}


def test_a_long_response_is_masked_as_a_short_one_is() -> None:
    """mask_text finds candidates in long texts (API lists) by byte search, in short ones by
    regex: a phone or ID number is masked wherever it sits in a long text, and digits that
    only look close (6 in a row, 3+2 split, full-width) leave the text untouched."""
    filler = "抽取中，已确认 3/72；时间 2026-11-26T05:12:33.123456Z。" * 80
    assert len(filler) > 2000
    for secret, shown in (("13800000002", "138****0002"), ("138-0000-0002", "138****0002"),
                          ("440101199001011234", "440101********1234")):
        for at in (0, len(filler) // 2, len(filler)):
            text = f"{filler[:at]} {secret} {filler[at:]}"
            masked = mask_text(text)
            assert secret not in masked and shown in masked
    for harmless in ("123456", "123 45", "１３８００００００２", "12-3456"):
        text = f"{filler} {harmless} {filler}"
        assert mask_text(text) == text
    # a lone surrogate (json.loads accepts one from a request body) is no reason to fail
    odd = f"{filler}\ud800 13800000002"
    assert mask_text(odd).endswith("\ud800 138****0002")


@given(st.text(alphabet="0123456789 -x号１", min_size=0, max_size=60))
def test_the_long_text_check_finds_what_the_regex_finds(middle: str) -> None:
    text = "评" * 2100 + middle + "标" * 10
    assert pii._maybe(text) == (pii._MAYBE_RE.search(text) is not None)
