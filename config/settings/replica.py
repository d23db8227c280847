"""A read replica for reads that can lag, read from the environment beside DATABASE_URL.

DATABASE_REPLICA_URL: a streaming standby of DATABASE_URL's PostgreSQL (`postgres://…`);
empty (the default) sends every read to the primary. When set, the reads listed in
services/common/runtime/replica.py (statistics, exports, the audit trail's verification, the
register's listing) go to it while it answers and is at most DATABASE_REPLICA_MAX_LAG
seconds behind the primary (default 30); its lag is measured at most every
DATABASE_REPLICA_CHECK_EVERY seconds per process (default 5), and a replica that is down,
behind, or no longer a standby is skipped until a later check finds it fit again."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from tortoise.backends.base.client import BaseDBAsyncClient

from config.settings import Settings, SettingsError
from services.common.runtime.replica import LaggingReads


class DatabaseReplicaSettings(BaseSettings):
    """A read replica for the reads that can lag, beside `DATABASE_URL`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    url: str = Field(
        "", validation_alias="DATABASE_REPLICA_URL",
        description="a streaming standby of `DATABASE_URL`'s PostgreSQL, e.g. "
                    "`postgres://user:pw@replica:5432/expertbot`: the administrator's "
                    "statistics, the register's and a batch's long lists and their Excel "
                    "exports, and the audit trail's verification read it while it is fit "
                    "(`services/common/runtime/replica.py`); never a draw, an answer, a payment, a "
                    "sign-in or anything a write is made from. Empty: every read on the "
                    "primary")
    max_lag: float = Field(
        30.0, ge=0, validation_alias="DATABASE_REPLICA_MAX_LAG",
        description="seconds a replica may be behind the primary and still be read; further "
                    "behind, down, or promoted, it is skipped and those reads go to the "
                    "primary until a later check finds it fit")
    check_every: float = Field(
        5.0, ge=0, validation_alias="DATABASE_REPLICA_CHECK_EVERY",
        description="seconds a process keeps its verdict on the replica's lag before "
                    "measuring again")

    def checked_against(self, primary_url: str) -> DatabaseReplicaSettings:
        """Itself, or a SettingsError when a replica is set beside a primary that is not
        PostgreSQL (a replica of SQLite does not exist)."""
        postgres = ("postgres://", "postgresql://")
        if self.url and not (self.url.startswith(postgres) and primary_url.startswith(postgres)):
            raise SettingsError("DATABASE_REPLICA_URL needs PostgreSQL for it and DATABASE_URL")
        return self


def replica_settings(primary_url: str) -> DatabaseReplicaSettings:
    """This environment's replica settings, checked against the primary's URL."""
    return DatabaseReplicaSettings().checked_against(primary_url)


def lagging_reads(settings: Settings, replica: BaseDBAsyncClient | None) -> LaggingReads:
    """The connection chooser of reads that can lag, over the replica's connection
    (config/db/database.py replica_database; None: every read on the primary)."""
    limits = replica_settings(settings.db_url)
    return LaggingReads(replica=replica, max_lag=limits.max_lag,
                        check_every=limits.check_every, timeout=settings.db_timeout)
