"""Where each user's conversation lives between pushes: the dedup record of each push, the
per-user lock and the FSM record, behind one storage interface.

The Redis store does all of a push's bookkeeping in two round trips, one Lua script before
the handler (claim the push, take the user's lock, read the state and the cached identity
row) and one after (keep the reply for retries, write the state, refresh the identity cache,
release the lock): on this kind of machine every round trip costs far more than the work.
Script calls are auto-pipelined (bot.redis_batch). Keys of one user share a hash tag, so
the scripts also run on Redis Cluster.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Literal

from redis.asyncio import Redis

from bot.conversation.fsm import FSMRecord
from bot.redis_batch import ScriptBatcher
from bot.wechat.windows import grant_lua
from services.common.redis_keys import ABANDON_TOMBSTONE_MS, IDENTITY_TTL, RedisKeys

# The dedup value while the first delivery is still being handled is PENDING + the token of
# the delivery that claimed it (so that only that delivery's undo may drop it); a finished
# delivery's dumped reply never starts with it.
PENDING = "?"


def is_pending(value: str | None) -> bool:
    return value is not None and value.startswith(PENDING)

_OPEN = """
if redis.call('exists', KEYS[5]) == 1 then return {'busy', ''} end
if ARGV[4] == '1' and not redis.call('set', KEYS[1], '?' .. ARGV[1], 'NX', 'EX', ARGV[2]) then
  return {'duplicate', redis.call('get', KEYS[1]) or ''}
end
if not redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[3]) then
  return {'busy', ''}
end
return {'new', redis.call('get', KEYS[3]) or '', redis.call('get', KEYS[4]) or ''}
"""

_CLOSE = """
if ARGV[2] == 'set' then redis.call('set', KEYS[1], ARGV[3], 'EX', ARGV[4])
elseif ARGV[2] == 'del' then redis.call('del', KEYS[1]) end
if ARGV[5] == 'set' then redis.call('set', KEYS[3], ARGV[6], 'EX', ARGV[7])
elseif ARGV[5] == 'del' then redis.call('del', KEYS[3]) end
if ARGV[8] ~= '' then redis.call('set', KEYS[4], ARGV[8], 'EX', ARGV[9]) end
if ARGV[10] ~= '' then""" + grant_lua("KEYS[6]", "ARGV[10]", "ARGV[11]") + """end
if redis.call('get', KEYS[2]) == ARGV[1] then redis.call('del', KEYS[2]) end
return 1
"""

# A push whose opening call failed on the client side (Redis answered too late, or the
# connection broke) may still have been opened on the server: undo it if it was, else leave
# a tombstone so that an opening still on its way does nothing.
_ABANDON = """
local undone = 0
if redis.call('get', KEYS[1]) == '?' .. ARGV[1] then redis.call('del', KEYS[1]); undone = 1 end
if redis.call('get', KEYS[2]) == ARGV[1] then redis.call('del', KEYS[2]); undone = 1 end
if undone == 0 then redis.call('set', KEYS[5], '1', 'PX', ARGV[2]) end
return undone
"""

_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""

Status = Literal["new", "duplicate", "busy"]
DedupAction = Literal["keep", "set", "del"]


@dataclass(slots=True)
class Opening:
    """What `open` found: a new push (lock held, state read), a duplicate (with the first
    delivery's reply once it is ready), or a user whose lock another push holds."""

    status: Status
    record: FSMRecord | None = None
    first_reply: str | None = None  # dumped reply; None while pending
    identity: str = ""  # the cached identity row (JSON), "" when not cached


@dataclass(slots=True)
class Closing:
    """What to write when a push is done."""

    dedup: DedupAction = "keep"
    reply: str = ""  # dumped reply, with dedup == "set"
    state: FSMRecord | None = None
    state_action: DedupAction = "keep"
    state_ttl: int = 0
    identity: str = ""  # refresh the identity cache with this JSON (when non-empty)
    window: tuple[int, int] | None = None  # the window the push opened: (messages, until)


class ConversationStore(ABC):
    """Dedup records, per-user locks and FSM records."""

    @abstractmethod
    async def open(self, openid: str, dedup_key: str | None, token: str, dedup_ttl: int,
                   lock_ms: int) -> Opening:
        """Claim the push (unless `dedup_key` is None), take the lock, read the state."""

    @abstractmethod
    async def close(self, openid: str, dedup_key: str | None, token: str,
                    closing: Closing, dedup_ttl: int) -> None:
        """Record the outcome and release the lock (if `token` still holds it)."""

    @abstractmethod
    async def first_reply(self, openid: str, dedup_key: str) -> str | None:
        """The dumped reply of a push's first delivery: None if unknown, PENDING if running."""

    @abstractmethod
    async def extend(self, openid: str, token: str, lock_ms: int) -> bool:
        """Keep the user's lock `lock_ms` longer, if `token` still holds it."""

    @abstractmethod
    async def abandon(self, openid: str, dedup_key: str | None, token: str) -> None:
        """Undo an `open` whose outcome the caller never learnt: release the lock `token`
        holds and forget the pending dedup record, so WeChat's retry is handled afresh and
        the user's next message is not held up for the lock's lifetime."""


_BARE = RedisKeys("")  # the memory store's keys


async def forget_identity(redis: Redis, keys: RedisKeys, openid: str) -> None:
    """Drop the cached identity row (after changing it outside the chat path)."""
    await redis.delete(keys.identity_cache(openid))


class RedisConversationStore(ConversationStore):
    """Shared by every process; one script call before and one after each push.

    `redis` should have no per-read socket timeout: each batch (and each direct read here)
    is bounded by one `timeout` instead of a timer per reply.
    """

    def __init__(self, redis: Redis, keys: RedisKeys, timeout: float = 0.5,
                 batcher: ScriptBatcher | None = None) -> None:
        self._redis = redis
        self._keys = keys
        self._timeout = timeout
        self._batcher = batcher or ScriptBatcher(redis, timeout)
        self._open = self._batcher.register(_OPEN)
        self._close = self._batcher.register(_CLOSE)
        self._abandon = self._batcher.register(_ABANDON)
        self._extend = self._batcher.register(_EXTEND)

    async def open(self, openid: str, dedup_key: str | None, token: str, dedup_ttl: int,
                   lock_ms: int) -> Opening:
        status, value, *rest = await self._batcher.call(
            self._open, self._keys.conversation(openid, dedup_key, token),
            [token, dedup_ttl, lock_ms, "1" if dedup_key else "0"])
        if status == "duplicate":
            return Opening("duplicate", first_reply=None if is_pending(value) else value)
        if status == "busy":
            return Opening("busy")
        return Opening("new", record=FSMRecord.loads(value) if value else None,
                       identity=rest[0] if rest else "")

    async def close(self, openid: str, dedup_key: str | None, token: str,
                    closing: Closing, dedup_ttl: int) -> None:
        state = closing.state.dumps() if closing.state is not None else ""
        await self._batcher.call(
            self._close, self._keys.conversation(openid, dedup_key),
            [token, closing.dedup if dedup_key else "keep", closing.reply, dedup_ttl,
             closing.state_action, state, closing.state_ttl, closing.identity, IDENTITY_TTL,
             *(closing.window or ("", ""))])

    async def first_reply(self, openid: str, dedup_key: str) -> str | None:
        async with asyncio.timeout(self._timeout):
            reply: str | None = await self._redis.get(
                self._keys.conversation(openid, dedup_key)[0])
            return reply

    async def extend(self, openid: str, token: str, lock_ms: int) -> bool:
        lock = self._keys.conversation(openid, None)[1]
        return bool(await self._batcher.call(self._extend, [lock], [token, lock_ms]))

    async def abandon(self, openid: str, dedup_key: str | None, token: str) -> None:
        await self._batcher.call(self._abandon,
                                 self._keys.conversation(openid, dedup_key, token),
                                 [token, ABANDON_TOMBSTONE_MS])


@dataclass
class MemoryConversationStore(ConversationStore):
    """The same behaviour without a server, for unit tests of flows."""

    items: dict[str, tuple[str, float]] = field(default_factory=dict)

    def _get(self, key: str) -> str | None:
        item = self.items.get(key)
        if item is None or item[1] < time.monotonic():
            self.items.pop(key, None)
            return None
        return item[0]

    def _set(self, key: str, value: str, ttl: float) -> None:
        self.items[key] = (value, time.monotonic() + ttl)

    async def open(self, openid: str, dedup_key: str | None, token: str, dedup_ttl: int,
                   lock_ms: int) -> Opening:
        dd, lock, fsm, ident, gone, _ = _BARE.conversation(openid, dedup_key, token)
        if self._get(gone) is not None:
            return Opening("busy")
        if dedup_key:
            seen = self._get(dd)
            if seen is not None:
                return Opening("duplicate", first_reply=None if is_pending(seen) else seen)
            self._set(dd, PENDING + token, dedup_ttl)
        if self._get(lock) is not None:
            return Opening("busy")
        self._set(lock, token, lock_ms / 1000)
        raw = self._get(fsm)
        return Opening("new", record=FSMRecord.loads(raw) if raw else None,
                       identity=self._get(ident) or "")

    async def close(self, openid: str, dedup_key: str | None, token: str,
                    closing: Closing, dedup_ttl: int) -> None:
        dd, lock, fsm, ident, _, _ = _BARE.conversation(openid, dedup_key)
        if dedup_key and closing.dedup == "set":
            self._set(dd, closing.reply, dedup_ttl)
        elif dedup_key and closing.dedup == "del":
            self.items.pop(dd, None)
        if closing.state_action == "set" and closing.state is not None:
            self._set(fsm, closing.state.dumps(), closing.state_ttl)
        elif closing.state_action == "del":
            self.items.pop(fsm, None)
        if closing.identity:
            self._set(ident, closing.identity, IDENTITY_TTL)
        if self._get(lock) == token:
            self.items.pop(lock, None)

    async def first_reply(self, openid: str, dedup_key: str) -> str | None:
        return self._get(_BARE.conversation(openid, dedup_key)[0])

    async def extend(self, openid: str, token: str, lock_ms: int) -> bool:
        lock = _BARE.conversation(openid, None)[1]
        if self._get(lock) != token:
            return False
        self._set(lock, token, lock_ms / 1000)
        return True

    async def abandon(self, openid: str, dedup_key: str | None, token: str) -> None:
        dd, lock, _, _, gone, _ = _BARE.conversation(openid, dedup_key, token)
        undone = False
        if self._get(dd) == PENDING + token:
            self.items.pop(dd, None)
            undone = True
        if self._get(lock) == token:
            self.items.pop(lock, None)
            undone = True
        if not undone:
            self._set(gone, "1", ABANDON_TOMBSTONE_MS / 1000)
