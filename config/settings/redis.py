"""Redis through Sentinel, read from the environment beside REDIS_URL (config/settings/core.py).

REDIS_SENTINELS: the sentinels, `host:port` comma-separated (`[::1]:26379` for IPv6); empty
(the default) connects to REDIS_URL's address as before. When set, the sentinels name the
master of REDIS_SENTINEL_SERVICE (default `mymaster`, the name in their `sentinel monitor`
line) and every client of the service (the app's, the conversation store's, arq's) asks
them again after a connection to the master fails, so a failover needs no restart.
REDIS_URL then gives only the database number and the master's password (its host is not
used: `redis://:password@mymaster/0` reads well); REDIS_SENTINEL_PASSWORD is the sentinels'
own `requirepass`, if they have one."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.redis_client import RedisTarget
from config.settings import SettingsError


class RedisSentinelSettings(BaseSettings):
    """Redis through Sentinel, beside `REDIS_URL`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    sentinels: str = Field(
        "", validation_alias="REDIS_SENTINELS",
        description="Redis through Sentinel: the sentinels, `host:port` comma-separated "
                    "(`[::1]:26379` for IPv6); they name the master, and every process finds "
                    "the new one after a failover by itself. `REDIS_URL` then gives only the "
                    "database number and the master's password: its host is not used "
                    "(`redis://:password@mymaster/0`). Empty: `REDIS_URL`'s server")
    service: str = Field(
        "mymaster", min_length=1, validation_alias="REDIS_SENTINEL_SERVICE",
        description="the master's name in the sentinels' `sentinel monitor` line")
    password: str = Field(
        "", validation_alias="REDIS_SENTINEL_PASSWORD",
        description="the sentinels' own `requirepass`, if they have one")

    def addresses(self) -> tuple[tuple[str, int], ...]:
        """REDIS_SENTINELS as (host, port) pairs; a SettingsError naming a bad entry."""
        return tuple(parse_address(entry) for entry in self.sentinels.split(",")
                     if entry.strip())

    def target(self, url: str) -> RedisTarget:
        """Where the clients connect: REDIS_URL's server, or the master the sentinels name."""
        return RedisTarget(url=url, sentinels=self.addresses(), service=self.service,
                           sentinel_password=self.password)


def parse_address(entry: str) -> tuple[str, int]:
    """`host:port` or `[v6 address]:port` -> (host, port); raises SettingsError."""
    host, sep, port = entry.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"REDIS_SENTINELS: {entry.strip()!r} is not host:port")
    return host, int(port)


def redis_target(url: str) -> RedisTarget:
    """The Redis target of this environment: `url` (REDIS_URL, or the embedded server's)
    alone, or through the sentinels REDIS_SENTINELS names."""
    return RedisSentinelSettings().target(url)
