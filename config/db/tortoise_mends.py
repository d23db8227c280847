"""Where tortoise's transaction openings fail a task cancelled inside them (a stopping
worker cancels its running jobs; one may be opening a transaction at that moment), mended
here until tortoise does it itself (tests/process/test_faults.py); and SQLite's
transactions take the write lock when they begin. Idempotent."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


def _sqlite() -> None:
    """tortoise's SQLite transaction takes the client's lock, then awaits BEGIN (run in
    aiosqlite's thread) before its `async with` body starts: cancelled there, the lock was
    never released and every later transaction of the process waited for ever. Here the
    opening releases the lock, and ends what BEGIN may have started, when it does not
    complete.

    The transaction begins IMMEDIATE: it takes the file's write lock first, waiting its turn
    (the busy timeout) behind another process's. A plain BEGIN reads before it locks, and a
    transaction that read (the audit chain's end, a draw's row) and then writes after another
    process committed failed at once with "database is locked" in WAL mode, busy timeout or
    not (`expertbot audit-log verify` chaining the operation log beside the worker)."""
    import sqlite3

    from tortoise.backends.sqlite.client import SqliteTransactionContext
    from tortoise.connection import get_connections
    from tortoise.exceptions import TransactionManagementError

    if getattr(SqliteTransactionContext, "_expertbot_safe", False):
        return

    async def enter(self: Any) -> Any:
        await self._trxlock.acquire()
        token = None
        try:
            await self.ensure_connection()
            token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection._connection.commit()
                await self.connection._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise TransactionManagementError(exc) from exc
        except BaseException:
            with contextlib.suppress(Exception):  # no transaction began: nothing to end
                await asyncio.shield(self.connection._connection.rollback())
            if token is not None:
                get_connections().reset(token)
            self._trxlock.release()
            raise
        self.token = token
        return self.connection

    SqliteTransactionContext.__aenter__ = enter  # type: ignore[method-assign]
    SqliteTransactionContext._expertbot_safe = True  # type: ignore[attr-defined]


def _pooled() -> None:
    """tortoise's pooled transaction (PostgreSQL) takes a connection from the pool, then
    awaits BEGIN: cancelled there, the connection was never given back, the pool had one
    fewer for good, and closing the pool waited its 10 s for it at every stop. Here the
    opening gives the connection back when it does not complete (asyncpg's release resets
    it, ending what BEGIN may have started)."""
    from tortoise.backends.base.client import TransactionContextPooled
    from tortoise.connection import get_connections

    if getattr(TransactionContextPooled, "_expertbot_safe", False):
        return

    async def enter(self: Any) -> Any:
        await self.ensure_connection()
        pool = self.client._parent._pool
        connection = await pool.acquire()  # cancelled inside, the pool takes it back itself
        self.client._connection = connection
        self.token = get_connections().set(self.connection_name, self.client)
        try:
            await self.client.begin()
        except BaseException:
            get_connections().reset(self.token)
            with contextlib.suppress(Exception):
                await asyncio.shield(pool.release(connection))
            raise
        return self.client

    TransactionContextPooled.__aenter__ = enter  # type: ignore[method-assign]
    TransactionContextPooled._expertbot_safe = True  # type: ignore[attr-defined]


def mend_transactions() -> None:
    _sqlite()
    _pooled()
