"""WeChat retries a push up to 3 times: the handler runs once, whichever process gets it."""

from __future__ import annotations

import asyncio

from models.wechat import Feedback
from sandbox.wechat_push import text_fields
from tests.support.wechat import Chat


async def _into_write_step(chat: Chat, openid: str) -> None:
    await chat.say(openid, "反馈")
    await chat.say(openid, "1")


async def test_three_concurrent_retries_run_the_handler_once(chat: Chat) -> None:
    await _into_write_step(chat, "o_retry")
    push = chat.pusher.build(text_fields("o_retry", "系统登录页面打不开", msg_id=42))
    answers = await asyncio.gather(*(chat.post(push) for _ in range(3)))
    assert all(a.status == 200 for a in answers)
    assert await Feedback.filter(identity__openid="o_retry").count() == 1
    # every copy gets the first reply (the retries wait for it) or a plain `success`
    texts = {a.text for a in answers if not a.silent}
    assert len(texts) == 1 and "编号" in texts.pop()


async def test_a_late_retry_gets_the_first_reply(chat: Chat) -> None:
    await _into_write_step(chat, "o_late")
    push = chat.pusher.build(text_fields("o_late", "希望增加短信提醒功能", msg_id=43))
    first = await chat.post(push)
    again = await chat.post(push)
    assert first.text == again.text and "编号" in first.text
    assert await Feedback.filter(identity__openid="o_late").count() == 1


async def test_same_msgid_from_two_users_is_two_messages(chat: Chat) -> None:
    for openid in ("o_u1", "o_u2"):
        await _into_write_step(chat, openid)
    for openid in ("o_u1", "o_u2"):
        push = chat.pusher.build(text_fields(openid, "同一个编号的消息", msg_id=7))
        answer = await chat.post(push)
        assert "编号" in answer.text
    assert await Feedback.all().count() == 2
