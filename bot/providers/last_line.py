"""The last line of the servers other systems call (another library's federation, an
evaluation system): a value the database cannot take (a number past its column) answered as
a message the server cannot take, in the server's own refusal format, never a 500."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from services.common.errors import BadInput, DomainError
from services.common.runtime.infra import bad_value

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]


def guarded(handler: Handler, refuse: Callable[[web.Request, DomainError], web.Response]
            ) -> Handler:
    """`handler`, with a value the database cannot take answered by `refuse`."""

    @functools.wraps(handler)
    async def answer(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except Exception as exc:
            if not bad_value(exc):
                raise
            log.warning("a value the database cannot take on %s: %s", request.path,
                        type(exc).__name__)
            return refuse(request, BadInput("api.invalid_value"))

    return answer
