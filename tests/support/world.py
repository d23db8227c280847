"""The world a test starts from: an empty database and Redis, or the demo world.

Emptying touches only the tables that hold a row (one statement finds them), and the demo
world is loaded for real once per worker (`expertbot demo`'s own code) and then copied back
from a snapshot beside the tables: a schema of its own on PostgreSQL, an attached file on
SQLite."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from redis.exceptions import TimeoutError as RedisTimeout
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import get_current_context
from tortoise.fields import IntField
from tortoise.models import Model

from bot.relay.channels import CHANNELS
from models.people import Person
from services.demo import DEMO_PEOPLE, DemoPerson, load_demo
from services.reference.snapshots import forget
from tests.support.helpers import redis_of
from tests.support.leaks import KNOWN_IDS, KNOWN_PHONES
from tests.support.settings import TEST_VAULT
from web.context import DOMAIN

SNAPSHOT = "demo_world"
# per database (this worker's): the tables the demo world fills, parents first
_SNAPSHOTS: dict[str, list[str]] = {}


def _models() -> list[type[Model]]:
    ctx = get_current_context()
    assert ctx is not None and ctx.apps is not None
    return list(ctx.apps.get_models_iterable())


def _parents_first(models: list[type[Model]]) -> list[type[Model]]:
    """The models ordered so that a row's foreign keys point at rows already there."""
    ordered: list[type[Model]] = []
    seen: set[type[Model]] = set()

    def visit(model: type[Model]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name in (*model._meta.fk_fields, *model._meta.o2o_fields):
            parent = model._meta.fields_map[name].related_model  # type: ignore[attr-defined]
            if parent is not model:
                visit(parent)
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def _serial(models: list[type[Model]]) -> dict[str, str]:
    """The tables whose ids a sequence gives, with their id column."""
    return {m._meta.db_table: m._meta.db_pk_column for m in models
            if isinstance(m._meta.pk, IntField) and m._meta.pk.generated}


def _postgres(conn: BaseDBAsyncClient) -> bool:
    return bool(conn.capabilities.dialect == "postgres")


async def _holding_rows(conn: BaseDBAsyncClient, tables: list[str]) -> list[str]:
    """Which of `tables` hold a row, in one statement."""
    query = " UNION ALL ".join(f"SELECT '{t}' AS t WHERE EXISTS (SELECT 1 FROM \"{t}\")"
                               for t in tables)
    return [row["t"] for row in await conn.execute_query_dict(query)]


async def reset_state(app: web.Application) -> None:
    """Empty every table that holds a row (but the migrations record) and the Redis
    database."""
    # the app's client has the service's short timeout (REDIS_TIMEOUT): on a loaded machine
    # the test's own housekeeping may wait longer than a user's request would
    for attempt in range(3):
        try:
            await redis_of(app).flushdb()
            break
        except RedisTimeout:
            if attempt == 2:
                raise
    conn = connections.get("default")
    models = _parents_first(_models())
    dirty = await _holding_rows(conn, [m._meta.db_table for m in models])
    if dirty and _postgres(conn):
        # DELETE, children first, and the ids from 1 again: for the few rows a test makes,
        # ten times quicker than TRUNCATE (which makes each table's files anew); one
        # transaction, not bound by the web process's short DB_STATEMENT_TIMEOUT
        serial = _serial(models)
        async with conn.acquire_connection() as raw:
            await raw.execute(
                "".join(f'DELETE FROM public."{t}";' for t in reversed(dirty))
                + "".join(f"SELECT setval(pg_get_serial_sequence('public.\"{t}\"',"
                          f" '{serial[t]}'), 1, false);" for t in dirty if t in serial),
                timeout=60)
    elif dirty:  # foreign keys are checked per statement: switch them off while emptying
        await conn.execute_script("PRAGMA foreign_keys = OFF;"
                                  + "".join(f'DELETE FROM "{t}";' for t in dirty)
                                  + "PRAGMA foreign_keys = ON;")
    forget()  # the reference data the process read from the tables just emptied
    if (channels := app.get(CHANNELS)) is not None:  # the receipts read from that Redis
        channels.relay.receipts.inbox.let_go()


def _snapshot_file(app: web.Application) -> Path:
    return Path(app[DOMAIN].files.root).parent / f"{SNAPSHOT}.sqlite3"  # type: ignore[attr-defined]


async def _take_snapshot(app: web.Application, conn: BaseDBAsyncClient) -> list[str]:
    models = _parents_first(_models())
    tables = await _holding_rows(conn, [m._meta.db_table for m in models])
    order = [m._meta.db_table for m in models if m._meta.db_table in tables]
    if _postgres(conn):
        await conn.execute_script(
            f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE; CREATE SCHEMA {SNAPSHOT};"
            + "".join(f'CREATE TABLE {SNAPSHOT}."{t}" AS SELECT * FROM public."{t}";'
                      for t in order))
    else:
        path = _snapshot_file(app)
        path.unlink(missing_ok=True)
        await conn.execute_script(
            f"ATTACH DATABASE '{path}' AS {SNAPSHOT};"
            + "".join(f'CREATE TABLE {SNAPSHOT}."{t}" AS SELECT * FROM main."{t}";'
                      for t in order)
            + f"DETACH DATABASE {SNAPSHOT};")
    return order


async def _restore_snapshot(app: web.Application, conn: BaseDBAsyncClient,
                            order: list[str]) -> None:
    if _postgres(conn):
        serial = _serial(_models())
        # one implicit transaction; what the app's own worker wrote meanwhile (its cron
        # makes the audit chain's head) gives way to the snapshot's rows
        await conn.execute_script(
            "".join(f'DELETE FROM public."{t}";' for t in reversed(order))
            + "".join(f'INSERT INTO public."{t}" SELECT * FROM {SNAPSHOT}."{t}";' for t in order)
            # the rows came with their ids: the sequences go on after them
            + "".join(f"SELECT setval(pg_get_serial_sequence('public.\"{t}\"', '{serial[t]}'),"
                      f' (SELECT max("{serial[t]}") FROM public."{t}"));'
                      for t in order if t in serial))
    else:
        await conn.execute_script(
            f"ATTACH DATABASE '{_snapshot_file(app)}' AS {SNAPSHOT};"
            "PRAGMA foreign_keys = OFF;"
            + "".join(f'DELETE FROM main."{t}";' for t in order)
            + "".join(f'INSERT INTO main."{t}" SELECT * FROM {SNAPSHOT}."{t}";' for t in order)
            + f"PRAGMA foreign_keys = ON; DETACH DATABASE {SNAPSHOT};")
    # what the leak check knows of people it saw created (tests/support/leaks.py): these
    # rows were copied, not saved
    for person in await Person.all():
        KNOWN_PHONES.add(person.phone)
        KNOWN_IDS.add(TEST_VAULT.decrypt(person.id_number_enc))


async def demo_world(app: web.Application) -> dict[str, DemoPerson]:
    """The documented demo data set, as `expertbot demo` loads it, in an emptied database:
    loaded the first time on this worker's database, copied from its snapshot after."""
    conn = connections.get("default")
    database = getattr(conn, "filename", None) or getattr(conn, "database", None)
    key = f"{database}|{app[DOMAIN].files.root}"  # type: ignore[attr-defined]
    order = _SNAPSHOTS.get(key)
    if order is None:
        # without the example fee standard: a test publishes the one its fees need
        await load_demo(app[DOMAIN].people, app[DOMAIN].files, fee_standard=False)
        _SNAPSHOTS[key] = await _take_snapshot(app, conn)
    else:
        await _restore_snapshot(app, conn, order)
    return {d.key: d for d in DEMO_PEOPLE}
