"""The dispatcher and its middlewares with handlers made for the purpose, on real Redis and
the real database: per-user lock, handler failures, deferral, dependency checks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis
from redis.exceptions import ResponseError
from yarl import URL

from bot.conversation.dispatcher import Dispatcher
from bot.conversation.event import Outcome
from bot.conversation.filters import EventIs, Text
from bot.conversation.flow import ANY, END, Flow
from bot.conversation.identity import IdentityMiddleware
from bot.conversation.middlewares import (
    ConversationMiddleware,
    ErrorsMiddleware,
)
from bot.conversation.router import Router
from bot.conversation.store import (
    ConversationStore,
    MemoryConversationStore,
    RedisConversationStore,
)
from bot.redis_batch import ScriptBatcher
from bot.wechat.incoming import Incoming
from bot.wechat.replies import SILENCE
from bot.wechat.replies import Text as TextReply
from sandbox.wechat_push import event_fields, text_fields
from services.common.redis_keys import RedisKeys
from services.common.scenes import SceneCodec
from services.notifications.outbox import Outbox
from tests.support.helpers import TEXTS, eventually, redis_of
from tests.support.proxy import Proxy
from web.context import DOMAIN


def _msg(openid: str, content: str, msg_id: int) -> Incoming:
    fields = text_fields(openid, content, msg_id=msg_id)
    return Incoming.parse({k: str(v) for k, v in fields.items()})


def _dispatcher(client: TestClient, router: Router, *, lock_wait: float = 2.0,
                defer: Callable[[dict[str, str]], Awaitable[None]] | None = None,
                store: ConversationStore | None = None) -> Dispatcher:
    states: dict = {}

    async def no_defer(raw: dict[str, str]) -> None:
        raise AssertionError("nothing should be deferred")

    middlewares = [
        ErrorsMiddleware(TEXTS),
        ConversationMiddleware(store or RedisConversationStore(redis_of(client.app),
                                                               RedisKeys("t:")), states,
                               dedup_ttl=60, lock_wait=lock_wait, defer=defer or no_defer),
        IdentityMiddleware(load_budget=1.0),
    ]
    dispatcher = Dispatcher(texts=TEXTS, scenes=client.app[DOMAIN].scenes, deps={},
                            middlewares=middlewares,
                            states=states)
    dispatcher.include(router)
    return dispatcher


class Overlap:
    """Counts how many handler runs overlap, per user."""

    def __init__(self) -> None:
        self.running: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.total_peak = 0  # most handler runs at once, all users together

    async def run(self, openid: str, seconds: float) -> None:
        self.running[openid] = self.running.get(openid, 0) + 1
        self.peak[openid] = max(self.peak.get(openid, 0), self.running[openid])
        self.total_peak = max(self.total_peak, sum(self.running.values()))
        await asyncio.sleep(seconds)
        self.running[openid] -= 1


async def test_one_users_messages_never_run_at_once(client: TestClient) -> None:
    overlap = Overlap()
    router = Router("slow")

    together = asyncio.Event()  # two other users' handlers have run at the same time

    @router.message(state=ANY)
    async def slow(msg: Incoming) -> str:
        if msg.openid == "o_same":
            await overlap.run(msg.openid, 0.02)
            return "ok"
        # another user's handler stays until a second one is running beside it (a global
        # lock would never let that happen: it waits out its 5 s and the test fails), so
        # the proof does not depend on how loaded the machine is
        overlap.running[msg.openid] = overlap.running.get(msg.openid, 0) + 1
        overlap.peak[msg.openid] = max(overlap.peak.get(msg.openid, 0),
                                       overlap.running[msg.openid])
        overlap.total_peak = max(overlap.total_peak, sum(overlap.running.values()))
        if sum(n for k, n in overlap.running.items() if k != "o_same") >= 2:
            together.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(together.wait(), timeout=5)
        overlap.running[msg.openid] -= 1
        return "ok"

    dispatcher = _dispatcher(client, router)
    same = [dispatcher.feed(_msg("o_same", "x", i)) for i in range(8)]
    others = [dispatcher.feed(_msg(f"o_other{i}", "x", 100 + i)) for i in range(8)]
    replies = await asyncio.gather(*same, *others)
    assert all(r == TextReply("ok") for r in replies)
    assert overlap.peak["o_same"] == 1
    # the lock is per user, not global: other users ran at the same time
    assert len(overlap.peak) == 9 and together.is_set() and overlap.total_peak >= 2


async def test_event_retries_dedup_by_sender_time_event_and_key(client: TestClient) -> None:
    """Events carry no MsgId: a retry is the same sender, CreateTime, Event and EventKey."""
    runs: list[tuple[str, str]] = []
    router = Router("clicks")

    @router.event(EventIs("click"))
    async def clicked(msg: Incoming) -> str:
        runs.append((msg.openid, msg.event_key))
        return "ok"

    dispatcher = _dispatcher(client, router)

    def click(openid: str, key: str, at: int) -> Incoming:
        fields = event_fields(openid, "CLICK", key, create_time=at)
        return Incoming.parse({k: str(v) for k, v in fields.items()})

    original = click("o_evt", "HELP", 1_700_000_000)
    retries = [click("o_evt", "HELP", 1_700_000_000) for _ in range(3)]
    outcomes = [Outcome() for _ in retries]
    await dispatcher.feed(original)
    await asyncio.gather(*(dispatcher.feed(r, o) for r, o in zip(retries, outcomes, strict=True)))
    assert runs == [("o_evt", "HELP")] and all(o.duplicate for o in outcomes)
    await dispatcher.feed(click("o_evt", "HELP", 1_700_000_001))  # a second later: new
    await dispatcher.feed(click("o_evt", "ME", 1_700_000_000))  # another button: new
    await dispatcher.feed(click("o_evt2", "HELP", 1_700_000_000))  # another user: new
    assert len(runs) == 4


def _redis_through(url: str, port: int) -> Redis:
    """A client for the same Redis database as `url`, connected through a proxy on `port`."""
    parsed = URL(url)
    db = parsed.query.get("db") or parsed.path.strip("/") or "0"
    return Redis.from_url(f"redis://127.0.0.1:{port}/{db}", decode_responses=True)


async def _gone(redis: Redis, key: str) -> bool:
    return not await redis.exists(key)


def _target(url: str) -> tuple[str, int] | str:
    parsed = URL(url)
    return parsed.path if parsed.scheme == "unix" else (parsed.host or "", parsed.port or 6379)


async def test_an_opening_whose_answer_came_too_late_is_undone(client: TestClient,
                                                               infra: dict) -> None:
    """Redis ran the opening script (dedup claimed, lock taken) but its answer arrived after
    the client's timeout: the user got the busy reply, and nothing may stay behind, or
    WeChat's retry would be swallowed and the user's next messages held up for 30 s."""
    runs: list[str] = []
    router = Router("count")

    @router.message(state=ANY)
    async def count(msg: Incoming) -> str:
        runs.append(msg.content)
        return "ok"

    proxy = Proxy(_target(infra["REDIS_URL"]))
    slow = _redis_through(infra["REDIS_URL"], await proxy.start())
    try:
        store = RedisConversationStore(slow, RedisKeys("t:"), timeout=0.3)
        dispatcher = _dispatcher(client, router, store=store)
        await dispatcher.feed(_msg("o_late_redis", "warm-up", 1))  # connection made
        proxy.reply_delay = 0.6
        outcome = Outcome()
        push = _msg("o_late_redis", "first", 2)
        reply = await dispatcher.feed(push, outcome)
        assert outcome.busy and "系统繁忙" in reply.content and runs == ["warm-up"]
        proxy.reply_delay = 0
        redis = redis_of(client.app)
        await eventually(lambda: _nothing_left(redis))
        # WeChat's retry of the push is handled afresh, and at once (no lock to wait for)
        retry = Outcome()
        assert await dispatcher.feed(push, retry) == TextReply("ok")
        assert not retry.duplicate and not retry.deferred and runs == ["warm-up", "first"]
    finally:
        await slow.aclose()
        await proxy.close()


async def test_a_redis_stall_holds_a_user_up_for_seconds_not_half_a_minute(
        client: TestClient, infra: dict) -> None:
    """Redis hangs while a push's opening is on its way; the client times out
    (busy reply) and its undo, tried through the same hung Redis, times out too. When Redis
    comes back it runs the opening: the user's lock is taken by a push nobody handles. The
    undo is tried again until Redis answers, and the lock's first TTL is short, so the
    user's next message is handled at once, and WeChat's retry of the stalled push runs."""
    runs: list[str] = []
    router = Router("count")

    @router.message(state=ANY)
    async def count(msg: Incoming) -> str:
        runs.append(msg.content)
        return "ok"

    proxy = Proxy(_target(infra["REDIS_URL"]))
    stalled = _redis_through(infra["REDIS_URL"], await proxy.start())
    try:
        store = RedisConversationStore(stalled, RedisKeys("t:"), timeout=0.3)
        dispatcher = _dispatcher(client, router, store=store, lock_wait=0.5)
        await dispatcher.feed(_msg("o_stall", "warm-up", 1))  # the connection is made
        proxy.freeze()
        stalled_push = _msg("o_stall", "during", 2)
        outcome = Outcome()
        reply = await dispatcher.feed(stalled_push, outcome)
        assert outcome.busy and "系统繁忙" in reply.content
        await asyncio.sleep(1.0)  # the first undo attempts are lost in the stall too
        proxy.thaw()  # Redis answers again: the lost opening reaches it now
        await asyncio.sleep(0.3)
        started = asyncio.get_running_loop().time()
        after = Outcome()
        assert await dispatcher.feed(_msg("o_stall", "next", 3), after) == TextReply("ok")
        assert not after.deferred and asyncio.get_running_loop().time() - started < 1.0
        # WeChat retries 5 s after the push; by then the undo has reached Redis
        pending = RedisKeys("t:").conversation("o_stall", stalled_push.dedup_key)[0]
        await eventually(lambda: _gone(redis_of(client.app), pending), timeout=4.0)
        retry = Outcome()
        assert await dispatcher.feed(stalled_push, retry) == TextReply("ok")
        assert not retry.duplicate and runs == ["warm-up", "next", "during"]
    finally:
        await stalled.aclose()
        await proxy.close()


async def test_an_undo_that_overtakes_its_opening_leaves_a_tombstone(client: TestClient) -> None:
    """The undo may reach Redis before the late opening itself (another connection): the
    opening then claims nothing."""
    store = RedisConversationStore(redis_of(client.app), RedisKeys("t:"))
    await store.abandon("o_overtaken", "m:o_overtaken:5", "tok1")
    opening = await store.open("o_overtaken", "m:o_overtaken:5", "tok1", 60, 30_000)
    assert opening.status == "busy"
    fresh = await store.open("o_overtaken", "m:o_overtaken:5", "tok2", 60, 30_000)
    assert fresh.status == "new"  # the dedup record was never claimed by the lost opening


@pytest.mark.parametrize("kind", ["redis", "memory"])
async def test_a_lost_opening_that_found_the_lock_busy_is_undone_too(client: TestClient,
                                                                      kind: str) -> None:
    """The lost opening claimed the push's dedup record but found the user's lock held by an
    earlier push: the undo drops that record (it is the push's own), so WeChat's retry is
    not taken for a duplicate of a push that was never handled; the other push's lock and
    record stay."""
    store: ConversationStore = (RedisConversationStore(redis_of(client.app), RedisKeys("t:"))
                                if kind == "redis" else MemoryConversationStore())
    first = await store.open("o_busy_lost", "m:1", "tokA", 60, 30_000)
    second = await store.open("o_busy_lost", "m:2", "tokB", 60, 30_000)
    assert (first.status, second.status) == ("new", "busy")
    await store.abandon("o_busy_lost", "m:2", "tokB")  # B never learnt it was busy
    retry = await store.open("o_busy_lost", "m:2", "tokC", 60, 30_000)
    assert retry.status == "busy"  # not "duplicate": A still holds the lock, nothing more
    assert (await store.open("o_busy_lost", "m:1", "tokD", 60, 30_000)).status == "duplicate"


async def test_scripts_survive_a_redis_that_lost_its_script_cache(client: TestClient) -> None:
    """After a Redis restart or failover the scripts are gone (NOSCRIPT): they are loaded
    again and the batch re-sent, and an error inside one script stays with its caller."""
    redis = redis_of(client.app)
    batcher = ScriptBatcher(redis, timeout=1.0)
    echo = batcher.register("return ARGV[1]")
    broken = batcher.register("return redis.call('no-such-command')")
    assert await asyncio.gather(batcher.call(echo, [], ["a"]), batcher.call(echo, [], ["b"])) \
        == ["a", "b"]
    await redis.script_flush()
    results = await asyncio.gather(batcher.call(echo, [], ["c"]), batcher.call(broken, [], []),
                                   batcher.call(echo, [], ["d"]), return_exceptions=True)
    assert results[0] == "c" and results[2] == "d"
    assert isinstance(results[1], ResponseError)


async def _nothing_left(redis: Redis) -> bool:
    return (await redis.get("t:lock:{o_late_redis}") is None
            and await redis.get("t:dd:{o_late_redis}:" + _msg("o_late_redis", "", 2).dedup_key)
            is None)


async def test_a_message_behind_a_long_one_is_deferred_not_dropped(client: TestClient) -> None:
    deferred: list[dict[str, str]] = []

    async def defer(raw: dict[str, str]) -> None:
        deferred.append(raw)

    router = Router("slow")
    started = asyncio.Event()  # the long one holds the user's lock

    @router.message(state=ANY)
    async def slow(msg: Incoming) -> str:
        if msg.content == "long":
            started.set()
            await asyncio.sleep(0.6)
        return msg.content

    dispatcher = _dispatcher(client, router, lock_wait=0.2, defer=defer)
    first = asyncio.ensure_future(dispatcher.feed(_msg("o_d", "long", 1)))
    await started.wait()  # (a fixed 50 ms was not always enough on a slow machine)
    outcome = Outcome()
    second = await dispatcher.feed(_msg("o_d", "short", 2), outcome)
    assert second == SILENCE and outcome.deferred and outcome.late
    assert [d["Content"] for d in deferred] == ["short"]
    assert await first == TextReply("long")
    # the worker later runs it with the lock free
    late = await dispatcher.feed(Incoming.parse(deferred[0]), Outcome(late=True), deferred=True)
    assert late == TextReply("short")


async def test_a_failing_handler_answers_success_logs_and_keeps_state(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    flow = Flow("demo", title="演示")
    step = flow.state("step")
    router = Router("boom", flows=(flow,))
    calls = []

    @router.message(Text("开始"), goto=step)
    async def begin(fsm) -> str:
        fsm.goto(step)
        return "started"

    @router.message(state=step, goto=END)
    async def explode(fsm) -> str:
        calls.append(1)
        fsm.finish()
        raise RuntimeError("bug in a handler")

    store = MemoryConversationStore()
    dispatcher = _dispatcher(client, router, store=store)
    await dispatcher.feed(_msg("o_err", "开始", 1))
    outcome = Outcome()
    with caplog.at_level(logging.ERROR):
        reply = await dispatcher.feed(_msg("o_err", "x", 2), outcome)
    assert reply == SILENCE and outcome.failed
    assert any("bug in a handler" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    # the failed handler's state change was not saved
    opening = await store.open("o_err", None, "probe", 60, 1000)
    assert opening.record is not None and opening.record.state == "demo:step"
    # WeChat's retry of the poisoned push does not run the handler again
    retry = await dispatcher.feed(_msg("o_err", "x", 2))
    assert retry == SILENCE and calls == [1]


async def test_unknown_dependency_fails_at_start_up(client: TestClient) -> None:
    router = Router("bad")

    @router.message()
    async def wants(nonexistent_service) -> None: ...

    dispatcher = Dispatcher(texts=TEXTS, scenes=client.app[DOMAIN].scenes, deps={},
                            middlewares=[])
    with pytest.raises(TypeError, match="nonexistent_service"):
        dispatcher.include(router)



def test_a_dependency_of_the_wrong_type_fails_at_start_up() -> None:
    """Handlers name their dependencies and annotate them: a name that resolves to something
    else than the annotation says (a renamed service, say) stops the start-up."""
    router = Router("typed")

    @router.message()
    async def wants(outbox: Outbox) -> None: ...

    scenes = SceneCodec("k")
    Dispatcher(texts=TEXTS, scenes=scenes, deps={"outbox": Outbox()}, middlewares=[]
               ).include(router)
    wrong = Dispatcher(texts=TEXTS, scenes=scenes, deps={"outbox": scenes}, middlewares=[])
    with pytest.raises(TypeError, match="wants outbox: Outbox"):
        wrong.include(router)
