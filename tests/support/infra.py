"""The databases and Redis of a test run: the real migrations run once per run into a
template (a SQLite file, or the given PostgreSQL database), and every pytest-xdist worker
copies it (a file copy, or `CREATE DATABASE … TEMPLATE`) and uses a Redis database of its
own."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from config.database import run_migrations
from config.embedded_redis import start_server, stop_server, wait_ready
from tests.support.settings import make_settings


def _pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def worker_index() -> int:
    """0 without pytest-xdist, else the index of this worker (gw0, gw1, …)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)


def _migrate_postgres(url: str, infra: dict[str, str]) -> None:
    """Empty the given database and migrate it: the template every worker copies."""
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(_pg(url), timeout=5)
        try:
            # a test database: end whatever else is connected (a run cut off earlier) so the
            # drop cannot wait on its locks
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                               " WHERE datname = current_database() AND pid <> pg_backend_pid()")
            await conn.execute("SET lock_timeout = '10s'")
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
        await run_migrations(make_settings(infra), echo=False)

    asyncio.run(run())


def _copy_postgres(template_url: str, worker: int) -> str:
    """A database of this worker's own beside the template (`test` → `test_w1`), made anew
    from it: tests empty their tables at will."""
    import asyncpg

    base, _, name = template_url.rpartition("/")
    own = f"{name}_w{worker}"

    async def run() -> None:
        # through the maintenance database: nobody may be connected to the template
        conn = await asyncpg.connect(_pg(f"{base}/postgres"), timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{own}" TEMPLATE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())
    return f"{base}/{own}"


def _own_redis_db(url: str, worker: int) -> str:
    """Under pytest-xdist worker N uses Redis database (given + N): tests flush theirs."""
    if worker == 0:
        return url
    base, _, db = url.rpartition("/")
    if not db.isdigit() or base.endswith(":/"):
        base, db = url.rstrip("/"), "0"
    return f"{base}/{int(db) + worker}"


@contextlib.contextmanager
def _run_lock(shared: Path) -> Iterator[None]:
    """Held by one worker of the run at a time (a file lock in the run's shared folder)."""
    with open(shared / "migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def worker_infra(own: Path, shared: Path) -> Iterator[dict[str, str]]:
    """This worker's database and Redis (DATABASE_URL, REDIS_URL, VAR), in `own`; `shared`
    is the run's folder, where the first worker to come migrates the template."""
    worker = worker_index()
    proc = None
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        redis_url = _own_redis_db(redis_url, worker)
    else:
        proc, redis_url = start_server(own / "redis", persist=False)
        wait_ready(proc, redis_url)
    given = os.environ.get("DATABASE_URL", "")
    template = given or f"sqlite://{shared / 'template.sqlite3'}"
    infra = {"DATABASE_URL": template, "REDIS_URL": redis_url, "VAR": str(own / "var")}
    try:
        with _run_lock(shared):
            if not (shared / "migrated").exists():
                if given:
                    _migrate_postgres(given, infra)
                else:
                    asyncio.run(run_migrations(make_settings(infra), echo=False))
                (shared / "migrated").touch()
            if given:
                infra["DATABASE_URL"] = _copy_postgres(given, worker)
            else:
                shutil.copyfile(shared / "template.sqlite3", own / "test.sqlite3")
                infra["DATABASE_URL"] = f"sqlite://{own / 'test.sqlite3'}"
        yield infra
    finally:
        stop_server(proc)
