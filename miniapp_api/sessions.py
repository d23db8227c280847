"""Mini-program sessions: our own opaque token (WeChat's session_key never leaves the server),
stored by its SHA-256, so a copy of Redis holds no usable token."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Protocol

from redis.asyncio import Redis

from services.common.redis_keys import SESSION_TTL, RedisKeys


class SessionStore(Protocol):
    """What the API needs of its sessions (Sessions below; an in-memory one in unit tests)."""

    async def create(self, identity_id: int, session_key: str) -> str: ...

    async def resolve(self, token: str) -> int | None: ...

    async def drop(self, token: str) -> None: ...

    async def acting(self, token: str) -> int | None: ...

    async def set_acting(self, token: str, agency_id: int) -> None: ...


class Sessions:
    """Sessions in Redis."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    def _key(self, token: str) -> str:
        return self._keys.mp_session(hashlib.sha256(token.encode()).hexdigest())

    async def create(self, identity_id: int, session_key: str) -> str:
        token = secrets.token_urlsafe(32)
        record = json.dumps({"i": identity_id, "k": session_key})
        await self._redis.set(self._key(token), record, ex=SESSION_TTL)
        return token

    async def resolve(self, token: str) -> int | None:
        """The identity id of a live session (its lifetime slides with use)."""
        raw = await self._redis.getex(self._key(token), ex=SESSION_TTL)
        if raw is None:
            return None
        return int(json.loads(raw)["i"])

    async def drop(self, token: str) -> None:
        await self._redis.delete(self._key(token))

    async def acting(self, token: str) -> int | None:
        """The agency this session acts for, chosen by a person of several (GD-DRAW:
        登录后选择以经办企业的身份进入系统); None until chosen."""
        raw = await self._redis.get(self._key(token))
        chosen = json.loads(raw).get("a") if raw is not None else None
        return int(chosen) if chosen else None

    async def set_acting(self, token: str, agency_id: int) -> None:
        key = self._key(token)
        raw = await self._redis.get(key)
        if raw is None:
            return
        record = {**json.loads(raw), "a": agency_id}
        await self._redis.set(key, json.dumps(record), keepttl=True)
