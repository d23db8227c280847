"""The mini-program API as an aiohttp sub-app at /miniapp/v1."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from miniapp_api.auth import authorize
from miniapp_api.caller import SignInRequired
from miniapp_api.context import MINIAPP
from miniapp_api.framework import Api, InvalidFields
from miniapp_api.openapi import build_openapi
from miniapp_api.routes import api as collect
from miniapp_api.signatures import check_endpoints
from services.common.errors import HTTP_STATUS, BadInput, DomainError, Unavailable, http_status
from services.common.metrics import count_unavailable
from services.common.pii import mask_text
from services.common.runtime.infra import bad_value, infrastructure_errors

log = logging.getLogger(__name__)
PREFIX = "/miniapp/v1"

# the domain's statuses, and the API's own refusals: no session (401), a form's fields (422)
STATUS: dict[type[DomainError], int] = {SignInRequired: 401, InvalidFields: 422, **HTTP_STATUS}
# aiohttp's own refusals (no such route, method, body over the cap), as refusals of ours
HTTP_CODES = {404: "api.no_such_endpoint", 405: "api.method_not_allowed", 413: "api.too_large"}


def refusal(request: web.Request, exc: DomainError, status: int) -> web.Response:
    """{"error": code, "message": its words, "fields": [...] for a form's fields}."""
    texts = request.app[MINIAPP].texts
    body: dict[str, object] = {"error": exc.code, "message": mask_text(texts.error(exc))}
    if isinstance(exc, InvalidFields):
        body["fields"] = [{"field": p.field, "message": mask_text(
            texts.error(p.refusal) if p.refusal is not None else p.message)}
            for p in exc.problems]
    return web.json_response(body, status=status,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


@web.middleware
async def errors(request: web.Request,
                 handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                 ) -> web.StreamResponse:
    """Every refusal is JSON with its code and its words; no traceback reaches the client."""
    try:
        return await handler(request)
    except DomainError as exc:
        return refusal(request, exc, http_status(exc, STATUS))
    except web.HTTPException as exc:
        if exc.content_type == "application/json":
            raise
        return refusal(request, BadInput(HTTP_CODES.get(exc.status, "api.http_error"),
                                         status=exc.status), exc.status)
    except infrastructure_errors() as exc:
        log.warning("infrastructure unavailable on %s %s: %r", request.method, request.path,
                    exc)
        count_unavailable(exc, "api")
        return refusal(request, Unavailable("api.busy"), 503)
    except Exception as exc:
        if bad_value(exc):  # the last line: never a 500 for a value (the value not logged)
            log.warning("a value the database cannot take on %s %s: %s", request.method,
                        request.path, type(exc).__name__)
            return refusal(request, BadInput("api.invalid_value"), 400)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return refusal(request, Unavailable("api.internal_error"), 500)


def create_miniapp(public_base: str) -> tuple[web.Application, Api]:
    """The sub-app and its endpoint table (for the OpenAPI document and the tests)."""
    api = collect()
    check_endpoints(api.endpoints)
    app = web.Application(middlewares=[errors])
    api.install(app, authorize)
    built: list[dict[str, Any]] = []  # the document, made at its first request

    async def openapi(request: web.Request) -> web.Response:
        if not built:
            built.append(build_openapi(api, public_base.rstrip("/") + PREFIX))
        return web.json_response(built[0])

    app.router.add_get("/openapi.json", openapi)
    return app, api
