"""The message mode set in the WeChat console (WECHAT_MESSAGE_MODE), as a deployment runs it
: in compatible and safe mode only a push whose msg_signature covers its encrypted
body is taken; a plaintext push, whose body no signature covers, is refused. Safe is the
default of a new deployment."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from config.settings import Settings
from sandbox.wechat_push import text_fields
from tests.support.settings import make_settings
from tests.support.wechat import Chat


@pytest.fixture(params=["safe", "compat"])
def settings(request: pytest.FixtureRequest, infra: dict[str, str],
             wechat: TestServer) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         WECHAT_MESSAGE_MODE=request.param)


def _mode(settings: Settings) -> str:
    return settings.wechat_mode


async def test_an_encrypted_push_is_answered(chat: Chat, settings: Settings) -> None:
    encrypted = Chat(chat.client, mode="safe" if _mode(settings) == "safe" else "compat")
    answer = await encrypted.say("o_mode", "帮助")
    assert answer.status == 200 and "绑定" in answer.text


async def test_a_plaintext_push_is_refused(chat: Chat) -> None:
    """Signed in the query, but its body covered by nothing: forged bodies would pass."""
    answer = await chat.say("o_mode", "帮助")  # the Chat fixture pushes plaintext
    assert answer.status == 403


async def test_a_wrong_msg_signature_is_refused(chat: Chat, settings: Settings) -> None:
    encrypted = Chat(chat.client, mode="safe" if _mode(settings) == "safe" else "compat")
    push = encrypted.pusher.build(text_fields("o_mode", "帮助"))
    forged = {**push.query, "msg_signature": "0" * 40}
    resp = await chat.client.post("/wechat/callback", params=forged, data=push.body)
    assert resp.status == 403


async def test_compatible_mode_reads_only_the_encrypted_copy(chat: Chat,
                                                             settings: Settings) -> None:
    if _mode(settings) != "compat":
        pytest.skip("the plaintext copy exists in compatible mode only")
    encrypted = Chat(chat.client, mode="compat")
    push = encrypted.pusher.build(text_fields("o_mode", "帮助"))
    body = push.body.decode().replace("<Content>帮助</Content>", "<Content>我的信息</Content>")
    resp = await chat.client.post("/wechat/callback", params=push.query, data=body.encode())
    text = encrypted.pusher.read_reply(await resp.text(), push)
    assert text is not None and "您可以回复以下文字" in text.get("Content", "")


def test_safe_is_the_default_of_a_new_deployment() -> None:
    assert Settings(EXPERTBOT_ENV="test").wechat_mode == "safe"  # type: ignore[call-arg]
