"""Tortoise start-up and shutdown, and the migrations runner."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate as tortoise_migrate

from config.settings import Settings
from config.tortoise import MIGRATION_STATEMENT_TIMEOUT, tortoise_config

log = logging.getLogger(__name__)


def _ensure_sqlite_dir(settings: Settings) -> None:
    url = settings.db_url
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[TortoiseContext]:
    """Initialise tortoise for this process. Its context is published as the global fallback
    because aiohttp serves requests (and arq runs jobs) in tasks that do not inherit the
    start-up task's context."""
    _ensure_sqlite_dir(settings)
    ctx = TortoiseContext()
    with ctx:  # current only while initialising; afterwards reached through the fallback
        await ctx.init(config=tortoise_config(settings), _enable_global_fallback=True)
    try:
        yield ctx
    finally:
        await ctx.close_connections()


async def run_migrations(settings: Settings, echo: bool = True) -> None:
    """Apply every pending migration (tortoise-orm's built-in migrations)."""
    _ensure_sqlite_dir(settings)

    def progress(event: str, app_label: str, name: str) -> None:
        if echo and event == "apply_done":
            print(f"  applied {app_label}.{name}")

    async with TortoiseContext():
        await tortoise_migrate(config=tortoise_config(settings, MIGRATION_STATEMENT_TIMEOUT),
                               progress=progress)
        from tortoise import Tortoise

        await Tortoise.close_connections()
