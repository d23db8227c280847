"""Sandbox mode: the fake WeChat platform and the simulator, served by the same process
under /sandbox/. Off in production."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from config.keys import RUNTIME
from config.settings import Settings
from handlers.menu import menu
from models.wechat import Channel, WeChatIdentity
from sandbox.events import CallbackClient
from sandbox.fake_api import fake_api_app
from sandbox.pay_gateway import PayGateway, pay_gateway_app
from sandbox.platform import Platform
from sandbox.simulator import (
    CALLBACK,
    PAY_GATEWAY,
    setup_draw_simulator,
    setup_pay_simulator,
    setup_simulator,
)
from sandbox.wechat_push import Pusher

SANDBOX_PLATFORM = web.AppKey("sandbox_platform", Platform)
STATIC = Path(__file__).parent / "static"


def register_templates(platform: Platform, rt: object) -> None:
    """Give the fake platform the template messages our notification texts use."""
    texts = rt.notify_texts  # type: ignore[attr-defined]
    for kind in texts.kinds():
        if (tid := texts.template_id(kind)) is not None:
            platform.templates[tid] = texts.field_keys(kind, "template")


async def sync_followers(platform: Platform) -> None:
    """Followers we know of follow on the fake platform too (the demo people, say)."""
    for openid in await WeChatIdentity.filter(channel=Channel.OFFICIAL_ACCOUNT, subscribed=True
                                              ).limit(10_000).values_list("openid", flat=True):
        platform.user(str(openid)).follower = True


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "simulator.html")


def setup_sandbox(app: web.Application, settings: Settings, own_url: str) -> None:
    """Mount the fake API and the simulator at /sandbox (WECHAT_API_BASE defaults there)."""
    if settings.is_production:
        raise RuntimeError("the sandbox cannot run in production")
    platform = Platform(settings.wechat_appid, settings.wechat_secret, settings.miniapp_appid,
                        settings.miniapp_secret)
    app[SANDBOX_PLATFORM] = platform
    sub = fake_api_app(platform)
    setup_simulator(sub, platform)
    setup_draw_simulator(sub)
    if settings.payments_on and settings.sandbox_wechatpay_private_key:
        gateway = PayGateway(mchid=settings.wechatpay_mchid,
                             apiv3_key=settings.wechatpay_apiv3_key,
                             merchant_private_key=settings.wechatpay_private_key,
                             gateway_private_key=settings.sandbox_wechatpay_private_key,
                             public_key_id=settings.wechatpay_public_key_id)
        sub[PAY_GATEWAY] = gateway
        sub.add_subapp("/pay", pay_gateway_app(gateway))
        setup_pay_simulator(sub)
    sub.router.add_get("/", page)
    sub.router.add_static("/static", STATIC)

    async def startup(app: web.Application) -> AsyncIterator[None]:
        rt = app[RUNTIME]
        register_templates(platform, rt)
        await sync_followers(platform)
        async with aiohttp.ClientSession() as session:
            mode = "safe" if settings.wechat_aes_key else "plain"
            pusher = Pusher(settings.wechat_token, settings.wechat_appid,
                            settings.wechat_aes_key or None, mode)
            client = CallbackClient(session, f"{own_url}/wechat/callback", pusher, platform)
            platform.on_template_sent = client.template_finished
            sub[CALLBACK] = client
            # as if `expertbot menu` had pushed it (the server is not listening yet)
            platform.set_menu(menu(settings.miniapp_appid, own_url))
            yield

    app.cleanup_ctx.append(startup)
    app.add_subapp("/sandbox", sub)
