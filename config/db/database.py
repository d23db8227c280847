"""Tortoise start-up and shutdown, and the migrations runner."""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import AsyncIterator

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate as tortoise_migrate

from config.db.migration_states import lazy_migration_states
from config.db.tortoise import MIGRATION_STATEMENT_TIMEOUT, connection_config, tortoise_config
from config.db.tortoise_mends import mend_transactions
from config.settings import Settings, make_vault
from config.settings.replica import replica_settings
from services.common.runtime.replica import REPLICA

log = logging.getLogger(__name__)


def _prepare(settings: Settings) -> None:
    url = settings.db_url
    mend_transactions()
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[TortoiseContext]:
    """Initialise tortoise for this process. Its context is published as the global fallback
    because aiohttp serves requests (and arq runs jobs) in tasks that do not inherit the
    start-up task's context. The settings' keys are installed as the models' sealer (sealed
    phones and seeds read through it), whatever the command."""
    _prepare(settings)
    if settings.id_encryption_key:
        make_vault(settings)
    ctx = TortoiseContext()
    with ctx:  # current only while initialising; afterwards reached through the fallback
        await ctx.init(config=tortoise_config(settings), _enable_global_fallback=True)
    try:
        yield ctx
    finally:
        await ctx.close_connections()


def open_client(settings: Settings, url: str, name: str) -> BaseDBAsyncClient:
    """A tortoise client of its own for `url` (not in tortoise's config), with the settings'
    timeouts and pool; its pool opens at its first statement."""
    info = connection_config(settings, url=url)
    engine = importlib.import_module(info["engine"])
    client: BaseDBAsyncClient = engine.client_class(**info["credentials"],
                                                    connection_name=name)
    return client


@contextlib.asynccontextmanager
async def replica_database(settings: Settings) -> AsyncIterator[BaseDBAsyncClient | None]:
    """The read replica's connection (DATABASE_REPLICA_URL), or None when unset: a tortoise
    client of its own, passed as `using_db` by the reads that can lag. It is not in
    tortoise's config, where a second connection would make every `in_transaction()`
    without a connection name refuse to choose; its pool opens at the first read, so a
    replica down at start-up does not stop the process."""
    url = replica_settings(settings.db_url).url
    if not url:
        yield None
        return
    client = open_client(settings, url, REPLICA)
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):  # a replica gone is no reason to fail a stop
            await client.close()


async def run_migrations(settings: Settings, echo: bool = True) -> None:
    """Apply every pending migration (tortoise-orm's built-in migrations)."""
    _prepare(settings)
    lazy_migration_states()

    def progress(event: str, app_label: str, name: str) -> None:
        if echo and event == "apply_done":
            print(f"  applied {app_label}.{name}")

    async with TortoiseContext():
        await tortoise_migrate(config=tortoise_config(settings, MIGRATION_STATEMENT_TIMEOUT),
                               progress=progress)
        from tortoise import Tortoise

        await Tortoise.close_connections()
