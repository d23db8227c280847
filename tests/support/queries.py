"""Counting the statements the ORM sends."""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable


class QueryCounter:
    """Counts the statements the ORM sends while active (`async with QueryCounter() as q`),
    whatever the database: every execute_* of every tortoise client class, counted once
    when one calls another."""

    METHODS = ("execute_insert", "execute_many", "execute_query", "execute_query_dict",
               "execute_query_dict_with_affected", "execute_script")

    def __init__(self) -> None:
        self.count = 0
        self.sent: list[str] = []  # each statement's text
        # those the counting task (and tasks it started) sent outside a transaction: a
        # commit each (a worker's relay in the same process is not counted here)
        self.alone: list[str] = []
        # those any task sent outside a transaction (a service with no worker: its request's)
        self.outside: list[str] = []
        self.transactions: list[object] = []  # each transaction that sent any (any task)
        self._mine: contextvars.ContextVar[bool] = contextvars.ContextVar("mine", default=False)
        self._saved: list[tuple[type, str, object]] = []
        self._inside: contextvars.ContextVar[bool] = contextvars.ContextVar("counting",
                                                                            default=False)

    def _wrap(self, original: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[object]]:
        from tortoise.backends.base.client import TransactionalDBClient

        inside, mine = self._inside, self._mine

        async def counted(*args: object, **kwargs: object) -> object:
            if inside.get():
                return await original(*args, **kwargs)
            self.count += 1
            self.sent.append(str(args[1] if len(args) > 1 else kwargs.get("query", "")))
            if isinstance(args[0], TransactionalDBClient):
                if not any(t is args[0] for t in self.transactions):
                    self.transactions.append(args[0])
            else:
                self.outside.append(self.sent[-1])
                if mine.get():
                    self.alone.append(self.sent[-1])
            token = inside.set(True)
            try:
                return await original(*args, **kwargs)
            finally:
                inside.reset(token)

        return counted

    @property
    def commits(self) -> int:
        """Transactions and statements sent outside one: a commit each (a savepoint is
        its transaction's)."""
        return len(self.transactions) + len(self.outside)

    async def __aenter__(self) -> QueryCounter:
        from tortoise.backends.base.client import BaseDBAsyncClient

        self._mine.set(True)  # in the counting task's context, and those it starts

        todo, classes = [BaseDBAsyncClient], []
        while todo:
            cls = todo.pop()
            classes.append(cls)
            todo.extend(cls.__subclasses__())
        for cls in classes:
            for name in self.METHODS:
                if name in cls.__dict__:
                    original = cls.__dict__[name]
                    self._saved.append((cls, name, original))
                    setattr(cls, name, self._wrap(original))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for cls, name, original in reversed(self._saved):
            setattr(cls, name, original)
