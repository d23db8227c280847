"""Errors raised by the transport and the engine, under one base."""

from services.common.runtime.infra import infrastructure_errors


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
    """Exceptions that mean Redis or the database is not available right now, not that our
    code is wrong (services.common.runtime.infra), and the engine's own InfrastructureDown."""
    return (InfrastructureDown, *infrastructure_errors())
