"""Flows as transition tables, driven over HTTP; state lives in Redis between requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.conversation.store import forget_identity
from models.orm.statements import on_postgres
from models.wechat import Feedback, WeChatIdentity
from services.common.redis_keys import RedisKeys
from tests.support.helpers import redis_of
from tests.support.queries import QueryCounter
from tests.support.wechat import Chat

# (what the user sends, a fragment the reply must contain)
FEEDBACK_HAPPY = [
    ("反馈", "请选择反馈类型"),
    ("2", "请用文字描述您的功能建议"),
    ("希望能在手机上查看历史评标记录", "已收到您的功能建议，编号 F"),
    # the flow is over: "1" is no category any more; from someone not bound, it is taken for
    # an answer to an invitation and explained (never the generic fallback)
    ("1", "还没有绑定专家身份"),
]

FEEDBACK_DETOURS = [
    ("意见", "请选择反馈类型"),
    ("5", "回复数字：\n1 使用问题"),  # not a category: re-prompted, still choosing
    ("帮助", "您正在办理「意见反馈」"),  # global command inside the flow keeps the state
    ("３", "请用文字描述您的投诉"),  # full-width digit is normalized
    ("短", "内容太短了"),
    ("很" * 501, "内容太长了（501 个字）"),
    ("取消", "已取消「意见反馈」"),
    ("取消", "当前没有正在办理的事项"),
]

# global commands inside a flow answer and leave the flow where it was
FEEDBACK_GLOBALS = [
    ("反馈", "请选择反馈类型"),
    ("菜单", "功能列表"),
    ("2", "请用文字描述您的功能建议"),  # still choosing a category after 菜单
    ("帮助", "您正在办理「意见反馈」"),
    ("好的", "内容太短了"),  # still writing after 帮助
    ("退出", "已取消「意见反馈」"),
]

# outside any flow: help, the menu, and a fallback that points to them
IDLE = [
    ("帮助", "【首次使用】绑定"),  # a visitor's own commands (tests/wechat/test_help.py)
    ("？", "绑定后可以查看自己的申请、邀请、劳务费和信用"),
    # not a command, not a question the 智能客服 is sure of: a person offered
    ("今天天气怎么样", "关于「今天天气怎么样」，我没能确定您想问的是哪一件事"),
    ("今天天气怎么样", "回复「人工客服」由工作人员为您解答"),
    ("今天天气怎么样", "回复「帮助」查看全部功能"),
    ("功能", "5. 缴纳费用：回复「缴费」"),
    ("取消", "当前没有正在办理的事项"),
]


async def _run(chat: Chat, openid: str, table: list[tuple[str, str]]) -> None:
    for step, (sent, expected) in enumerate(table):
        answer = await chat.say(openid, sent)
        assert expected in answer.text, f"step {step}: sent {sent!r}, got {answer.text!r}"


async def test_feedback_happy_path(chat: Chat) -> None:
    await _run(chat, "o_fb1", FEEDBACK_HAPPY)
    saved = await Feedback.get(identity__openid="o_fb1")
    assert saved.category == "功能建议" and saved.content == "希望能在手机上查看历史评标记录"


async def test_feedback_detours(chat: Chat) -> None:
    await _run(chat, "o_fb2", FEEDBACK_DETOURS)
    assert await Feedback.all().count() == 0


async def test_global_commands_inside_a_flow_keep_it(chat: Chat) -> None:
    await _run(chat, "o_fb4", FEEDBACK_GLOBALS)
    assert await Feedback.all().count() == 0


async def test_idle_commands_and_fallback(chat: Chat) -> None:
    await _run(chat, "o_idle", IDLE)


@pytest.mark.parametrize(("sentence", "command"), [
    ("我想交一下培训费", "缴费"),
    ("请交一下培训费", "缴费"),
    ("我的申请审核到哪一步了", "审核进度"),
    ("查一下审核结果", "审核进度"),
])
async def test_keywords_in_a_sentence_reach_the_command(chat: Chat, sentence: str,
                                                        command: str) -> None:
    exact = await chat.say("o_kw", command)
    answer = await chat.say("o_kw", sentence)
    assert answer.text == exact.text and "没有找到" not in answer.text


async def test_keywords_do_not_capture_a_flows_input(chat: Chat) -> None:
    await _run(chat, "o_kw2", FEEDBACK_HAPPY[:2])
    answer = await chat.say("o_kw2", "缴费页面在手机上打不开")
    assert "已收到您的功能建议" in answer.text
    saved = await Feedback.get(identity__openid="o_kw2")
    assert saved.content == "缴费页面在手机上打不开"


async def test_non_text_inside_the_flow_is_refused_plainly(chat: Chat) -> None:
    await _run(chat, "o_fb3", FEEDBACK_HAPPY[:2])
    image = chat.pusher.build({"ToUserName": "gh", "FromUserName": "o_fb3", "CreateTime": 1,
                               "MsgType": "image", "PicUrl": "http://x/1.jpg", "MediaId": "m1",
                               "MsgId": 99})
    answer = await chat.post(image)
    assert "只支持文字" in answer.text


async def test_state_is_per_user(chat: Chat) -> None:
    await chat.say("o_a", "反馈")
    answer = await chat.say("o_b", "2")
    assert "还没有绑定专家身份" in answer.text and "反馈" not in answer.text


async def test_an_expired_flow_is_announced_and_dropped(client: TestClient, chat: Chat) -> None:
    await chat.say("o_slow", "反馈")
    redis = redis_of(client.app)
    key = "t:fsm:{o_slow}"
    record = json.loads(await redis.get(key))
    record["t"] = 1.0  # the deadline passed long ago
    await redis.set(key, json.dumps(record))
    answer = await chat.say("o_slow", "1")
    assert "「意见反馈」等待太久，已自动取消" in answer.text
    assert "还没有绑定专家身份" in answer.text  # not taken as a feedback category
    assert await redis.get(key) is None


@pytest.mark.parametrize("event", ["subscribe", "unsubscribe"])
async def test_follow_state_is_tracked(chat: Chat, event: str) -> None:
    answer = await chat.event("o_follow", event)
    identity = await WeChatIdentity.get(openid="o_follow")
    assert identity.subscribed is (event == "subscribe")
    if event == "subscribe":
        assert "欢迎关注" in answer.text and "绑定" in answer.text
    else:
        assert answer.silent


async def test_subscribe_with_a_forged_scene_says_the_code_is_invalid(chat: Chat) -> None:
    answer = await chat.event("o_scan", "subscribe", "qrscene_bind:abc:forgedmac12")
    assert "欢迎关注" in answer.text and "二维码无效或已过期" in answer.text


async def test_template_finish_event_does_not_count_as_interaction(chat: Chat) -> None:
    answer = await chat.event("o_tpl", "TEMPLATESENDJOBFINISH", Status="success", MsgID=1)
    assert answer.silent
    # the fast path (bot/conversation/receipts.py) writes nothing about the user on the request
    assert not await WeChatIdentity.filter(openid="o_tpl").exists()
    await chat.say("o_tpl", "帮助")
    assert (await WeChatIdentity.get(openid="o_tpl")).last_seen_at is not None


async def test_a_returning_user_is_seen_once_per_resolution_in_the_read_that_loads_them(
        chat: Chat, client: TestClient) -> None:
    """A user not in the identity cache (the hour since their last push is over) comes back:
    the interaction is noted (the customer-service window reopens), read and written by one
    statement on PostgreSQL; a second push within SEEN_RESOLUTION writes nothing."""
    await chat.say("o_back", "帮助")
    long_ago = datetime.now(UTC) - timedelta(hours=30)
    await WeChatIdentity.filter(openid="o_back").update(last_seen_at=long_ago)
    await forget_identity(redis_of(client.app), RedisKeys("t:"), "o_back")
    async with QueryCounter() as q:
        assert "功能列表" in (await chat.say("o_back", "菜单")).text
    seen = (await WeChatIdentity.get(openid="o_back")).last_seen_at
    assert seen is not None and seen > long_ago + timedelta(hours=29)
    writes = [s for s in q.sent if "wechat_identity" in s]
    assert len(writes) == (1 if on_postgres() else 2)
    await forget_identity(redis_of(client.app), RedisKeys("t:"), "o_back")
    async with QueryCounter() as q:
        await chat.say("o_back", "帮助")
    assert (await WeChatIdentity.get(openid="o_back")).last_seen_at == seen
    assert len([s for s in q.sent if "wechat_identity" in s]) == 1


async def test_menu_and_fallback_for_images(chat: Chat) -> None:
    assert "功能列表" in (await chat.say("o_menu", "菜单")).text
    image = chat.pusher.build({"ToUserName": "gh", "FromUserName": "o_menu", "CreateTime": 2,
                               "MsgType": "image", "PicUrl": "http://x/1.jpg", "MediaId": "m",
                               "MsgId": 5})
    assert "暂时只能处理文字消息" in (await chat.post(image)).text
