"""Reads that can lag: the connection they use, the read replica (DATABASE_REPLICA_URL) while
it answers and is close enough behind the primary, else the primary.

Only reads that no decision depends on come here, each passing `await reads.db()` as its
`using_db`: the administrator's statistics (the batches' overview), the long lists and their
exports (the register, a batch's applications) and the audit trail's verification. Never a
draw, an answer, a payment, a sign-in, anything inside a transaction or anything a write is
made from: those keep the default connection (the primary), as tortoise gives it them.

How far behind is measured on the primary's clock: the replica is fit when it has replayed
everything the primary had written a moment before (its replay LSN at least the primary's
WAL insert position: the write position would miss commits still in the WAL buffers when
synchronous_commit is off), or when the last transaction it replayed committed at most
`max_lag` seconds ago (what it has not replayed yet committed after that one, so it misses
at most that much time). A replica that does not answer within `timeout`, is no longer a
standby (promoted), or is further behind, is skipped. The verdict is kept `check_every`
seconds per process, so a busy export page costs the check once, not on every read."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection

from services.common.metrics import LAGGING_READS, REPLICA_BEHIND, REPLICA_USABLE

log = logging.getLogger(__name__)

PRIMARY = "default"  # tortoise's connection name of the primary (config/db/tortoise.py)
REPLICA = "replica"  # the replica's connection's name (config/db/database.py)

_PRIMARY_NOW = "SELECT pg_current_wal_insert_lsn()::text AS lsn, clock_timestamp() AS now"
_REPLICA_STATE = (
    "SELECT pg_is_in_recovery() AS standby,"
    " coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false) AS caught_up,"
    " extract(epoch FROM $2::timestamptz - pg_last_xact_replay_timestamp())::float8 AS behind")


@dataclass(frozen=True)
class ReplicaState:
    """One check's verdict: whether the replica is fit, and why not."""

    usable: bool
    why: str = ""  # "" when usable
    behind: float | None = None  # seconds since the last replayed commit, when known


@dataclass
class LaggingReads:
    """The connection of reads that can lag; without a `replica` (no DATABASE_REPLICA_URL)
    the primary, without a check."""

    replica: BaseDBAsyncClient | None = None
    max_lag: float = 30.0
    check_every: float = 5.0
    timeout: float = 1.0
    clock: Callable[[], float] = time.monotonic
    primary: BaseDBAsyncClient | None = None  # measured against; None: tortoise's default

    @property
    def configured(self) -> bool:
        return self.replica is not None

    def __post_init__(self) -> None:
        self._state = ReplicaState(False, "not checked yet")
        self._checked_at: float | None = None
        self._lock = asyncio.Lock()
        self.served: dict[str, int] = {PRIMARY: 0, REPLICA: 0}  # reads handed out, per name

    async def db(self) -> BaseDBAsyncClient:
        """The connection for one read that can lag: the replica while it is fit, else the
        primary (inside a transaction always the transaction's own connection)."""
        primary = get_connection(PRIMARY)
        if self.replica is None or isinstance(primary, TransactionalDBClient):
            return self._hand(PRIMARY, primary)
        state = await self.state()
        return self._hand(REPLICA, self.replica) if state.usable \
            else self._hand(PRIMARY, primary)

    def _hand(self, name: str, conn: BaseDBAsyncClient) -> BaseDBAsyncClient:
        self.served[name] += 1
        LAGGING_READS.labels("replica" if name == REPLICA else "primary").inc()
        return conn

    async def state(self) -> ReplicaState:
        """The replica's verdict, checked again when older than `check_every` seconds."""
        if self._fresh():
            return self._state
        async with self._lock:  # one check at a time; the waiters take its verdict
            if not self._fresh():
                state = await self.check()
                if state.usable != self._state.usable or self._checked_at is None:
                    if state.usable:
                        log.info("read replica in use (%.1f s behind at most)",
                                 state.behind or 0.0)
                    else:
                        log.warning("read replica skipped, reads go to the primary: %s",
                                    state.why)
                self._state, self._checked_at = state, self.clock()
                REPLICA_USABLE.set(1 if state.usable else 0)
                if state.behind is not None:
                    REPLICA_BEHIND.set(state.behind)
        return self._state

    def forget(self) -> None:
        """Drop the kept verdict: the next read checks the replica again."""
        self._checked_at = None

    def _fresh(self) -> bool:
        return self._checked_at is not None and \
            self.clock() - self._checked_at < self.check_every

    async def check(self) -> ReplicaState:
        """Measure now how far the replica is behind the primary."""
        try:
            return await asyncio.wait_for(self._measure(), self.timeout)
        except TimeoutError:
            return ReplicaState(False, f"no answer within {self.timeout:g} s")
        except Exception as exc:  # down, refusing, misconfigured: all mean "not now"
            return ReplicaState(False, f"{type(exc).__name__}: {exc}")

    async def _measure(self) -> ReplicaState:
        primary: dict[str, Any] = (await (self.primary or get_connection(PRIMARY))
                                   .execute_query_dict(_PRIMARY_NOW))[0]
        assert self.replica is not None
        row = (await self.replica.execute_query_dict(
            _REPLICA_STATE, [primary["lsn"], primary["now"]]))[0]
        behind = row["behind"]
        if not row["standby"]:
            return ReplicaState(False, "it is not a standby (promoted, or a primary)")
        if row["caught_up"]:
            return ReplicaState(True, behind=0.0)
        if behind is not None and behind <= self.max_lag:
            return ReplicaState(True, behind=behind)
        return ReplicaState(False, "behind by more than {:g} s ({})".format(
            self.max_lag, "nothing replayed yet" if behind is None else f"{behind:.1f} s"),
            behind)
