"""Console sessions, stored server-side in Redis by the SHA-256 of an opaque token (the
cookie holds the token; a copy of Redis holds nothing usable). A session ends after
CONSOLE_IDLE without a request, after CONSOLE_MAX_AGE in any case, or at sign-out; each
carries its own CSRF token."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from services.redis_keys import CONSOLE_IDLE, CONSOLE_MAX_AGE, RedisKeys


@dataclass(frozen=True)
class ConsoleSession:
    token: str
    person_id: int
    csrf: str
    started: float


class ConsoleSessions:
    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    def _key(self, token: str) -> str:
        return self._keys.console_session(hashlib.sha256(token.encode()).hexdigest())

    async def create(self, person_id: int) -> ConsoleSession:
        token = secrets.token_urlsafe(32)
        session = ConsoleSession(token, person_id, secrets.token_urlsafe(24), time.time())
        key, mine = self._key(token), self._keys.console_sessions_of(person_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, json.dumps({"p": person_id, "c": session.csrf,
                                      "s": session.started}), ex=CONSOLE_IDLE)
            pipe.sadd(mine, key)
            pipe.expire(mine, CONSOLE_MAX_AGE)
            await pipe.execute()
        return session

    async def end_others(self, person_id: int, keep: str) -> int:
        """End every other console session of this person (after a password change: whoever
        knew the old password is out); how many were ended."""
        mine, kept = self._keys.console_sessions_of(person_id), self._key(keep)
        members: set[Any] = await self._redis.smembers(mine)  # type: ignore[misc]
        others = [k for k in members if (k.decode() if isinstance(k, bytes) else k) != kept]
        if others:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(*others)
                pipe.srem(mine, *others)
                await pipe.execute()
        return len(others)

    async def resolve(self, token: str, touch: bool = True) -> ConsoleSession | None:
        """The live session of this token, or None; `touch`: this request is activity (the
        idle time starts again)."""
        if not token or len(token) > 128:
            return None
        key = self._key(token)
        raw = await self._redis.get(key)
        if raw is None:
            return None
        record = json.loads(raw)
        if time.time() - float(record["s"]) > CONSOLE_MAX_AGE:
            await self._redis.delete(key)
            return None
        if touch:
            await self._redis.expire(key, CONSOLE_IDLE)
        return ConsoleSession(token, int(record["p"]), str(record["c"]), float(record["s"]))

    async def drop(self, token: str) -> None:
        await self._redis.delete(self._key(token))
