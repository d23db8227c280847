"""The async WeChat API client against the fake platform on loopback."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.relay.channels import CHANNELS
from bot.wechat.api import WeChatAPI
from bot.wechat.errors import (
    InvalidField,
    NotFollowing,
    NotSent,
    OutcomeUnknown,
    OutsideServiceWindow,
    SystemBusy,
    TokenRejected,
    TokenUnavailable,
    TransportError,
)
from bot.wechat.token import TokenCache
from sandbox.platform import Platform
from sandbox.platform_records import Fault
from services.common.redis_keys import RedisKeys
from tests.support.accounts import APPID, SECRET
from tests.support.helpers import redis_of
from web.context import DOMAIN


def _api(client: TestClient, wechat: TestServer, session: aiohttp.ClientSession,
         **kw: float) -> WeChatAPI:
    return WeChatAPI(session, str(wechat.make_url("")).rstrip("/"), APPID, SECRET,
                     redis_of(client.app), RedisKeys("t:"), **kw)  # type: ignore[arg-type]


async def test_100_concurrent_callers_cause_one_token_fetch_across_processes(
        client: TestClient, wechat: TestServer, platform: Platform) -> None:
    for i in range(100):  # each wrote to the account (one message each: within its 5)
        platform.interact(f"o_{i}")
    async with aiohttp.ClientSession() as s1, aiohttp.ClientSession() as s2:
        # two clients with separate sessions and locks stand for two processes
        apis = [_api(client, wechat, s1), _api(client, wechat, s2)]
        await asyncio.gather(*(apis[i % 2].send_text(f"o_{i}", f"消息{i}")
                               for i in range(100)))
    assert platform.token_fetches == 1
    assert platform.calls["/cgi-bin/stable_token"] == 1
    assert len([s for s in platform.sent if s.kind == "custom_text"]) == 100


async def test_rejected_token_is_refreshed_once_and_the_call_retried(
        client: TestClient, platform: Platform) -> None:
    api = client.app[CHANNELS].official
    platform.interact("o_x")
    await api.send_text("o_x", "第一条")
    platform.expire_token(APPID)  # someone invalidated it (40001 from now on)
    await api.send_text("o_x", "第二条")
    assert [s.payload["content"] for s in platform.sent_to("o_x")] == ["第一条", "第二条"]
    assert platform.token_fetches == 2


async def test_busy_is_retried_with_backoff_on_every_call(client: TestClient,
                                                          wechat: TestServer,
                                                          platform: Platform) -> None:
    # -1 is an answer: WeChat refused the call, so even a message without an idempotency
    # key may be sent again
    platform.interact("o_y")
    async with aiohttp.ClientSession() as session:
        api = _api(client, wechat, session, backoff=0.05)
        platform.inject(Fault("/cgi-bin/message/custom/send", errcode=-1, times=2))
        start = time.monotonic()
        await api.send_text("o_y", "重试后送达")
        assert time.monotonic() - start >= 0.05  # it backed off
        assert platform.calls["/cgi-bin/message/custom/send"] == 3
        assert len(platform.sent_to("o_y")) == 1
        # bounded: three busy answers in a row give up
        platform.inject(Fault("/cgi-bin/message/custom/send", errcode=-1, times=3))
        with pytest.raises(SystemBusy):
            await api.send_text("o_y", "放弃")
        assert platform.calls["/cgi-bin/message/custom/send"] == 6


async def test_a_5xx_is_retried_only_with_an_idempotency_key(
        client: TestClient, wechat: TestServer, platform: Platform) -> None:
    platform.interact("o_5")
    platform.templates["TPL_5"] = ["thing1"]
    async with aiohttp.ClientSession() as session:
        api = _api(client, wechat, session, backoff=0.01)
        # a template carries client_msg_id: sending it again cannot make a second message
        platform.inject(Fault("/cgi-bin/message/template/send", status=502))
        await api.send_template("o_5", "TPL_5", {"thing1": "评标通知"}, client_msg_id="n-5")
        assert platform.calls["/cgi-bin/message/template/send"] == 2
        assert len(platform.sent_to("o_5", "template")) == 1
        # a gateway's 502 may come after WeChat took a customer-service message: not repeated
        platform.inject(Fault("/cgi-bin/message/custom/send", status=502))
        with pytest.raises(OutcomeUnknown):
            await api.send_text("o_5", "只发一次")
        assert platform.calls["/cgi-bin/message/custom/send"] == 1


async def test_timeouts_of_template_messages_are_bounded_and_retried(
        client: TestClient, wechat: TestServer, platform: Platform) -> None:
    platform.interact("o_t")
    platform.templates["TPL_T"] = ["thing1"]
    async with aiohttp.ClientSession() as session:
        api = _api(client, wechat, session, timeout=0.2, backoff=0.01)
        await api.tokens.get()  # the token fetch is not what times out here
        platform.inject(Fault("/cgi-bin/message/template/send", delay=1.0))
        await api.send_template("o_t", "TPL_T", {"thing1": "超时后重试"}, client_msg_id="t-1")
        assert len(platform.sent_to("o_t")) == 1
        platform.inject(Fault("/cgi-bin/message/template/send", delay=1.0, times=3))
        start = time.monotonic()
        with pytest.raises(TransportError):
            await api.send_template("o_t", "TPL_T", {"thing1": "一直超时"}, client_msg_id="t-2")
        assert time.monotonic() - start < 1.5
        assert platform.calls["/cgi-bin/message/template/send"] == 2 + 3


async def test_messages_wechat_took_after_the_timeout_are_not_sent_again(
        client: TestClient, wechat: TestServer, platform: Platform) -> None:
    """No idempotency key: WeChat accepted the message but answered after the client's
    timeout; a repeat would reach the user twice."""
    platform.interact("o_dup")
    platform.user("mp_dup").consents["MP_TPL"] = 2
    async with aiohttp.ClientSession() as session:
        api = _api(client, wechat, session, timeout=0.3, backoff=0.01)
        platform.inject(Fault("/cgi-bin/message/custom/send", delay_after=1.0))
        with pytest.raises(OutcomeUnknown):
            await api.send_text("o_dup", "只应收到一次")
        platform.inject(Fault("/cgi-bin/message/subscribe/send", delay_after=1.0))
        with pytest.raises(OutcomeUnknown):
            await api.send_subscribe("mp_dup", "MP_TPL", {"thing1": "只应收到一次"})
        await asyncio.sleep(1.0)  # the late answers have come and gone
    assert len(platform.sent_to("o_dup", "custom_text")) == 1
    assert len(platform.sent_to("mp_dup", "subscribe")) == 1
    assert platform.calls["/cgi-bin/message/custom/send"] == 1
    assert platform.calls["/cgi-bin/message/subscribe/send"] == 1


async def test_a_mini_program_login_code_is_not_spent_twice(
        client: TestClient, wechat: TestServer, platform: Platform) -> None:
    """A login code works once: when WeChat answers after the timeout, asking again with
    the same code could only be refused (40163)."""
    async with aiohttp.ClientSession() as session:
        api = _api(client, wechat, session, timeout=0.3, backoff=0.01)
        platform.inject(Fault("/sns/jscode2session", delay_after=1.0))
        with pytest.raises(OutcomeUnknown):
            await api.jscode2session("code-once")
    assert platform.calls["/sns/jscode2session"] == 1


async def test_a_refused_connection_is_retried_even_for_a_custom_message(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    # nothing listens on the port: the request never left, so repeating it is safe
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    async with aiohttp.ClientSession() as session:
        api = WeChatAPI(session, closed, APPID, SECRET, redis_of(client.app), RedisKeys("t:"),
                        timeout=0.5, backoff=0.01)
        caplog.set_level(logging.WARNING, logger="bot.wechat.api")
        with pytest.raises(NotSent):
            await api.call("POST", "/cgi-bin/message/custom/send", token=False,
                           idempotent=False, json_body={"touser": "o_r", "msgtype": "text",
                                                        "text": {"content": "你好"}})
    retries = [r for r in caplog.records if "custom/send failed" in r.getMessage()]
    assert len(retries) == 2  # three attempts in all


@pytest.mark.parametrize("errcode", [40001, 42001, 40014])
async def test_a_rejected_token_is_refreshed_and_the_call_retried_once(
        client: TestClient, platform: Platform, errcode: int) -> None:
    api = client.app[CHANNELS].official
    platform.interact("o_tk")
    await api.tokens.get()
    platform.inject(Fault("/cgi-bin/message/custom/send", errcode=errcode))
    await api.send_text("o_tk", "换新令牌后送达")
    assert platform.calls["/cgi-bin/message/custom/send"] == 2
    assert len(platform.sent_to("o_tk", "custom_text")) == 1
    assert platform.token_fetches == 2  # a new token, not the rejected one again


async def test_a_token_rejected_again_right_after_the_refresh_is_not_retried_again(
        client: TestClient, platform: Platform) -> None:
    api = client.app[CHANNELS].official
    platform.interact("o_tk2")
    await api.tokens.get()
    platform.inject(Fault("/cgi-bin/message/custom/send", errcode=40001, times=2))
    with pytest.raises(TokenRejected):
        await api.send_text("o_tk2", "不会送达")
    assert platform.calls["/cgi-bin/message/custom/send"] == 2
    assert platform.token_fetches == 2  # one refresh, no loop of refreshes
    assert platform.sent_to("o_tk2") == []


async def test_a_slow_token_fetch_keeps_the_lock_until_it_ends(
        client: TestClient, wechat: TestServer, platform: Platform) -> None:
    """Two processes: the first fetch times out three times (three times its timeout in
    all) and then succeeds; the second process waits for it instead of fetching beside
    it (the refresh lock lasts as long as the slowest fetch may)."""
    async with aiohttp.ClientSession() as s1, aiohttp.ClientSession() as s2:
        first = _api(client, wechat, s1, timeout=1.0, attempts=4, backoff=0.01)
        second = _api(client, wechat, s2, timeout=1.0, attempts=4, backoff=0.01)
        platform.inject(Fault("/cgi-bin/stable_token", delay=1.2, times=3))
        fetching = asyncio.create_task(first.tokens.get())
        await asyncio.sleep(0.2)
        token = await second.tokens.get()
        assert token == await fetching
    assert platform.calls["/cgi-bin/stable_token"] == 4  # the first process's four attempts


async def test_a_process_that_waits_too_long_for_the_token_gets_a_typed_error(
        client: TestClient, wechat: TestServer) -> None:
    redis = redis_of(client.app)
    started = asyncio.Event()

    async def stuck(force: bool) -> tuple[str, int]:
        started.set()
        await asyncio.sleep(60)
        return "never", 7200

    # another process (with a longer fetch budget) holds the refresh lock
    other = TokenCache(redis, RedisKeys("t:"), APPID, stuck, fetch_budget=60)
    holder = asyncio.create_task(other.get())
    await started.wait()
    try:
        async with aiohttp.ClientSession() as session:
            api = _api(client, wechat, session, timeout=0.2, attempts=2, backoff=0.01)
            start = time.monotonic()
            with pytest.raises(TokenUnavailable):
                await api.send_text("o_wait", "等不到令牌")
            assert time.monotonic() - start < 10
    finally:
        holder.cancel()
        with pytest.raises(asyncio.CancelledError):
            await holder


async def test_typed_errors_are_not_retried(client: TestClient, platform: Platform) -> None:
    api = client.app[CHANNELS].official
    with pytest.raises(NotFollowing):
        await api.send_text("o_stranger", "你好")
    assert platform.calls["/cgi-bin/message/custom/send"] == 1
    platform.user("o_old").last_interaction = time.time() - 49 * 3600
    with pytest.raises(OutsideServiceWindow):
        await api.send_text("o_old", "你好")
    platform.templates["TPL_X"] = ["thing1"]
    platform.interact("o_z")
    with pytest.raises(InvalidField):
        await api.send_template("o_z", "TPL_X", {"thing1": "超" * 21}, client_msg_id="c1")
    assert platform.calls["/cgi-bin/message/template/send"] == 1


async def test_client_msg_id_makes_a_resend_a_no_op(client: TestClient,
                                                    platform: Platform) -> None:
    api = client.app[CHANNELS].official
    platform.templates["TPL_Y"] = ["thing1"]
    platform.interact("o_w")
    first = await api.send_template("o_w", "TPL_Y", {"thing1": "评标通知"}, client_msg_id="n-1")
    again = await api.send_template("o_w", "TPL_Y", {"thing1": "评标通知"}, client_msg_id="n-1")
    assert first == again
    assert len(platform.sent_to("o_w", "template")) == 1


async def test_mini_program_login_code_is_single_use(client: TestClient,
                                                     platform: Platform) -> None:
    from bot.wechat.errors import BadCode

    mp = client.app[CHANNELS].mini
    code = platform.login_code("mp_openid_1")
    session = await mp.jscode2session(code)
    assert session["openid"] == "mp_openid_1" and session["session_key"]
    with pytest.raises(BadCode):
        await mp.jscode2session(code)


async def test_media_qr_menu_user_info_and_oauth(client: TestClient, wechat: TestServer,
                                                 platform: Platform) -> None:
    api = client.app[CHANNELS].official
    platform.interact("o_img")
    media_id = await api.upload_image(b"\x89PNG fake image bytes", "qr.png")
    await api.send_image("o_img", media_id)
    assert platform.sent_to("o_img", "custom_image")[0].payload["media_id"] == media_id
    qr = await api.create_qr("bind:abc:0123456789ab", 600)
    image = await client.session.get(api.qr_image_url(qr["ticket"]))
    assert image.status == 200 and image.content_type == "image/png"
    from bot.wechat.errors import WeChatAPIError

    with pytest.raises(WeChatAPIError):  # 4 top-level buttons: WeChat refuses (40016)
        await api.create_menu([{"type": "click", "name": "x", "key": "K"}] * 4)
    platform.user("o_img").unionid = "u-9"
    assert (await api.user_info("o_img"))["unionid"] == "u-9"
    assert await api.oauth_openid(platform.oauth_code("o_web")) == "o_web"


async def test_a_rolled_back_change_leaves_no_notification(client: TestClient) -> None:
    from datetime import UTC, datetime

    from models.notifications import Notification
    from models.wechat import Feedback, WeChatIdentity

    outbox = client.app[DOMAIN].outbox
    identity = await WeChatIdentity.create(openid="o_tx")
    with pytest.raises(RuntimeError):
        async with outbox.change(datetime.now(UTC)) as change:
            await Feedback.create(identity=identity, category="投诉", content="内容内容内容")
            await change.notify("system.test", {"content": "x", "at": "2026-11-23 09:00"},
                                openid="o_tx")
            raise RuntimeError("the business rule failed after the notification was added")
    assert await Feedback.all().count() == 0
    assert await Notification.all().count() == 0
