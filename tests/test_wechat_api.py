"""The async WeChat API client against the fake platform on loopback."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.wechat_api import WeChatAPI
from bot.wechat_errors import (
    InvalidField,
    NotFollowing,
    OutsideServiceWindow,
    SystemBusy,
    TransportError,
)
from config.keys import RUNTIME
from sandbox.platform import Fault, Platform
from tests.helpers import APPID, SECRET


def _api(client: TestClient, wechat: TestServer, session: aiohttp.ClientSession,
         **kw: float) -> WeChatAPI:
    rt = client.app[RUNTIME]
    return WeChatAPI(session, str(wechat.make_url("")).rstrip("/"), APPID, SECRET, rt.redis,
                     "t:", **kw)  # type: ignore[arg-type]


async def test_100_concurrent_callers_cause_one_token_fetch_across_processes(
        client: TestClient, wechat: TestServer, platform: Platform) -> None:
    for openid in ("o_1", "o_2"):
        platform.interact(openid)
    async with aiohttp.ClientSession() as s1, aiohttp.ClientSession() as s2:
        # two clients with separate sessions and locks stand for two processes
        apis = [_api(client, wechat, s1), _api(client, wechat, s2)]
        await asyncio.gather(*(apis[i % 2].send_text(f"o_{1 + i % 2}", f"消息{i}")
                               for i in range(100)))
    assert platform.token_fetches == 1
    assert platform.calls["/cgi-bin/stable_token"] == 1
    assert len(platform.sent_to("o_1", "custom_text")) == 50


async def test_rejected_token_is_refreshed_once_and_the_call_retried(
        client: TestClient, platform: Platform) -> None:
    api = client.app[RUNTIME].api
    platform.interact("o_x")
    await api.send_text("o_x", "第一条")
    platform.expire_token(APPID)  # someone invalidated it (40001 from now on)
    await api.send_text("o_x", "第二条")
    assert [s.payload["content"] for s in platform.sent_to("o_x")] == ["第一条", "第二条"]
    assert platform.token_fetches == 2


async def test_busy_and_5xx_are_retried_with_backoff(client: TestClient, wechat: TestServer,
                                                     platform: Platform) -> None:
    platform.interact("o_y")
    async with aiohttp.ClientSession() as session:
        api = _api(client, wechat, session, backoff=0.05)
        platform.inject(Fault("/cgi-bin/message/custom/send", errcode=-1))
        platform.inject(Fault("/cgi-bin/message/custom/send", status=502))
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


async def test_timeouts_are_bounded_and_retried(client: TestClient, wechat: TestServer,
                                                platform: Platform) -> None:
    platform.interact("o_t")
    async with aiohttp.ClientSession() as session:
        api = _api(client, wechat, session, timeout=0.2, backoff=0.01)
        platform.inject(Fault("/cgi-bin/message/custom/send", delay=1.0))
        await api.send_text("o_t", "超时后重试")
        assert len(platform.sent_to("o_t")) == 1
        platform.inject(Fault("/cgi-bin/message/custom/send", delay=1.0, times=3))
        start = time.monotonic()
        with pytest.raises(TransportError):
            await api.send_text("o_t", "一直超时")
        assert time.monotonic() - start < 1.5


async def test_typed_errors_are_not_retried(client: TestClient, platform: Platform) -> None:
    api = client.app[RUNTIME].api
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
    api = client.app[RUNTIME].api
    platform.templates["TPL_Y"] = ["thing1"]
    platform.interact("o_w")
    first = await api.send_template("o_w", "TPL_Y", {"thing1": "评标通知"}, client_msg_id="n-1")
    again = await api.send_template("o_w", "TPL_Y", {"thing1": "评标通知"}, client_msg_id="n-1")
    assert first == again
    assert len(platform.sent_to("o_w", "template")) == 1


async def test_mini_program_login_code_is_single_use(client: TestClient,
                                                     platform: Platform) -> None:
    from bot.wechat_errors import BadCode

    mp = client.app[RUNTIME].mp_api
    code = platform.login_code("mp_openid_1")
    session = await mp.jscode2session(code)
    assert session["openid"] == "mp_openid_1" and session["session_key"]
    with pytest.raises(BadCode):
        await mp.jscode2session(code)


async def test_media_qr_menu_user_info_and_oauth(client: TestClient, wechat: TestServer,
                                                 platform: Platform) -> None:
    api = client.app[RUNTIME].api
    platform.interact("o_img")
    media_id = await api.upload_image(b"\x89PNG fake image bytes", "qr.png")
    await api.send_image("o_img", media_id)
    assert platform.sent_to("o_img", "custom_image")[0].payload["media_id"] == media_id
    qr = await api.create_qr("bind:abc:0123456789ab", 600)
    image = await client.session.get(api.qr_image_url(qr["ticket"]))
    assert image.status == 200 and image.content_type == "image/png"
    from bot.wechat_errors import WeChatAPIError

    with pytest.raises(WeChatAPIError):  # 4 top-level buttons: WeChat refuses (40016)
        await api.create_menu([{"type": "click", "name": "x", "key": "K"}] * 4)
    platform.user("o_img").unionid = "u-9"
    assert (await api.user_info("o_img"))["unionid"] == "u-9"
    assert await api.oauth_openid(platform.oauth_code("o_web")) == "o_web"


async def test_a_rolled_back_change_leaves_no_notification(client: TestClient) -> None:
    from datetime import UTC, datetime

    from models.notifications import Notification
    from models.wechat import Feedback, WeChatIdentity

    outbox = client.app[RUNTIME].domain.outbox
    identity = await WeChatIdentity.create(openid="o_tx")
    with pytest.raises(RuntimeError):
        async with outbox.change(datetime.now(UTC)) as change:
            await Feedback.create(identity=identity, category="投诉", content="内容内容内容")
            await change.notify("system.test", {"content": "x", "at": "2026-11-23 09:00"},
                                openid="o_tx")
            raise RuntimeError("the business rule failed after the notification was added")
    assert await Feedback.all().count() == 0
    assert await Notification.all().count() == 0
