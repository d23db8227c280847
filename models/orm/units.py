"""One transaction around a piece of work that calls several changes, each of which would
otherwise be its own transaction (`one_transaction`): the inner ones become savepoints, and
what a change does once it has committed (wake the relay, queue or drop timers:
`after_commit`) waits for the outer commit — a relay woken before it would find nothing,
and nothing is done for a change that was rolled back. Outside such a unit `after_commit`
runs its work at once, as before."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from tortoise.transactions import in_transaction

log = logging.getLogger(__name__)
Work = Callable[[], Awaitable[object]]

_pending: contextvars.ContextVar[list[Work] | None] = contextvars.ContextVar(
    "after_commit", default=None)


@contextlib.asynccontextmanager
async def one_transaction() -> AsyncIterator[None]:
    """A transaction whose changes' after-commit work runs once it has committed (not at
    all if it raised)."""
    todo: list[Work] = []
    token = _pending.set(todo)
    try:
        async with in_transaction():
            yield
    finally:
        _pending.reset(token)
    for work in todo:  # committed: nothing after may undo the change or hide it
        try:
            await work()
        except Exception:
            log.exception("work after a commit failed (the change stands)")


def in_unit() -> bool:
    """Whether the caller runs inside `one_transaction`."""
    return _pending.get() is not None


async def after_commit(work: Work) -> None:
    """`work` once the caller's changes are committed: now, or when the unit they are part
    of commits."""
    todo = _pending.get()
    if todo is None:
        await work()
    else:
        todo.append(work)
