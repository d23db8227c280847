"""How often one client address may open a page: a fixed one-minute window in Redis."""

from __future__ import annotations

import time

from aiohttp import web

from web.context import PAGE_REDIS


async def over_limit(request: web.Request, page: str, per_minute: int) -> bool:
    """True once this address has opened `page` more than `per_minute` times this minute."""
    store = request.app[PAGE_REDIS]
    key = store.keys.page_rate(page, request.remote or "?", int(time.time() // 60))
    async with store.redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, 120)
        count, _ = await pipe.execute()
    return int(count) > per_minute
