"""Which exceptions mean "Redis or the database is not available right now" rather than a
fault of our code: each edge answers them with its busy answer (chat: 系统繁忙; API: 503)."""

from __future__ import annotations

import functools
import socket


@functools.cache
def infrastructure_errors() -> tuple[type[BaseException], ...]:
    """Connections refused, broken or timed out; PostgreSQL shutting down, starting up,
    cancelling a statement that ran out of time, or out of connections; a Redis replica that
    was the master before a failover."""
    from asyncpg.exceptions import (
        InsufficientResourcesError,
        InternalClientError,
        OperatorInterventionError,
        PostgresConnectionError,
    )
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import ReadOnlyError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from tortoise.exceptions import DBConnectionError

    # ConnectionError and TimeoutError, not every OSError: a missing file or an unreachable
    # WeChat API inside a handler is a fault to log with its traceback, not "system busy".
    # asyncpg: class 08 (connection exceptions: ConnectionDoesNotExistError, ...), class 57
    # (AdminShutdownError, CannotConnectNowError, CrashShutdownError, QueryCanceledError:
    # the statement timeout), class 53 (TooManyConnectionsError, ...), and the client's own
    # "cannot switch to state N; another operation is in progress" on a pooled connection
    # whose server process was terminated while it sat idle (seen under pg_terminate_backend).
    return (ConnectionError, TimeoutError, socket.gaierror, RedisConnectionError,
            RedisTimeoutError, ReadOnlyError, DBConnectionError, PostgresConnectionError,
            OperatorInterventionError, InsufficientResourcesError, InternalClientError)


@functools.cache
def bad_value_errors() -> tuple[type[BaseException], ...]:
    """A value the edge let through that the database cannot take: a string longer than its
    column (tortoise's ValidationError), an integer beyond 64 bits (OverflowError from the
    driver, PostgreSQL's class 22 data exceptions). Each edge answers them as a bad request,
    never a 500: the last line behind the edge's own validation."""
    from asyncpg.exceptions import DataError
    from tortoise.exceptions import ValidationError

    return (ValidationError, OverflowError, DataError)


def bad_value(exc: BaseException) -> bool:
    """Whether `exc` is a value the database cannot take (bad_value_errors), also as
    tortoise wraps it on PostgreSQL (an OperationalError caused by asyncpg's DataError)."""
    from tortoise.exceptions import OperationalError

    if isinstance(exc, bad_value_errors()):
        return True
    cause = exc.__cause__ or exc.__context__
    return isinstance(exc, OperationalError) and isinstance(cause, bad_value_errors())
