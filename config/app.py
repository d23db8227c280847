"""create_app(settings): the only composition root."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot.callback import ENGINE, TRANSPORT, Transport, setup_callback
from bot.pay_notify import setup_pay_notify
from config.health import setup_health
from config.keys import RUNTIME, SETTINGS
from config.logging_setup import install_pii_masking
from config.runtime import message_crypto, open_runtime
from config.settings import Settings
from config.worker import inprocess_worker
from miniapp_api.app import PREFIX as MINIAPP_PREFIX
from miniapp_api.app import create_miniapp
from web.certificates import setup_certificates
from web.draw_results import setup_draw_results
from web.pages import setup_pages
from web.pay import setup_pay_pages

log = logging.getLogger(__name__)

OWN_URL = web.AppKey("own_url", str)


async def _runtime_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with open_runtime(settings, app[OWN_URL]) as rt:
        app[RUNTIME] = rt
        app[ENGINE] = rt.engine
        async with contextlib.AsyncExitStack() as stack:
            if settings.inprocess_worker:
                await stack.enter_async_context(inprocess_worker(rt))
            # Everything built at start-up lives as long as the process: moving it out of the
            # collector's reach keeps full collections short (they were the p99 of a push).
            gc.collect()
            gc.freeze()
            yield


def create_app(settings: Settings, own_url: str | None = None) -> web.Application:
    """The whole service. `own_url` is the address it is reached at (default PUBLIC_BASE_URL
    or http://127.0.0.1:8080), used for the sandbox API base and links."""
    # No root middleware: every one costs each request, and the message server is the hot
    # path. Each route answers its own errors (the callback never lets one escape; the
    # mini-program API has a JSON error middleware on its sub-app).
    install_pii_masking()
    app = web.Application()
    app[SETTINGS] = settings
    app[OWN_URL] = (own_url or settings.public_base_url or "http://127.0.0.1:8080").rstrip("/")
    app[TRANSPORT] = Transport(token=settings.wechat_token, crypto=message_crypto(settings),
                               max_body=settings.max_body)
    app.cleanup_ctx.append(_runtime_ctx)
    setup_callback(app)
    setup_health(app)
    setup_pay_notify(app)
    miniapp, _ = create_miniapp(app[OWN_URL])
    app.add_subapp(MINIAPP_PREFIX, miniapp)
    setup_pages(app)
    setup_certificates(app)
    setup_pay_pages(app)
    setup_draw_results(app)
    if settings.sandbox:
        from sandbox.app import setup_sandbox

        setup_sandbox(app, settings, app[OWN_URL])
    return app
