"""Sandbox mode: the fake WeChat platform and the simulator, served by the same process
under /sandbox/. Off in production."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import aiohttp
from aiohttp import web

from bot.relay.notify_texts import NotifyTexts
from bot.wechat.callback import SEEN
from models import column
from models.wechat import Channel, WeChatIdentity
from sandbox.console_links import setup_console_links
from sandbox.context import SANDBOX, SANDBOX_SETTINGS, SandboxSettings
from sandbox.evaluation.simulator import mount_evaluation_system, register_sandbox_system
from sandbox.events import CallbackClient
from sandbox.fake_aliyun_pls import ALIYUN_PLS
from sandbox.fake_aliyun_pls import stand_in as pls_stand_in
from sandbox.fake_api import fake_api_app
from sandbox.fake_dishonesty import DISHONESTY
from sandbox.fake_tencent_faceid import TENCENT_FACEID
from sandbox.fake_tencent_vms import TENCENT_VMS, stand_in
from sandbox.identity.platform import (
    PLATFORM as IDENTITY_PLATFORM,
)
from sandbox.identity.platform import (
    IdentityPlatformFake,
    identity_platform_app,
)
from sandbox.pay.app import pay_gateway_app
from sandbox.pay.gateway import PayGateway
from sandbox.pay.simulator import PAY_GATEWAY, setup_pay_simulator
from sandbox.phone.wechat_client import setup_phone
from sandbox.platform import Platform
from sandbox.privacy_sim import setup_privacy_simulator
from sandbox.simulator import (
    CALLBACK,
    setup_draw_simulator,
    setup_simulator,
)
from sandbox.smtp_catcher import MAIL_CATCHER, setup_mail_simulator, show_mail
from sandbox.wechat_privacy_sim import setup_wechat_privacy_simulator
from sandbox.wechat_push import Pusher

STATIC = Path(__file__).parent / "static"


SANDBOX_PLATFORM = web.AppKey("sandbox_platform", Platform)


def register_templates(platform: Platform, texts: NotifyTexts) -> None:
    """Give the fake platform the template messages our notification texts use."""
    for kind in texts.kinds():
        if (tid := texts.template_id(kind)) is not None:
            platform.templates[tid] = texts.field_keys(kind, "template")
            platform.labels[tid] = texts.field_labels(kind, "template")
        if (mid := texts.subscribe_id(kind)) is not None:
            platform.labels[mid] = texts.field_labels(kind, "subscribe")


async def sync_followers(platform: Platform) -> None:
    """Followers we know of follow on the fake platform too (the demo people, say)."""
    followers = WeChatIdentity.filter(channel=Channel.OFFICIAL_ACCOUNT, subscribed=True)
    for openid in await column(followers.limit(10_000), "openid"):
        platform.user(str(openid)).follower = True


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "simulator.html")


def setup_sandbox(app: web.Application, settings: SandboxSettings) -> None:
    """Mount the fake API and the simulator at /sandbox (WECHAT_API_BASE defaults there).
    The composition root sets SANDBOX on `app` before the sandbox starts."""
    platform = Platform(settings.appid, settings.secret, settings.miniapp_appid,
                        settings.miniapp_secret)
    app[SANDBOX_PLATFORM] = platform
    app[SEEN] = lambda msg: platform.saw(msg.openid, msg.msg_type, msg.event)
    app[SANDBOX_SETTINGS] = settings
    sub = fake_api_app(platform)
    setup_simulator(sub, platform)
    setup_draw_simulator(sub)
    setup_privacy_simulator(sub)
    setup_mail_simulator(sub)
    setup_wechat_privacy_simulator(sub)
    setup_console_links(sub, platform)
    setup_phone(sub, pay=settings.pay is not None)
    # the province's unified identity platform (used when UNIFIED_IDENTITY=sandbox)
    sub[IDENTITY_PLATFORM] = IdentityPlatformFake(settings.own_url.rstrip("/") + "/sandbox/idp")
    sub.add_subapp("/idp", identity_platform_app(sub[IDENTITY_PLATFORM]))
    # a trading centre's evaluation system, the demo's centres': the library pushes there
    evaluation = mount_evaluation_system(sub, settings.secret)
    if settings.pay is not None:
        pay = settings.pay
        gateway = PayGateway(mchid=pay.mchid, apiv3_key=pay.apiv3_key,
                             merchant_private_key=pay.merchant_private_key,
                             gateway_private_key=pay.gateway_private_key,
                             public_key_id=pay.public_key_id)
        # the bill's download address: where the payer-facing service is (behind a TLS
        # proxy the request's own scheme would be http)
        gateway.base_url = settings.own_url.rstrip("/") + "/sandbox/pay"
        sub[PAY_GATEWAY] = gateway
        sub.add_subapp("/pay", pay_gateway_app(gateway))
        setup_pay_simulator(sub)
    sub.router.add_get("/", page)
    sub.router.add_static("/static", STATIC)

    async def startup(app: web.Application) -> AsyncIterator[None]:
        register_templates(platform, app[SANDBOX].notify_texts)
        if (voice := app[SANDBOX].voice) is not None:
            stand_in(sub[TENCENT_VMS], voice, settings.own_url)
        if (privacy := app[SANDBOX].privacy) is not None:
            pls_stand_in(sub[ALIYUN_PLS], privacy, settings.own_url)
        if (catcher := app[SANDBOX].mail_catcher) is not None:
            catcher.on_mail = lambda mail: show_mail(platform, mail)
            sub[MAIL_CATCHER] = catcher
        if (keys := app[SANDBOX].realname_keys) is not None:
            faceid = sub[TENCENT_FACEID]  # the sandbox's registry takes anyone, first come
            faceid.keys, faceid.lenient = {keys[0]: keys[1]}, True
        if (keys := app[SANDBOX].dishonesty_keys) is not None:
            sub[DISHONESTY].keys = {keys[0]: keys[1]}
        await sync_followers(platform)
        await register_sandbox_system(app[SANDBOX], evaluation, settings.own_url)
        async with aiohttp.ClientSession() as session:
            mode: Literal["safe", "plain"] = "safe" if settings.aes_key else "plain"
            pusher = Pusher(settings.token, settings.appid, settings.aes_key or None, mode)
            client = CallbackClient(session, f"{settings.own_url}/wechat/callback", pusher,
                                    platform)
            platform.on_template_sent = client.template_finished
            sub[CALLBACK] = client
            # as if `expertbot menu` had pushed it (the server is not listening yet)
            platform.set_menu(settings.menu)
            yield

    app.cleanup_ctx.append(startup)
    app.add_subapp("/sandbox", sub)
