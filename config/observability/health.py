"""GET /healthz (the process is up), GET /readyz (the database and Redis answer, and the
process is not draining for a shutdown) and GET /healthz/worker (some arq worker is polling:
a worker refreshes arq's health-check key every few seconds, so a worker that died, or that
waits for Redis to come back, shows here within seconds)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web
from arq.constants import default_queue_name, health_check_key_suffix
from redis.asyncio import Redis
from tortoise import connections

from config.serve import Lifecycle

log = logging.getLogger(__name__)
WORKER_HEARTBEAT = default_queue_name + health_check_key_suffix


@dataclass(frozen=True)
class Readiness:
    """What /readyz checks, and how long it waits for each answer."""

    redis: Redis
    timeout: float
    lifecycle: Lifecycle


READINESS = web.AppKey("readiness", Readiness)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _ping_database(timeout: float) -> None:
    async with asyncio.timeout(timeout):
        await connections.get("default").execute_query("SELECT 1")


async def _worker_polling(redis: Redis, timeout: float) -> bool:
    async with asyncio.timeout(timeout):
        return bool(await redis.exists(WORKER_HEARTBEAT))


async def readyz(request: web.Request) -> web.Response:
    ready = request.app[READINESS]
    if ready.lifecycle.draining:
        return web.json_response({"status": "draining"}, status=503)
    checks = {"database": _ping_database(ready.timeout), "redis": ready.redis.ping(),
              "worker": _worker_polling(ready.redis, ready.timeout)}
    results = dict(zip(checks, await asyncio.gather(*checks.values(), return_exceptions=True),
                       strict=True))
    failing = [name for name in ("database", "redis")
               if isinstance(results[name], BaseException)]
    for name in failing:
        log.warning("readiness: %s unavailable: %r", name, results[name])
    # the web process serves without a worker, but notifications, timers and deferred
    # replies wait: shown here (and as /healthz/worker's status) for the monitoring
    worker = "ok" if results["worker"] is True else "not polling"
    if failing:
        return web.json_response({"status": "unavailable", "failing": failing,
                                  "worker": worker}, status=503)
    return web.json_response({"status": "ready", "checks": {"database": "ok", "redis": "ok",
                                                            "worker": worker}})


async def worker_health(request: web.Request) -> web.Response:
    ready = request.app[READINESS]
    try:
        polling = await _worker_polling(ready.redis, ready.timeout)
    except Exception as exc:
        log.warning("worker health: Redis unavailable: %r", exc)
        polling = False
    return web.json_response({"worker": "ok" if polling else "not polling"},
                             status=200 if polling else 503)


def setup_health(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/healthz/worker", worker_health)
    app.router.add_get("/readyz", readyz)
