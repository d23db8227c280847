"""One commit for the read that decides a change and the change itself
(`one_transaction`): a transaction opened before the read, which the change joins and
commits when it ends (`Outbox.change`, through `change_in_unit`); what runs after the change
— the words of a reply, the next handler when the first passed — runs outside it, as
before, so that words that cannot be made never undo a decision, and nothing waits on the
outside world while the transaction is open (`release`, before any code the unit was not
opened for). What a change does once committed (wake the relay, queue or drop timers:
`after_commit`) waits for the commit, and is dropped with a unit that rolled back. Outside
a unit `after_commit` runs its work at once, and a change is its own transaction."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from tortoise import connections
from tortoise.transactions import in_transaction

from models.orm.statements import on_postgres

log = logging.getLogger(__name__)
Work = Callable[[], Awaitable[object]]


class Unit:
    """An open transaction of `one_transaction`, and the work after its commit."""

    def __init__(self) -> None:
        self._tx = in_transaction()
        self.todo: list[Work] = []
        self.open = False
        self.rolled_back = False

    async def begin(self) -> None:
        self.client = await self._tx.__aenter__()
        self.open = True

    def innermost(self) -> bool:
        """Whether the caller's statements go to this unit's own transaction (not to a
        savepoint of it, nor to another connection)."""
        return self.open and connections.get(self.client.connection_name) is self.client

    async def end(self, failed: BaseException | None = None) -> None:
        """Commit (or roll back, with `failed`) if still open; the work after a commit
        runs then, each piece on its own (a failure is logged: the change stands)."""
        if not self.open:
            return
        self.open = False
        await self._tx.__aexit__(type(failed) if failed else None, failed,
                                 failed.__traceback__ if failed else None)
        if failed is not None:
            self.rolled_back = True
            return
        for work in self.todo:
            try:
                await work()
            except Exception:
                log.exception("work after a commit failed (the change stands)")


_unit: contextvars.ContextVar[Unit | None] = contextvars.ContextVar("unit", default=None)


@contextlib.asynccontextmanager
async def one_transaction() -> AsyncIterator[Unit]:
    """A transaction for a read and the change it decides: committed by that change when
    it ends (or at the end of the block, if no change came), rolled back if the block
    raised while it was open."""
    unit = Unit()
    await unit.begin()
    token = _unit.set(unit)
    try:
        yield unit
    except BaseException as exc:
        await unit.end(exc)
        raise
    else:
        await unit.end()
    finally:
        _unit.reset(token)


@contextlib.asynccontextmanager
async def one_transaction_if(wanted: bool) -> AsyncIterator[Unit | None]:
    """`one_transaction` on PostgreSQL when `wanted` (SQLite serialises its writes anyway:
    each statement stays its own there); else nothing (None)."""
    if not (wanted and on_postgres()):
        yield None
        return
    async with one_transaction() as unit:
        yield unit


def in_unit() -> bool:
    """Whether the caller's statements go to an open unit's transaction."""
    unit = _unit.get()
    return unit is not None and unit.open


def change_in_unit() -> Unit | None:
    """The open unit a change joins (its statements in the unit's own transaction, its end
    the unit's commit), if the caller is in one and not in a savepoint of it."""
    unit = _unit.get()
    return unit if unit is not None and unit.innermost() else None


async def release() -> None:
    """Commit the open unit now: what follows was not what it was opened for."""
    unit = _unit.get()
    if unit is not None and unit.innermost():
        await unit.end()


async def after_commit(work: Work) -> None:
    """`work` once the caller's changes are committed: now, or when the unit they are part
    of commits."""
    unit = _unit.get()
    if unit is None or not unit.open:
        await work()
    else:
        unit.todo.append(work)
