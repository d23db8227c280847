"""access_token cache in Redis, per appid, shared by all processes, refreshed under a lock.

`POST /cgi-bin/stable_token` in normal mode; the cache expires 5 minutes before the token, so
it is refreshed ahead of time. However many callers ask at once, one fetch happens: the
refresh lock outlives the longest fetch (its budget, retries and backoff included, enforced
with a timeout), so a second process never fetches beside a slow first one; it waits as long
as the lock can be held, then gives up with TokenUnavailable.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from bot.wechat.errors import TokenUnavailable
from services.common.metrics import TOKEN_REFRESHES
from services.common.redis_keys import RedisKeys

# Delete the cached token only if it is still the one WeChat rejected.
_DROP_IF_SAME = """
local v = redis.call('get', KEYS[1])
if v and cjson.decode(v)['t'] == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

EARLY_REFRESH = 300  # seconds before expiry
LOCAL_MEMO = 30.0  # seconds a process reuses the token without asking Redis
LOCK_MARGIN = 2.0  # seconds the refresh lock outlives the fetch budget (Redis round trips)


Fetcher = Callable[[bool], Awaitable[tuple[str, int]]]  # force_refresh -> (token, expires_in)


class TokenCache:
    """One cached token per appid; `get()` is cheap and safe to call from many tasks."""

    def __init__(self, redis: Redis, keys: RedisKeys, appid: str, fetch: Fetcher,
                 fetch_budget: float = 10.0) -> None:
        self._redis = redis
        self._key = keys.wechat_token(appid)
        self._lock_key = keys.wechat_token_lock(appid)
        self._fetch = fetch
        self._budget = fetch_budget  # seconds a refresh may spend fetching, at most
        self.lock_ttl = fetch_budget + LOCK_MARGIN
        self._local = asyncio.Lock()
        self._drop = redis.register_script(_DROP_IF_SAME)
        self._release = redis.register_script(_RELEASE)
        self._memo: tuple[str, float] | None = None  # (token, until): saves a round trip a call
        self.fetches = 0  # for tests and benchmarks

    async def _cached(self) -> str | None:
        raw = await self._redis.get(self._key)
        return json.loads(raw)["t"] if raw else None

    async def get(self) -> str:
        """A valid token, fetching one if the cache is empty."""
        if self._memo is not None and self._memo[1] > time.monotonic():
            return self._memo[0]
        token = await self._cached()
        if not token:
            async with self._local:  # one task per process goes further
                token = await self._cached() or await self._refresh(force=False, rejected=None)
        self._memo = (token, time.monotonic() + LOCAL_MEMO)
        return token

    def forget(self) -> None:
        """Drop what this process remembers of the token: the next call asks Redis (the
        tests do this when the service they share starts a new test)."""
        self._memo = None

    async def invalidate(self, rejected: str) -> str:
        """WeChat rejected `rejected`: drop it (if still cached) and get a fresh one."""
        self._memo = None
        async with self._local:
            await self._drop(keys=[self._key], args=[rejected])
            current = await self._cached()
            if not current or current == rejected:
                current = await self._refresh(force=False, rejected=rejected)
            self._memo = (current, time.monotonic() + LOCAL_MEMO)
            return current

    async def _refresh(self, force: bool, rejected: str | None) -> str:
        mine = secrets.token_hex(8)
        # whoever holds the lock lets it go within lock_ttl: wait that long (and a little,
        # to take the lock over once it has lapsed), no longer
        deadline = time.monotonic() + self.lock_ttl + 0.5
        while True:
            if await self._redis.set(self._lock_key, mine, nx=True,
                                     px=int(self.lock_ttl * 1000)):
                try:
                    current = await self._cached()
                    if current and current != rejected:
                        return current
                    token, expires_in = await self._fetch_within_budget(force, rejected)
                    ttl = max(expires_in - EARLY_REFRESH, 60)
                    await self._redis.set(self._key, json.dumps({"t": token}), ex=ttl)
                    return token
                finally:
                    await self._release(keys=[self._lock_key], args=[mine])
            await asyncio.sleep(0.05)  # another process is fetching: wait for its result
            current = await self._cached()
            if current and current != rejected:
                return current
            if time.monotonic() > deadline:
                raise TokenUnavailable(-4, f"waited {self.lock_ttl:.1f} s for another process "
                                       "to fetch the access token", "/cgi-bin/stable_token")

    async def _counted(self, force: bool) -> tuple[str, int]:
        """One fetch, counted in `expertbot_token_refreshes` by result."""
        try:
            got = await self._fetch(force)
        except BaseException:
            TOKEN_REFRESHES.labels("error").inc()
            raise
        TOKEN_REFRESHES.labels("ok").inc()
        return got

    async def _fetch_within_budget(self, force: bool, rejected: str | None) -> tuple[str, int]:
        """Fetch (twice if stable_token hands back the rejected token) within the budget, so
        that the lock is still held when the new token is written."""
        try:
            async with asyncio.timeout(self._budget):
                token, expires_in = await self._counted(force)
                self.fetches += 1
                if token == rejected:
                    token, expires_in = await self._counted(True)
                    self.fetches += 1
        except TimeoutError:
            raise TokenUnavailable(-4, f"fetching the access token took over {self._budget:.1f}"
                                   " s", "/cgi-bin/stable_token") from None
        return token, expires_in
