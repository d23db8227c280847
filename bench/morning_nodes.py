"""What the morning's run checks of docs/running.md's several nodes: Redis through Sentinel (a
master, its replica and three sentinels on loopback, the test suite's own cluster,
`--sentinel`), and the statements PostgreSQL ran, counted by `pg_stat_statements` when the
server loads it (`shared_preload_libraries`; without it the run says so and counts
commits only)."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.support.sentinel_cluster import SERVICE, SentinelCluster, redis_server

# what each call of the top statements is shown by (enough to recognise it)
SHOWN = 90


@contextlib.contextmanager
def sentinel_redis(url: str) -> Iterator[dict[str, str]]:
    """A master, a replica and three sentinels for the run; yields the service's settings
    (REDIS_SENTINELS and a REDIS_URL naming the master by its service name, with `url`'s
    database), and stops them all at the end."""
    db = urlsplit(url).path.strip("/") or "0"
    binary = redis_server()
    if binary is None:
        raise SystemExit("--sentinel needs redis-server (the redis-server package)")
    with tempfile.TemporaryDirectory(prefix="morning-sentinel-") as base:
        cluster = SentinelCluster(Path(base), binary)
        try:
            cluster.start()
            asyncio.run(cluster.wait_ready())
            yield {"REDIS_SENTINELS": cluster.setting, "REDIS_SENTINEL_SERVICE": SERVICE,
                   "REDIS_URL": f"redis://{SERVICE}/{db}"}
        finally:
            cluster.stop()


DRIVER = "bench_driver"  # the driver's own role: its reads are not the service's statements


def driver_url(url: str) -> str:
    """The benchmark database's URL for the driver's own connections (asyncpg's scheme)."""
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{DRIVER}@{host}"))


async def statements_ready(url: str) -> bool:
    """Makes the driver's read-only role (trust authentication, as the benchmarks' server
    has; PostgreSQL 14 or later) and
    tells whether `pg_stat_statements` counts here (the server loads the library; the
    extension is created in the database); its counts are reset for the run when it does."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", DRIVER):
            await conn.execute(f"CREATE ROLE {DRIVER} LOGIN")
        # it only reads (the tables, the sessions, the statements' texts)
        await conn.execute(f"ALTER ROLE {DRIVER} NOSUPERUSER")
        await conn.execute(f"GRANT pg_read_all_data, pg_read_all_stats TO {DRIVER}")
        loaded = await conn.fetchval(
            "SELECT 'pg_stat_statements' = ANY(string_to_array(current_setting("
            "'shared_preload_libraries'), ', '))")
        if loaded:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            await conn.execute("SELECT pg_stat_statements_reset()")
        return bool(loaded)
    finally:
        await conn.close()


async def statements_run(conn: Any, top: int = 8) -> tuple[int, list[tuple[int, str]]]:
    """The statements the service ran in this database since the reset (the driver's own
    role left out), and the most frequent ones."""
    rows = await conn.fetch(
        "SELECT s.calls, s.query FROM pg_stat_statements s JOIN pg_database d "
        "ON d.oid = s.dbid WHERE d.datname = current_database() AND s.userid <> "
        "(SELECT oid FROM pg_roles WHERE rolname = $1) ORDER BY s.calls DESC", DRIVER)
    total = sum(r["calls"] for r in rows)
    return total, [(r["calls"], " ".join(r["query"].split())[:SHOWN]) for r in rows[:top]]


class Counted:
    """The driver's own connection (or pool), counting its statements: each is a
    transaction of its own, counted in the database's commits with the service's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.statements = 0

    async def fetch(self, *args: Any) -> Any:
        self.statements += 1
        return await self.inner.fetch(*args)

    async def fetchval(self, *args: Any) -> Any:
        self.statements += 1
        return await self.inner.fetchval(*args)

    async def fetchrow(self, *args: Any) -> Any:
        self.statements += 1
        return await self.inner.fetchrow(*args)

    async def execute(self, *args: Any) -> Any:
        self.statements += 1
        return await self.inner.execute(*args)

    async def close(self) -> None:
        await self.inner.close()
