"""The conversation store's contract, run over both implementations: the Redis store the
service uses and the memory store of unit tests behave alike (one contract)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from bot.conversation.fsm import FSMRecord
from bot.conversation.store import (
    Closing,
    ConversationStore,
    MemoryConversationStore,
    RedisConversationStore,
    is_pending,
)
from services.common.redis_keys import RedisKeys
from tests.support.helpers import eventually, redis_of

TTL, LOCK_MS = 60, 30_000


@pytest.fixture(params=["redis", "memory"])
def store(request: pytest.FixtureRequest, client: TestClient) -> ConversationStore:
    if request.param == "memory":
        return MemoryConversationStore()
    return RedisConversationStore(redis_of(client.app), RedisKeys("t:"))


async def test_a_new_push_reads_the_state_the_last_one_wrote(store: ConversationStore) -> None:
    first = await store.open("u1", "m:1", "a", TTL, LOCK_MS)
    assert (first.status, first.record, first.identity) == ("new", None, "")
    record = FSMRecord("feedback:write_content", {"category": "投诉"}, 123.0)
    await store.close("u1", "m:1", "a", Closing(dedup="set", reply="r1", state=record,
                                                state_action="set", state_ttl=60,
                                                identity='{"id":1}'), TTL)
    second = await store.open("u1", "m:2", "b", TTL, LOCK_MS)
    assert second.status == "new" and second.record == record
    assert second.identity == '{"id":1}'
    await store.close("u1", "m:2", "b", Closing(state_action="del"), TTL)
    third = await store.open("u1", "m:3", "c", TTL, LOCK_MS)
    assert third.record is None


async def test_a_retry_is_a_duplicate_with_the_first_reply_once_ready(
        store: ConversationStore) -> None:
    await store.open("u2", "m:1", "a", TTL, LOCK_MS)
    pending = await store.open("u2", "m:1", "b", TTL, LOCK_MS)
    assert pending.status == "duplicate" and pending.first_reply is None
    assert is_pending(await store.first_reply("u2", "m:1"))
    await store.close("u2", "m:1", "a", Closing(dedup="set", reply="answer"), TTL)
    done = await store.open("u2", "m:1", "c", TTL, LOCK_MS)
    assert (done.status, done.first_reply) == ("duplicate", "answer")
    assert await store.first_reply("u2", "m:1") == "answer"
    assert await store.first_reply("u2", "m:unknown") is None


async def test_a_dropped_record_lets_the_retry_run_again(store: ConversationStore) -> None:
    await store.open("u3", "m:1", "a", TTL, LOCK_MS)
    await store.close("u3", "m:1", "a", Closing(dedup="del"), TTL)
    assert (await store.open("u3", "m:1", "b", TTL, LOCK_MS)).status == "new"


async def test_one_user_one_push_at_a_time_and_only_the_holder_releases(
        store: ConversationStore) -> None:
    assert (await store.open("u4", "m:1", "a", TTL, LOCK_MS)).status == "new"
    assert (await store.open("u4", "m:2", "b", TTL, LOCK_MS)).status == "busy"
    assert (await store.open("other", "m:2", "x", TTL, LOCK_MS)).status == "new"
    await store.close("u4", "m:2", "b", Closing(), TTL)  # not the holder: the lock stays
    assert (await store.open("u4", None, "c", TTL, LOCK_MS)).status == "busy"
    await store.close("u4", "m:1", "a", Closing(), TTL)
    assert (await store.open("u4", None, "d", TTL, LOCK_MS)).status == "new"


async def test_a_lock_expires_by_itself(store: ConversationStore) -> None:
    await store.open("u5", None, "a", TTL, 100)
    assert (await store.open("u5", None, "b", TTL, 100)).status == "busy"

    async def free() -> bool:
        return (await store.open("u5", None, "c", TTL, 100)).status == "new"

    await eventually(free)  # by itself, once its 100 ms are over


async def test_an_undone_opening_frees_the_user_and_the_retry(store: ConversationStore) -> None:
    await store.open("u6", "m:1", "a", TTL, LOCK_MS)
    await store.abandon("u6", "m:1", "a")
    assert (await store.open("u6", "m:1", "b", TTL, LOCK_MS)).status == "new"


async def test_an_undo_of_a_busy_opening_drops_only_its_own_record(
        store: ConversationStore) -> None:
    await store.open("u7", "m:1", "a", TTL, LOCK_MS)
    assert (await store.open("u7", "m:2", "b", TTL, LOCK_MS)).status == "busy"
    await store.abandon("u7", "m:2", "b")
    assert (await store.open("u7", "m:2", "c", TTL, LOCK_MS)).status == "busy"  # a's lock
    assert (await store.open("u7", "m:1", "d", TTL, LOCK_MS)).status == "duplicate"


async def test_an_undo_before_its_opening_leaves_a_tombstone(store: ConversationStore) -> None:
    await store.abandon("u8", "m:1", "lost")
    assert (await store.open("u8", "m:1", "lost", TTL, LOCK_MS)).status == "busy"
    assert (await store.open("u8", "m:1", "fresh", TTL, LOCK_MS)).status == "new"
