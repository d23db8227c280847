"""The mini-program API as an aiohttp sub-app at /miniapp/v1."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from miniapp_api.auth import Authorizer, Caller
from miniapp_api.framework import Api, Endpoint
from miniapp_api.openapi import build_openapi
from miniapp_api.routes import api as collect

log = logging.getLogger(__name__)
PREFIX = "/miniapp/v1"


@web.middleware
async def json_errors(request: web.Request,
                      handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                      ) -> web.StreamResponse:
    """Every error is JSON with a Chinese message; no traceback ever reaches the client."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.content_type == "application/json":
            raise
        messages = {404: "接口不存在。", 405: "不支持的请求方法。", 413: "提交的内容太大。"}
        return web.json_response({"error": exc.reason.lower().replace(" ", "_"),
                                  "message": messages.get(exc.status, exc.reason)},
                                 status=exc.status)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return web.json_response({"error": "internal_error",
                                  "message": "服务器内部错误，请稍后再试。"}, status=500)


async def _authorize(request: web.Request, ep: Endpoint) -> Caller:
    from config.keys import RUNTIME

    rt = request.config_dict[RUNTIME]
    return await Authorizer(rt.mp_sessions, rt.domain.people)(request, ep)


def create_miniapp(public_base: str) -> tuple[web.Application, Api]:
    """The sub-app and its endpoint table (for the OpenAPI document and the tests)."""
    api = collect()
    app = web.Application(middlewares=[json_errors])
    api.install(app, _authorize)
    document = build_openapi(api, public_base.rstrip("/") + PREFIX)

    async def openapi(request: web.Request) -> web.Response:
        return web.json_response(document)

    app.router.add_get("/openapi.json", openapi)
    return app, api
