"""create_app(settings): the only composition root of the web process. It opens the runtime
at start-up and hands each edge the part it uses, through the edge's own typed app key."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from bot.providers.pay.callbacks import PAY_NOTIFY, PayNotifications, setup_pay_notify
from bot.providers.privacy.callbacks import VIRTUAL_CALLS, setup_privacy_callbacks
from bot.providers.sms.callbacks import SMS_INBOX, SmsInbox, setup_sms_callbacks
from bot.providers.voice.callbacks import VOICE_INBOX, setup_voice_callbacks
from bot.relay.channels import CHANNELS
from bot.wechat.callback import ENGINE, TRANSPORT, Transport, setup_callback
from bot.wechat.crypto import MessageCrypto
from bot.wechat.mini_push import MINI_TRANSPORT, setup_mini_push
from bot.wechat.privacy_push import PRIVACY
from config.clients import (
    message_crypto,
    privacy_setup,
    sandbox_dishonesty_keys,
    sandbox_realname_keys,
    sms_callback_token,
)
from config.evaluation import hand_evaluation, setup_evaluation
from config.federation import hand_federation, setup_federation
from config.invoicing import MAIL_CATCHER
from config.observability.health import READINESS, Readiness, setup_health
from config.observability.logging_setup import install_pii_masking
from config.observability.metrics import MetricsAccess, setup_metrics
from config.observability.observe import observe
from config.runtime import Runtime, open_runtime, voice_inbox
from config.serve import LIFECYCLE, setup_lifecycle
from config.settings import Settings, SettingsError, second_factor_roles
from config.worker import INPROCESS_WORKER, inprocess_worker
from console.context import CONSOLE, ConsoleServices
from console.invoke import Endpoints
from console.routes import create_console
from console.sessions import ConsoleSessions
from miniapp_api.app import PREFIX as MINIAPP_PREFIX
from miniapp_api.app import create_miniapp
from miniapp_api.context import MINIAPP, MiniappServices
from miniapp_api.framework import Endpoint
from services.common.clock import SYSTEM_CLOCK, Clock
from web.act import setup_act_pages
from web.answer import setup_answer_pages
from web.captcha import setup_captcha
from web.certificates import setup_certificates
from web.context import DOMAIN, PAGE_REDIS, TEXTS, PageRedis
from web.draw_results import setup_draw_results
from web.fee_standard import setup_fee_standard_page
from web.help_center import setup_help_center
from web.help_manual import setup_help_manual
from web.invoices import setup_invoice_files
from web.materials import setup_material_files
from web.objection_page import setup_objection_pages
from web.pages import setup_pages
from web.pay import setup_pay_pages
from web.payout_page import setup_payout_page
from web.personal_data import setup_personal_data
from web.public_notice import setup_public_notice_page
from web.rate import over_limit, proxy_networks

log = logging.getLogger(__name__)


def hand_over(rt: Runtime, app: web.Application, miniapp: web.Application,
              console: web.Application, endpoints: list[Endpoint]) -> None:
    """Give each edge what it uses."""
    app[ENGINE] = rt.engine  # the message server
    app[PRIVACY] = rt.domain.wechat_privacy  # WeChat's privacy events, both servers
    app[CHANNELS] = rt.channels
    app[DOMAIN] = rt.domain  # the web pages
    app[TEXTS] = rt.texts
    hand_federation(app, rt.redis, rt.keys, rt.domain.audit, rt.texts, rt.clock,
                    rt.domain.directory, rt.domain.lending, rt.domain.asking)
    hand_evaluation(app, rt.domain.watches.trust, rt.domain.audit, rt.texts, rt.clock,
                    rt.domain)
    try:
        proxies = proxy_networks(rt.settings.trusted_proxies)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    app[PAGE_REDIS] = PageRedis(rt.redis, rt.keys, proxies, rt.clock)
    app[SMS_INBOX] = SmsInbox(rt.domain.draws.answering.sms_answers.answer, rt.redis,
                              rt.keys, rt.domain.outbox)
    if (inbox := voice_inbox(rt)) is not None:
        app[VOICE_INBOX] = inbox
    app[READINESS] = Readiness(rt.redis, max(rt.settings.db_timeout,
                                             rt.settings.redis_timeout) + 0.5,
                               app[LIFECYCLE])
    app[VIRTUAL_CALLS] = rt.domain.draws.followups.virtual_calls
    if rt.invoicing.catcher is not None:
        app[MAIL_CATCHER] = rt.invoicing.catcher
    if rt.pay is not None:
        app[PAY_NOTIFY] = PayNotifications(rt.pay.notifications, rt.domain.payments,
                                           rt.domain.einvoices, rt.domain.fees.payouts,
                                           rt.clock)
    notify = rt.channels.notify_texts
    miniapp[MINIAPP] = MiniappServices(
        domain=rt.domain, sessions=rt.sessions, texts=rt.texts, login=rt.channels.mini,
        qr=rt.channels.official,
        subscribe_templates={kind: tid for kind in notify.kinds()
                             if (tid := notify.subscribe_id(kind))},
        second_factor_roles=second_factor_roles(rt.settings.desk_2fa_roles),
        password_days=rt.settings.desk_password_days, clock=rt.clock,
        over_limit=over_limit)
    miniapp[PAGE_REDIS] = app[PAGE_REDIS]  # the same per-address counters as the pages'
    console_sessions = ConsoleSessions(rt.redis, rt.keys, rt.clock)
    console[CONSOLE] = ConsoleServices(
        domain=rt.domain, texts=rt.texts, endpoints=Endpoints(endpoints, miniapp[MINIAPP]),
        sessions=console_sessions, secret=rt.settings.secret_key.encode(),
        secure_cookies=rt.settings.is_production,
        second_factor_roles=second_factor_roles(rt.settings.desk_2fa_roles),
        password_days=rt.settings.desk_password_days)
    if rt.settings.sandbox:
        from sandbox.context import SANDBOX, SandboxServices

        app[SANDBOX] = SandboxServices(domain=rt.domain, notify_texts=notify, redis=rt.redis,
                                       keys=rt.keys, voice=rt.voice.sandbox,
                                       privacy=rt.privacy.sandbox,
                                       mail_catcher=rt.invoicing.catcher,
                                       sms_callback_token=sms_callback_token(rt.settings),
                                       realname_keys=sandbox_realname_keys(rt.settings)
                                       if rt.settings.realname_mode == "sandbox" else None,
                                       dishonesty_keys=sandbox_dishonesty_keys(rt.settings)
                                       if rt.settings.dishonesty_mode == "sandbox" else None,
                                       console_sign_in=console_sessions.sign_in)


def _runtime_ctx(settings: Settings, own_url: str, miniapp: web.Application,
                 console: web.Application, endpoints: list[Endpoint], clock: Clock
                 ) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        async with open_runtime(settings, own_url, clock) as rt:
            hand_over(rt, app, miniapp, console, endpoints)
            if settings.help_ranker != "lexical":  # the entries' vectors before a question
                rt.background.spawn(rt.domain.knowledge.warm(clock.now()), "help-vectors")
            async with contextlib.AsyncExitStack() as stack:
                if settings.inprocess_worker:
                    app[INPROCESS_WORKER] = await stack.enter_async_context(
                        inprocess_worker(rt))
                # Everything built at start-up lives as long as the process: moving it out
                # of the collector's reach keeps full collections short (they were the p99
                # of a push).
                gc.collect()
                gc.freeze()
                yield

    return ctx


def mini_transport(settings: Settings) -> Transport:
    """The mini-program's message server: its own Token, EncodingAESKey and mode (without
    MINIAPP_TOKEN no push is signed right: every one is refused)."""
    if settings.miniapp_token and settings.miniapp_mode != "plain" \
            and not settings.miniapp_aes_key:
        raise SettingsError(f"MINIAPP_MESSAGE_MODE={settings.miniapp_mode} needs "
                            "MINIAPP_AES_KEY")
    crypto = MessageCrypto(settings.miniapp_token, [settings.miniapp_aes_key],
                           settings.miniapp_appid) if settings.miniapp_aes_key else None
    return Transport(token=settings.miniapp_token, crypto=crypto, max_body=settings.max_body,
                     mode=settings.miniapp_mode, max_age=settings.callback_max_age)


async def console_root(request: web.Request) -> web.Response:
    return web.Response(status=308, headers={"Location": "/console/"})


def create_app(settings: Settings, own_url: str | None = None,
               clock: Clock = SYSTEM_CLOCK) -> web.Application:
    """The whole service. `own_url` is the address it is reached at (default PUBLIC_BASE_URL
    or http://127.0.0.1:8080), used for the sandbox API base and links; `clock` is what
    counts and expires by the clock reads (the system's; a test's own in the tests)."""
    # One root middleware (config/observability/observe.py: request id, latency, access line); every
    # one costs each request, and the message server is the hot path. Each edge answers its
    # own errors (the callback never lets one escape; the mini-program API has its
    # middleware on its sub-app; the pages map refusals to a page).
    install_pii_masking()
    own = own_url.rstrip("/") if own_url else settings.own_url
    app = web.Application(middlewares=[observe])
    try:
        setup_metrics(app, MetricsAccess.parse(settings.metrics_allow, settings.metrics_token))
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    crypto = message_crypto(settings)
    if settings.wechat_mode != "plain" and crypto is None:
        raise SettingsError(f"WECHAT_MESSAGE_MODE={settings.wechat_mode} needs WECHAT_AES_KEY")
    app[TRANSPORT] = Transport(token=settings.wechat_token, crypto=crypto,
                               max_body=settings.max_body, retry_hold=settings.retry_hold,
                               mode=settings.wechat_mode, max_age=settings.callback_max_age)
    app[MINI_TRANSPORT] = mini_transport(settings)
    miniapp, api = create_miniapp(own)
    console = create_console()
    app.cleanup_ctx.append(_runtime_ctx(settings, own, miniapp, console, api.endpoints,
                                        clock))
    setup_lifecycle(app)
    setup_callback(app)
    setup_mini_push(app)
    setup_health(app)
    setup_pay_notify(app)
    setup_sms_callbacks(app, sms_callback_token(settings))
    setup_voice_callbacks(app)
    setup_privacy_callbacks(app, privacy_setup(settings, settings.api_base(own)).callback_token)
    app.add_subapp(MINIAPP_PREFIX, miniapp)
    app.router.add_get("/console", console_root)
    app.add_subapp("/console", console)
    setup_pages(app)
    setup_answer_pages(app)
    setup_act_pages(app)
    setup_payout_page(app)
    setup_certificates(app)
    setup_pay_pages(app)
    setup_draw_results(app)
    setup_invoice_files(app)
    setup_material_files(app)
    setup_personal_data(app)
    setup_fee_standard_page(app)
    setup_help_manual(app)  # before /help/{key}
    setup_help_center(app)
    setup_public_notice_page(app)
    setup_objection_pages(app)  # anyone's objection to one applicant in the 公示
    setup_captcha(app)
    setup_federation(app, settings)
    setup_evaluation(app)
    if settings.sandbox:
        if settings.is_production:
            raise RuntimeError("the sandbox cannot run in production")
        from handlers.menu import menu
        from sandbox.app import setup_sandbox
        from sandbox.context import SandboxPay, SandboxSettings

        pay = None
        if settings.payments_on and settings.sandbox_wechatpay_private_key:
            pay = SandboxPay(settings.wechatpay_mchid, settings.wechatpay_apiv3_key,
                             settings.wechatpay_private_key,
                             settings.sandbox_wechatpay_private_key,
                             settings.wechatpay_public_key_id)
        setup_sandbox(app, SandboxSettings(
            token=settings.wechat_token, appid=settings.wechat_appid, mode=settings.wechat_mode,
            secret=settings.wechat_secret, aes_key=settings.wechat_aes_key,
            miniapp_appid=settings.miniapp_appid, miniapp_secret=settings.miniapp_secret,
            miniapp_token=settings.miniapp_token, miniapp_aes_key=settings.miniapp_aes_key,
            miniapp_mode=settings.miniapp_mode,
            own_url=own, pay=pay, menu=menu(settings.miniapp_appid, own)))
    return app
