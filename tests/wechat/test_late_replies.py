"""Answers that miss the passive-reply window arrive as customer-service messages, through
the job queue, the worker and the (fake) WeChat API."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from bot.background import Background
from bot.conversation.dispatcher import Dispatcher
from bot.conversation.engine import Engine
from bot.conversation.flow import ANY
from bot.conversation.router import Router
from bot.wechat.incoming import Incoming
from bot.wechat.replies import SILENCE
from config.chat import OutboxLateDelivery
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from sandbox.wechat_push import text_fields
from tests.support.helpers import TEXTS, eventually, open_window, redis_of
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_a_slow_handler_answers_success_now_and_the_text_later(
        client: TestClient, platform: Platform) -> None:
    router = Router("slow")

    @router.message(state=ANY)
    async def slow_report(msg: Incoming) -> str:
        await asyncio.sleep(0.5)
        return "报表已生成：共 3 条记录"

    dispatcher = Dispatcher(texts=TEXTS, scenes=client.app[DOMAIN].scenes, deps={},
                            middlewares=[])
    dispatcher.include(router)
    background = Background()
    engine = Engine(dispatcher, background, OutboxLateDelivery(client.app[DOMAIN].outbox),
                    reply_budget=0.2)
    await WeChatIdentity.create(openid="o_slow", subscribed=True, last_seen_at=datetime.now(UTC))
    await open_window(client.app, "o_slow", platform)
    fields = {k: str(v) for k, v in text_fields("o_slow", "生成报表").items()}
    start = time.monotonic()
    reply, outcome = await engine.handle(Incoming.parse(fields))
    assert reply == SILENCE and outcome.late
    assert time.monotonic() - start < 0.4
    await eventually(lambda: len(platform.sent_to("o_slow", "custom_text")) == 1)
    assert platform.sent_to("o_slow")[0].payload["content"] == "报表已生成：共 3 条记录"
    await background.drain(1.0)


async def test_a_push_behind_a_busy_user_lock_is_answered_by_the_worker(
        client: TestClient, chat: Chat, platform: Platform) -> None:
    platform.interact("o_busy")
    lock_key = "t:lock:{o_busy}"
    await redis_of(client.app).set(lock_key, "held-by-a-long-handler", px=1500)
    push = chat.pusher.build(text_fields("o_busy", "帮助"))
    start = time.monotonic()
    answer = await chat.post(push)
    assert answer.silent  # `success` now: the previous push of this user still runs
    assert time.monotonic() - start < 2.0
    await redis_of(client.app).delete(lock_key)
    await eventually(lambda: len(platform.sent_to("o_busy", "custom_text")) == 1)
    assert "绑定" in platform.sent_to("o_busy")[0].payload["content"]
    # WeChat's retry of that push neither runs the handler again nor answers twice
    retry = await chat.post(push)
    assert retry.silent
    await asyncio.sleep(0.3)
    assert len(platform.sent_to("o_busy")) == 1
