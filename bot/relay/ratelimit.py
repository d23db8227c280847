"""Send-rate limits in Redis, shared by every relay process: a global rate to WeChat, paced
evenly (each send reserves the next free slot, 1/rate apart, on Redis's clock), and a
per-recipient rate per minute (WeChat refuses too many messages to one user: 43117/45047).

A mass notice's sends reserve a slot only a few ahead (`bulk`, BULK_AHEAD), one at a time in
a process: one person's notice (an invitation) sent beside a notice's batch reserves its slot
after at most those, not after every slot the batch's sends in flight would hold (32 of
them: 160 ms at 200 a second, paid again at every wave of a draw)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from redis.asyncio import Redis

from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.redis_keys import PACE_TTL_MS, USER_RATE_TTL, RedisKeys

_PACE = """
local t = redis.call('time')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slot = tonumber(redis.call('get', KEYS[1]) or now)
if slot < now then slot = now end
if slot - now >= tonumber(ARGV[3]) then return now - slot end
redis.call('set', KEYS[1], slot + tonumber(ARGV[1]), 'PX', ARGV[2])
return slot - now
"""  # the wait for the slot reserved, or (ARGV[3]: how far ahead one may no longer be
# reserved) minus the wait until the next one is free, none reserved
ANYTIME = 2**62  # µs: a reservation however far ahead
# slots a mass notice's sends may hold ahead: a few, so that waking late does not lose the
# rate's slots, and one person's notice waits for no more than these
BULK_AHEAD = 4

_COUNT = """
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end
return n
"""


class RateLimits:
    def __init__(self, redis: Redis, keys: RedisKeys, per_second: int,
                 per_user_minute: int, clock: Clock = SYSTEM_CLOCK) -> None:
        self._redis = redis
        self._keys = keys
        self._clock = clock  # the minutes the per-recipient limit counts in
        self.per_second = per_second
        self.per_user_minute = per_user_minute
        self._count = redis.register_script(_COUNT)
        self._pace = redis.register_script(_PACE)
        self._bulk = asyncio.Lock()  # a mass notice's sends ask for a free slot one at a time

    async def _incr(self, key: str, ttl: int) -> int:
        return int(await self._count(keys=[key], args=[ttl]))

    async def wait_global(self, bulk: bool = False) -> None:
        """Wait for this send's slot under the global rate (0 = unlimited); `bulk` (a mass
        notice's send): a slot reserved at most BULK_AHEAD slots ahead, one send at a time
        in a process, so a send that is not bulk waits for at most that many of them."""
        if self.per_second <= 0:
            return
        if not bulk:
            wait_us = await self._reserve(ANYTIME)
        else:
            ahead = BULK_AHEAD * int(1_000_000 / self.per_second)
            async with self._bulk:
                while True:
                    wait_us = await self._reserve(ahead)
                    if wait_us >= 0:  # reserved
                        break
                    # none within reach: until the next one is
                    await asyncio.sleep((-wait_us - ahead) / 1_000_000)
        if wait_us > 0:
            await asyncio.sleep(wait_us / 1_000_000)

    async def _reserve(self, ahead_us: int) -> int:
        return int(await self._pace(keys=[self._keys.send_pace()], args=[
            int(1_000_000 / self.per_second), PACE_TTL_MS, ahead_us]))

    async def user_wait(self, who: str) -> datetime | None:
        """None if `who` may get another message now, else the moment they may. Those
        over the limit are spread over the minutes to come, `per_user_minute` to each
        (the n-th over this minute's limit waits for minute 1 + (n - 1) // limit): a
        recipient's backlog comes back a minute's worth at a time, not all of it every
        minute to be counted and put back again."""
        if self.per_user_minute <= 0:
            return None
        window = int(self._clock.time() // 60)
        count = await self._incr(self._keys.user_rate(who, window), USER_RATE_TTL)
        if count <= self.per_user_minute:
            return None
        minutes = 1 + (count - self.per_user_minute - 1) // self.per_user_minute
        return datetime.fromtimestamp((window + minutes) * 60, UTC)
