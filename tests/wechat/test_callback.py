"""The message server over real HTTP: signatures, modes, hostile XML, size cap."""

from __future__ import annotations

import time

import pytest
from aiohttp.test_utils import TestClient

from bot.wechat.callback import ENGINE
from bot.wechat.signature import sign
from models.wechat import Feedback, WeChatIdentity
from sandbox.wechat_push import Push, Pusher, text_fields
from tests.support.accounts import AES_KEY, APPID, OLD_AES_KEY, TOKEN
from tests.support.wechat import Chat


def _query(ts: str | None = None, nonce: str = "486452656") -> dict[str, str]:
    ts = ts or str(int(time.time()))
    return {"signature": sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}


async def test_get_echoes_echostr_verbatim(client: TestClient) -> None:
    resp = await client.get("/wechat/callback", params={**_query(), "echostr": "5837397520_x"})
    assert resp.status == 200
    assert await resp.text() == "5837397520_x"


async def test_get_with_wrong_or_missing_signature_is_403(client: TestClient) -> None:
    bad = {**_query(), "signature": "0" * 40, "echostr": "x"}
    assert (await client.get("/wechat/callback", params=bad)).status == 403
    assert (await client.get("/wechat/callback", params={"echostr": "x"})).status == 403


async def test_post_with_bad_signature_is_403_and_nothing_is_processed(client: TestClient) -> None:
    push = Pusher(TOKEN, APPID).build(text_fields("o_intruder", "反馈"))
    query = {**push.query, "signature": "f" * 40}
    resp = await client.post("/wechat/callback", params=query, data=push.body)
    assert resp.status == 403
    assert await WeChatIdentity.filter(openid="o_intruder").count() == 0


async def test_plaintext_text_gets_a_text_reply(chat: Chat) -> None:
    answer = await chat.say("o_alice", "帮助")
    assert answer.status == 200
    assert answer.fields is not None
    assert answer.fields["ToUserName"] == "o_alice"
    assert answer.fields["FromUserName"] == "gh_expertbot"
    assert "绑定" in answer.text


async def test_compatible_mode_reads_the_encrypted_copy_and_replies_encrypted(
        client: TestClient) -> None:
    chat = Chat(client, mode="compat")
    push = chat.pusher.build(text_fields("o_bob", "反馈"))
    # the plaintext copy next to <Encrypt> is not covered by msg_signature: it must not count
    assert push.body.count("反馈".encode()) == 1
    tampered = Push(push.query, push.body.replace("反馈".encode(), "帮助".encode()))
    answer = await chat.post(tampered)
    assert "<Encrypt>" in answer.body and "<Content>" not in answer.body
    assert "请选择反馈类型" in answer.text


async def test_safe_mode_round_trip(client: TestClient) -> None:
    chat = Chat(client, mode="safe")
    answer = await chat.say("o_carol", "反馈")
    assert "<Encrypt>" in answer.body
    assert "反馈类型" in answer.text


async def test_safe_mode_with_wrong_msg_signature_is_403(client: TestClient) -> None:
    pusher = Pusher(TOKEN, APPID, AES_KEY, "safe")
    push = pusher.build(text_fields("o_dave", "帮助"))
    query = {**push.query, "msg_signature": "0" * 40}
    resp = await client.post("/wechat/callback", params=query, data=push.body)
    assert resp.status == 403
    assert await WeChatIdentity.filter(openid="o_dave").count() == 0


async def test_key_rotation_previous_key_still_works(aiohttp_client, settings) -> None:
    from config.app import create_app
    from tests.support.world import reset_state

    app = create_app(settings.model_copy(update={"wechat_aes_key_previous": OLD_AES_KEY}))
    client = await aiohttp_client(app)
    await reset_state(app)
    old_side = Chat(client, mode="safe", aes_key=OLD_AES_KEY)
    answer = await old_side.say("o_erin", "帮助")  # read_reply decrypts with the OLD key
    assert "绑定" in answer.text
    new_side = Chat(client, mode="safe", aes_key=AES_KEY)
    assert "绑定" in (await new_side.say("o_erin", "帮助")).text


async def test_unknown_aes_key_is_400(client: TestClient) -> None:
    stranger = Chat(client, mode="safe", aes_key="Q" * 43)
    assert (await stranger.say("o_frank", "帮助")).status == 400


async def test_malformed_xml_is_400_without_traceback(client: TestClient) -> None:
    resp = await client.post("/wechat/callback", params=_query(), data=b"<xml><Content>oops")
    assert resp.status == 400
    body = await resp.text()
    assert "Traceback" not in body and "File " not in body


async def test_missing_fields_is_400(client: TestClient) -> None:
    resp = await client.post("/wechat/callback", params=_query(),
                             data=b"<xml><Content>hi</Content></xml>")
    assert resp.status == 400


async def test_xxe_is_refused_fast(client: TestClient) -> None:
    payload = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
               b"<xml><ToUserName>gh</ToUserName><FromUserName>o_x</FromUserName>"
               b"<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content></xml>")
    start = time.monotonic()
    resp = await client.post("/wechat/callback", params=_query(), data=payload)
    assert resp.status == 400
    assert time.monotonic() - start < 1.0
    assert await WeChatIdentity.filter(openid="o_x").count() == 0  # nothing was processed


async def test_billion_laughs_is_refused_fast(client: TestClient) -> None:
    entities = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    payload = (f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY l0 "lol">{entities}]>'
               "<xml><ToUserName>gh</ToUserName><FromUserName>o_x</FromUserName>"
               "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&l9;</Content></xml>")
    start = time.monotonic()
    resp = await client.post("/wechat/callback", params=_query(), data=payload.encode())
    assert resp.status == 400
    assert time.monotonic() - start < 1.0


async def test_oversized_body_is_413(client: TestClient) -> None:
    big = b"<xml><Content>" + b"a" * (64 * 1024) + b"</Content></xml>"
    resp = await client.post("/wechat/callback", params=_query(), data=big)
    assert resp.status == 413


async def test_oversized_chunked_body_is_413(client: TestClient) -> None:
    async def chunks():
        yield b"<xml><Content>"
        for _ in range(80):
            yield b"a" * 1024

    resp = await client.post("/wechat/callback", params=_query(), data=chunks())
    assert resp.status == 413


async def test_nothing_is_saved_from_a_refused_push(client: TestClient) -> None:
    await client.post("/wechat/callback", params=_query(), data=b"<xml><Content>oops")
    assert await WeChatIdentity.all().count() == 0
    assert await Feedback.all().count() == 0


async def test_a_failing_handler_answers_success_and_is_logged(
        client: TestClient, chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    texts = client.app[ENGINE].dispatcher.texts  # the service's own, made to fail
    render = texts.render

    def broken(name: str, **kw: object) -> str:
        if name == "chat/help.j2":
            raise RuntimeError("a bug in the help handler")
        return render(name, **kw)

    push = chat.pusher.build(text_fields("o_bug", "帮助"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(texts, "render", broken)
        answer = await chat.post(push)
    assert answer.status == 200 and answer.body == "success"
    assert any(r.levelname == "ERROR" and r.exc_info and "on_help" in r.getMessage()
               for r in caplog.records)
    # WeChat's retry of the poisoned push is not run again (and does not fail again)
    assert (await chat.post(push)).body == "success"
    assert "绑定" in (await chat.say("o_bug", "帮助")).text  # the next message works


async def test_an_error_after_the_handler_answers_success_without_traceback(
        chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    def broken(reply: object, msg: object) -> str:
        raise ValueError("reply rendering failed")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("bot.wechat.callback.render_reply", broken)
        answer = await chat.say("o_render", "帮助")
    assert answer.status == 200 and answer.body == "success"
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)
