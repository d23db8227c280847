"""The one root middleware: a request id for every request (the proxy's X-Request-Id, or a
fresh one), set for the request's log lines and the jobs it queues and sent back in the
response; the request's latency in `expertbot_http_request_seconds` (pushes have their own
histogram, written by the callback with how each was answered); one access line a request
(`expertbot.access`: JSON fields route template, method, status, ms, and what the edge
added — a push's handler, outcome and hashed openid). No path or query string is logged: a
link's token or a searched phone number could be in them."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from config.observability.logging_setup import FIELDS
from services.common.metrics import HTTP_SECONDS
from services.common.runtime.trace import LOG_FIELDS, REQUEST_ID, request_id_from

log = logging.getLogger("expertbot.access")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CALLBACK = "/wechat/callback"  # timed by the callback itself, per handler and outcome


def route_of(request: web.Request) -> str:
    """The route's template ("/miniapp/v1/draws/{id}"), or "unmatched"."""
    route = request.match_info.route
    resource = route.resource if route is not None else None
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request_id_from(request.headers.get("X-Request-Id"))
    token = REQUEST_ID.set(rid)
    added: dict[str, object] = {}
    fields_token = LOG_FIELDS.set(added)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        if not response.prepared:
            response.headers["X-Request-Id"] = rid
        return response
    except web.HTTPException as exc:
        status = exc.status
        exc.headers["X-Request-Id"] = rid
        raise
    finally:
        elapsed = time.perf_counter() - started
        route = route_of(request)
        if route != CALLBACK or request.method != "POST":
            HTTP_SECONDS.labels(route, request.method, str(status)).observe(elapsed)
        if log.isEnabledFor(logging.INFO):
            fields = {"method": request.method, "route": route, "status": status,
                      "ms": round(elapsed * 1000, 1)}
            fields.update(added)
            log.info("%s %s %d", request.method, route, status, extra={FIELDS: fields})
        LOG_FIELDS.reset(fields_token)
        REQUEST_ID.reset(token)
