"""GET /healthz (the process is up) and GET /readyz (the database and Redis answer)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web
from redis.asyncio import Redis
from tortoise import connections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    """What /readyz checks, and how long it waits for each answer."""

    redis: Redis
    timeout: float


READINESS = web.AppKey("readiness", Readiness)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _ping_database(timeout: float) -> None:
    async with asyncio.timeout(timeout):
        await connections.get("default").execute_query("SELECT 1")


async def readyz(request: web.Request) -> web.Response:
    ready = request.app[READINESS]
    checks = {"database": _ping_database(ready.timeout), "redis": ready.redis.ping()}
    results = await asyncio.gather(*checks.values(), return_exceptions=True)
    failing = [name for name, result in zip(checks, results, strict=True)
               if isinstance(result, BaseException)]
    for name, result in zip(checks, results, strict=True):
        if isinstance(result, BaseException):
            log.warning("readiness: %s unavailable: %r", name, result)
    if failing:
        return web.json_response({"status": "unavailable", "failing": failing}, status=503)
    return web.json_response({"status": "ready", "checks": {name: "ok" for name in checks}})


def setup_health(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
