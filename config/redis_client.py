"""Redis clients with explicit short timeouts (redis-py's defaults exceed WeChat's 5 s)."""

from __future__ import annotations

from typing import Any, cast

import hiredis
from arq.connections import ArqRedis
from redis.asyncio import Redis
from redis.asyncio.connection import Connection, UnixDomainSocketConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import DataError

from config.settings import Settings


class _HiredisPacking:
    """Pack commands with hiredis's C packer, as redis-py 6 does. arq 0.28 keeps us on
    redis-py 5, whose pure-Python packer was the largest single cost of a chat push."""

    def pack_command(self, *args: Any) -> list[bytes]:
        first = args[0]
        if isinstance(first, str):
            args = (*first.encode().split(), *args[1:])
        elif b" " in first:
            args = (*first.split(), *args[1:])
        try:
            return [hiredis.pack_command(args)]
        except TypeError as exc:
            raise DataError(str(exc)) from exc


class FastConnection(_HiredisPacking, Connection):
    pass


class FastUnixConnection(_HiredisPacking, UnixDomainSocketConnection):
    pass


def _options(url: str, settings: Settings, read_timeout: bool = True) -> dict[str, Any]:
    return {
        "socket_timeout": settings.redis_timeout if read_timeout else None,
        "socket_connect_timeout": settings.redis_timeout,
        "retry": Retry(NoBackoff(), 0),
        "retry_on_timeout": False,
        "health_check_interval": 30,
        "max_connections": 200,
    }


def _fast(client: Redis, url: str) -> Redis:
    # after from_url: for unix:// URLs it picks the connection class itself
    client.connection_pool.connection_class = (
        FastUnixConnection if url.startswith("unix:") else FastConnection)
    return client


def make_redis(url: str, settings: Settings, read_timeout: bool = True) -> Redis:
    """The application's client: str values, no retries, short timeouts. Without
    `read_timeout` the caller bounds each call itself (one timer per batch, not per read)."""
    return _fast(Redis.from_url(url, decode_responses=True,
                                **_options(url, settings, read_timeout)), url)


def make_arq(url: str, settings: Settings) -> ArqRedis:
    """arq's client (bytes values) for enqueueing jobs; no ping, so start-up never blocks."""
    # ArqRedis inherits from_url, which redis-py annotates as returning a plain Redis
    return cast(ArqRedis, _fast(ArqRedis.from_url(url, **_options(url, settings)), url))
