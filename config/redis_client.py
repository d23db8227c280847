"""Redis clients with explicit short timeouts (redis-py's defaults exceed WeChat's 5 s),
connected to REDIS_URL's server or, when sentinels are configured (config/settings/redis.py),
to the master they name, found again after a failover."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

import hiredis
from arq.connections import ArqRedis
from redis.asyncio import Redis
from redis.asyncio.connection import Connection, UnixDomainSocketConnection, parse_url
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool, SentinelManagedConnection
from redis.backoff import NoBackoff
from redis.exceptions import DataError

from config.settings import Settings

R = TypeVar("R", bound=Redis)


@dataclass(frozen=True)
class RedisTarget:
    """Where the clients connect: `url` alone, or the master of `service` that `sentinels`
    name (`url` then gives only the database number and the password)."""

    url: str
    sentinels: tuple[tuple[str, int], ...] = ()
    service: str = "mymaster"
    sentinel_password: str = ""

    @property
    def through_sentinel(self) -> bool:
        return bool(self.sentinels)


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


class FastSentinelConnection(_HiredisPacking, SentinelManagedConnection):
    """A connection to the master the sentinels name. redis-py asks the sentinels at each
    connect (so a connection broken by a dead master reconnects to the new one) and turns
    READONLY (an old master demoted to replica) into a disconnect and a ConnectionError."""


class SentinelPool(SentinelConnectionPool):
    """redis-py's sentinel pool, whose closing closes the sentinels' connections too (redis-py
    leaves them open: a warning for each at exit, sockets held by a stopped worker)."""

    def __init__(self, service_name: str, sentinel_manager: Sentinel, **kwargs: Any) -> None:
        super().__init__(service_name, sentinel_manager, **kwargs)  # type: ignore[no-untyped-call]
        # a plain reference (a cycle the collector frees) instead of redis-py's weakref.proxy,
        # which outlives the pool in its connections and raises ReferenceError at whatever
        # inspects it later (isinstance in a walk over gc.get_objects(), say)
        self.connection_kwargs["connection_pool"] = self

    async def disconnect(self, inuse_connections: bool = True) -> None:
        await super().disconnect(inuse_connections)
        if inuse_connections:  # closing, not a master that moved
            for sentinel in self.sentinel_manager.sentinels:
                await sentinel.connection_pool.disconnect()


def _options(settings: Settings, read_timeout: bool = True) -> dict[str, Any]:
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


def _through_sentinel(cls: type[R], target: RedisTarget, settings: Settings,
                      read_timeout: bool, **extra: Any) -> R:
    """A client of the master the sentinels name; each new connection asks them where it is.
    The sentinels are asked with the same short timeouts, and one that knows no other
    sentinel (cut off from them, its view may be stale) is not believed when there are
    several."""
    given = parse_url(target.url) if target.url else {}
    sentinel = Sentinel(  # type: ignore[no-untyped-call]
        list(target.sentinels), min_other_sentinels=1 if len(target.sentinels) > 1 else 0,
        sentinel_kwargs={"socket_timeout": settings.redis_timeout,
                         "socket_connect_timeout": settings.redis_timeout,
                         "retry": Retry(NoBackoff(), 0),
                         "password": target.sentinel_password or None})
    return cast(R, sentinel.master_for(
        target.service, redis_class=cls, connection_pool_class=SentinelPool,
        connection_class=FastSentinelConnection, db=given.get("db", 0),
        username=given.get("username"), password=given.get("password"),
        **_options(settings, read_timeout), **extra))


def make_redis(target: RedisTarget, settings: Settings, read_timeout: bool = True) -> Redis:
    """The application's client: str values, no retries, short timeouts. Without
    `read_timeout` the caller bounds each call itself (one timer per batch, not per read)."""
    if target.through_sentinel:
        return _through_sentinel(Redis, target, settings, read_timeout, decode_responses=True)
    return _fast(Redis.from_url(target.url, decode_responses=True,
                                **_options(settings, read_timeout)), target.url)


def make_arq(target: RedisTarget, settings: Settings) -> ArqRedis:
    """arq's client (bytes values) for enqueueing jobs, and the worker's own; no ping, so
    start-up never blocks."""
    if target.through_sentinel:
        return _through_sentinel(ArqRedis, target, settings, True)
    # ArqRedis inherits from_url, which redis-py annotates as returning a plain Redis
    return cast(ArqRedis, _fast(ArqRedis.from_url(target.url, **_options(settings)),
                                target.url))
