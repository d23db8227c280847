"""Errors raised by the transport and the engine, under one base."""

import socket


class BotError(Exception):
    """Base of every error the bot layer raises on purpose."""


class BadRequest(BotError):
    """The push is not a well-formed WeChat message (answered with 400)."""


class Forbidden(BotError):
    """A signature did not verify (answered with 403, nothing processed)."""


class TooLarge(BotError):
    """The body is over the size cap (answered with 413)."""


class InfrastructureDown(BotError):
    """Redis or the database did not answer in time; the user gets a short busy reply."""


def infra_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean Redis or the database is unreachable, not that our code is wrong."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from tortoise.exceptions import DBConnectionError

    # ConnectionError and TimeoutError, not every OSError: a missing file or an unreachable
    # WeChat API inside a handler is a fault to log with its traceback, not "system busy"
    return (InfrastructureDown, ConnectionError, TimeoutError, socket.gaierror,
            RedisConnectionError, RedisTimeoutError, DBConnectionError)
