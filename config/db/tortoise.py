"""The tortoise-orm configuration dict, built from settings (never at import).

On SQLite a time is text, compared as text: every aware time is written in UTC (tortoise's
own adapter writes it with whatever offset it came in, so a time the agency's page sent as
+08:00 compared wrongly with the UTC ones beside it)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import tortoise.backends.sqlite.executor  # noqa: F401  (registers the adapters replaced below)
from tortoise.backends.base.config_generator import expand_db_url

from config.settings import Settings


def _utc_text(value: datetime) -> str:
    return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat(" ")


sqlite3.register_adapter(datetime, _utc_text)

MODEL_MODULES = [
    "models.wechat",
    "models.people",
    "models.notifications",
    "models.applications",
    "models.experts",
    "models.learning.exams",
    "models.learning.education",
    "models.money.payments",
    "models.draws",
    "models.money.reconciliation",
    "models.reference",
    "models.audit",
    "models.calls",
    "models.desk_auth",
    "models.fees",
    "models.sanctions",
    "models.performance",
    "models.dishonesty",
    "models.money.payouts",
    "models.learning.training",
    "models.venues",
    "models.federated_draws",
    "models.draw_handler",
    "models.draw_evidence",
    "models.help",
    "models.evaluation.systems",
    "models.evaluation.scores",
]


async def _reset_connection(conn: Any) -> None:
    """asyncpg's default pool reset runs `SELECT pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL` on every release: one more round trip per query. We use none of
    those session features, so only a transaction left open is rolled back."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


MIGRATION_STATEMENT_TIMEOUT = 600.0  # an ALTER on a big table may legitimately take minutes
SQLITE_BUSY = 5.0  # seconds a SQLite writer waits for another process's write to end


def connection_config(settings: Settings, statement_timeout: float | None = None,
                      url: str = "") -> dict[str, Any]:
    """The default connection (or the read replica's, at `url`) with explicit short timeouts
    (asyncpg waits 60 s by default)."""
    conn = expand_db_url(url or settings.db_url)
    creds = conn["credentials"]
    if conn["engine"] == "tortoise.backends.asyncpg":
        creds.setdefault("timeout", settings.db_timeout)  # connect timeout
        creds.setdefault("command_timeout", statement_timeout or settings.db_statement_timeout)
        creds.setdefault("minsize", 1)
        creds.setdefault("maxsize", settings.db_pool_max)
        creds.setdefault("reset", _reset_connection)
    elif conn["engine"] == "tortoise.backends.sqlite":
        # SQLite takes one writer at a time across every process on the file (serve, worker,
        # an operator's command): a writer waits its turn rather than failing; a local file
        # is never "down", which is what the short timeouts guard against
        creds.setdefault("busy_timeout", int(max(settings.db_timeout, SQLITE_BUSY) * 1000))
    return conn


def tortoise_config(settings: Settings, statement_timeout: float | None = None
                    ) -> dict[str, Any]:
    """Tortoise config with the single `models` app and its built-in migrations."""
    return {
        "connections": {"default": connection_config(settings, statement_timeout)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }

