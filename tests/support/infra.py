"""The databases and Redis of a test run: the real migrations run once per run into a
template (a SQLite file, or the given PostgreSQL database), and every pytest-xdist worker
copies it (a file copy, or `CREATE DATABASE … TEMPLATE`) and uses a Redis database of its
own. The fast tier (`make check`) may keep the SQLite template between runs (TEMPLATES)."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from config.db.database import run_migrations
from config.embedded_redis import start_server, stop_server, wait_ready
from tests.support.settings import make_settings

ROOT = Path(__file__).resolve().parents[2]
# EXPERTBOT_TEST_TEMPLATES=<folder> (`make check`): keep the SQLite template migrated from
# scratch there, named by what made it, and copy it while nothing that made it has changed
TEMPLATES = os.environ.get("EXPERTBOT_TEST_TEMPLATES", "")


def _schema_key() -> str:
    """What a migrated database is made of: the models, their migrations, the config that
    runs them and the ORM's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("tortoise-orm").encode())
    sources = sorted((ROOT / "models").rglob("*.py"))
    for path in [*sources, *(ROOT / "config" / "db" / name for name in (
            "database.py", "tortoise.py", "migration_states.py"))]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _migrate_sqlite(template: Path, infra: dict[str, str]) -> None:
    """The real migrations into `template`, or a copy of the same made by an earlier run."""
    kept = Path(TEMPLATES) / f"sqlite-{_schema_key()}.sqlite3" if TEMPLATES else None
    if kept is not None and kept.exists():
        shutil.copyfile(kept, template)
        return
    asyncio.run(run_migrations(make_settings(infra), echo=False))
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        for old in kept.parent.glob("sqlite-*.sqlite3"):  # made by a schema that has changed
            old.unlink(missing_ok=True)
        shutil.copyfile(template, kept.with_suffix(".part"))
        os.replace(kept.with_suffix(".part"), kept)


def _pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def worker_index() -> int:
    """0 without pytest-xdist, else the index of this worker (gw0, gw1, …)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)


def _migrate_postgres(url: str, infra: dict[str, str]) -> None:
    """Empty the given database and migrate it: the template every worker copies. A database
    an earlier run migrated from the same schema (its comment names the schema key, written
    once the migrations succeeded; tests write only to the workers' copies) is kept: the
    migrations from scratch take ~20 s of every PostgreSQL run."""
    import asyncpg

    key = f"expertbot test template {_schema_key()}"

    async def run() -> None:
        conn = await asyncpg.connect(_pg(url), timeout=5)
        try:
            name = await conn.fetchval("SELECT current_database()")
            said = await conn.fetchval("SELECT shobj_description(oid, 'pg_database') FROM "
                                       "pg_database WHERE datname = $1", name)
            if said == key:
                return
            await conn.execute(f'COMMENT ON DATABASE "{name}" IS NULL')
            # a test database: end whatever else is connected (a run cut off earlier) so the
            # drop cannot wait on its locks
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                               " WHERE datname = current_database() AND pid <> pg_backend_pid()")
            await conn.execute("SET lock_timeout = '10s'")
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
        await run_migrations(make_settings(infra), echo=False)
        conn = await asyncpg.connect(_pg(url), timeout=5)
        try:
            await conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{key}'")
        finally:
            await conn.close()

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
            # a test's commit need not wait for the disk (a crash loses only a test run's
            # rows); one run on this machine went from 245 s to 215 s with it, within the
            # runs' spread, so it is kept as cheap rather than as proven
            await conn.execute(f'ALTER DATABASE "{own}" SET synchronous_commit = off')
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


def _migrate_template(shared: Path, redis_url: str) -> None:
    """The run's template, migrated once (whoever comes first, under the run's lock)."""
    given = os.environ.get("DATABASE_URL", "")
    template = given or f"sqlite://{shared / 'template.sqlite3'}"
    infra = {"DATABASE_URL": template, "REDIS_URL": redis_url, "VAR": str(shared / "var")}
    with _run_lock(shared):
        if not (shared / "migrated").exists():
            if given:
                _migrate_postgres(given, infra)
            else:
                _migrate_sqlite(shared / "template.sqlite3", infra)
            (shared / "migrated").touch()


def migrate_beside(shared: Path) -> subprocess.Popen[bytes]:
    """Under pytest-xdist, the controller migrates the template in a process of its own
    while the workers start and run the tests that need no database (tests/conftest.py
    puts them first); a worker waits for it only at its first test that does."""
    (shared / "migrating").touch()
    with open(shared / "migrate.log", "wb") as log:  # the child keeps its own copy
        return subprocess.Popen([sys.executable, "-m", "tests.support.infra", str(shared)],
                                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


MIGRATION_WAIT = 300  # s: a migration from scratch takes about 15 (a stuck one fails the run)


def _wait_for_template(shared: Path) -> None:
    """Wait for the controller's migration (migrate_beside), failing with its output."""
    deadline = time.monotonic() + MIGRATION_WAIT
    while not (shared / "migrated").exists():
        if (shared / "migrate.failed").exists() or time.monotonic() > deadline:
            raise RuntimeError("migrating the test template failed:\n"
                               + (shared / "migrate.log").read_text(errors="replace"))
        time.sleep(0.1)


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
        if (shared / "migrating").exists():
            _wait_for_template(shared)
        else:
            _migrate_template(shared, redis_url)
        with _run_lock(shared):
            if given:
                infra["DATABASE_URL"] = _copy_postgres(given, worker)
            else:
                shutil.copyfile(shared / "template.sqlite3", own / "test.sqlite3")
                infra["DATABASE_URL"] = f"sqlite://{own / 'test.sqlite3'}?synchronous=OFF"
                # the run's own migration from scratch, for tests that read a fresh database
                infra["SQLITE_TEMPLATE"] = str(shared / "template.sqlite3")
        yield infra
    finally:
        stop_server(proc)


if __name__ == "__main__":  # migrate_beside's process: python -m tests.support.infra <shared>
    _shared = Path(sys.argv[1])
    try:
        _migrate_template(_shared, "redis://127.0.0.1:1/0")  # migrations never reach Redis
    except BaseException:
        (_shared / "migrate.failed").touch()
        raise
