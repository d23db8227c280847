"""Everything a process needs (Redis, database, engine), built in one place for the web app
and the worker alike."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
from arq.connections import ArqRedis
from redis.asyncio import Redis

from bot.background import Background
from bot.conversation import RedisConversationStore
from bot.crypto import MessageCrypto
from bot.dispatcher import Dispatcher
from bot.engine import Engine
from bot.middlewares import ConversationMiddleware, ErrorsMiddleware, IdentityMiddleware
from bot.notify_texts import NotifyTexts
from bot.ratelimit import RateLimits
from bot.relay import RELAY_JOB, RELAY_JOB_ID, Relay
from bot.replies import Image, Reply, Text
from bot.sender import Sender
from bot.sms import LoggingSms, SandboxSms, SmsProvider, load_provider_class
from bot.texts import Texts
from bot.wechat_api import WeChatAPI
from bot.wechatpay import WeChatPayClient
from config.database import database
from config.embedded_redis import embedded_redis
from config.redis_client import make_arq, make_redis
from config.settings import Settings, SettingsError
from miniapp_api.auth import Sessions
from services.applications import Applications
from services.attendance import Attendance
from services.binding import Binding
from services.codes import VerificationCodes
from services.draw_engine import DrawEngine
from services.draw_followups import DrawFollowups
from services.draw_setup import DrawSetup
from services.education import Education
from services.exams import Exams
from services.files import DiskStore
from services.links import Links
from services.outbox import Outbox
from services.paygate import PayGateway
from services.payments import Payments
from services.people import People
from services.pii import Vault
from services.review import Review
from services.scenes import SceneCodec

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    redis_url: str
    redis: Redis
    arq: ArqRedis
    texts: Texts
    scenes: SceneCodec
    background: Background
    engine: Engine
    http: aiohttp.ClientSession
    api: WeChatAPI  # the official account
    mp_api: WeChatAPI  # the mini-program
    sms: SmsProvider
    domain: Domain
    mp_sessions: Sessions
    notify_texts: NotifyTexts
    relay: Relay
    pay: WeChatPayClient | None  # None while payments are not configured


@dataclass
class Domain:
    """The domain services, built once per process and shared by chat and the API."""

    vault: Vault
    people: People
    codes: VerificationCodes
    binding: Binding
    outbox: Outbox
    files: DiskStore
    links: Links
    applications: Applications
    exams: Exams
    review: Review
    education: Education
    payments: Payments
    draw_setup: DrawSetup
    draws: DrawEngine
    draw_followups: DrawFollowups
    attendance: Attendance
    public_url: str  # where links in pushes and pages point

    @classmethod
    def build(cls, settings: Settings, redis: Redis, outbox: Outbox, arq: ArqRedis,
              public_url: str, pay: PayGateway | None = None) -> Domain:
        vault = Vault(settings.id_encryption_key)
        people = People(vault, outbox)
        codes = VerificationCodes(redis, settings.redis_prefix)
        files = DiskStore(settings.var_dir / "files")
        links = Links(settings.secret_key)

        async def schedule(name: str, when: datetime, args: tuple[object, ...],
                           job_id: str) -> None:
            await arq.enqueue_job(name, *args, _job_id=job_id, _defer_until=when)

        exams = Exams(outbox, links, public_url, schedule)
        education = Education(outbox, links, public_url, settings.secret_key)
        draws = DrawEngine(outbox, schedule)
        return cls(vault, people, codes, Binding(people, codes, redis, settings.redis_prefix),
                   outbox, files, links, Applications(outbox, files, people), exams,
                   Review(outbox, exams), education,
                   Payments(pay, outbox, education, redis, settings.redis_prefix, links,
                            public_url),
                   DrawSetup(outbox, vault), draws, DrawFollowups(outbox, draws),
                   Attendance(outbox, settings.minutes(settings.reminder_minutes),
                              settings.minutes(settings.urge_minutes)),
                   public_url.rstrip("/"))

    def deps(self) -> dict[str, object]:
        return {"vault": self.vault, "people": self.people, "codes": self.codes,
                "binding": self.binding, "outbox": self.outbox,
                "applications": self.applications, "exams": self.exams,
                "review": self.review, "links": self.links, "education": self.education,
                "payments": self.payments, "draws": self.draws,
                "draw_followups": self.draw_followups, "attendance": self.attendance}


class OutboxLateDelivery:
    """Late replies are notifications (kind chat.reply): the outbox sends them at least once,
    as customer-service messages, and a crash between now and the send loses nothing."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    async def deliver(self, openid: str, reply: Reply) -> None:
        params = ({"text": reply.content} if isinstance(reply, Text)
                  else {"media_id": reply.media_id} if isinstance(reply, Image) else None)
        if params is not None:
            await self._outbox.notify(datetime.now(UTC), "chat.reply", params, openid=openid)


def build_engine(settings: Settings, redis: Redis, conv_redis: Redis, arq: ArqRedis,
                 texts: Texts, scenes: SceneCodec, background: Background,
                 extra_deps: dict[str, object], outbox: Outbox) -> Engine:
    """The dispatcher with the standard middlewares and every handler module's router."""
    from handlers import routers

    prefix = settings.redis_prefix
    states: dict = {}

    async def defer(raw: dict[str, str]) -> None:
        await arq.enqueue_job("process_message", raw)

    middlewares = [
        ErrorsMiddleware(texts),
        ConversationMiddleware(
            RedisConversationStore(conv_redis, prefix, timeout=settings.redis_timeout), states,
            dedup_ttl=settings.dedup_ttl, lock_wait=settings.lock_wait, defer=defer),
        IdentityMiddleware(load_budget=settings.db_timeout),
    ]
    deps = {"settings": settings, "redis": redis, "jobs": arq, "scenes": scenes, **extra_deps}
    dispatcher = Dispatcher(texts=texts, scenes=scenes, deps=deps, middlewares=middlewares,
                            states=states)
    dispatcher.include(*routers())
    return Engine(dispatcher, background, OutboxLateDelivery(outbox), settings.reply_budget)


def pay_client(settings: Settings, own_url: str, public_url: str) -> WeChatPayClient:
    """The WeChat Pay client (APIv3); the sandbox's fake gateway in sandbox mode."""
    return WeChatPayClient(
        base=settings.pay_api_base(own_url), mchid=settings.wechatpay_mchid,
        private_key=settings.wechatpay_private_key, cert_serial=settings.wechatpay_cert_serial,
        apiv3_key=settings.wechatpay_apiv3_key, public_key=settings.wechatpay_public_key,
        public_key_id=settings.wechatpay_public_key_id, appid=settings.wechat_appid,
        miniapp_appid=settings.miniapp_appid, notify_url=f"{public_url.rstrip('/')}/pay/notify",
        cert_dir=settings.wechatpay_platform_cert_dir, timeout=settings.wechatpay_timeout)


SmsFactory = Callable[[aiohttp.ClientSession, str], SmsProvider]


def sms_factory(settings: Settings) -> SmsFactory:
    """How this process makes its SMS provider (SMS_PROVIDER); a class path that does not
    name a usable class is a start-up error naming the variable."""
    mode = settings.sms_mode
    if mode == "sandbox":
        return SandboxSms
    if mode == "log":
        return lambda session, base: LoggingSms()
    try:
        provider = load_provider_class(mode)
    except ValueError as exc:
        raise SettingsError(f"SMS_PROVIDER={mode}: {exc}") from None

    def make(session: aiohttp.ClientSession, base: str) -> SmsProvider:
        try:
            return provider(session)  # type: ignore[call-arg]
        except Exception as exc:
            raise SettingsError(f"SMS_PROVIDER={mode}: {provider.__name__}(session) failed: "
                                f"{exc!r}") from exc

    return make


def message_crypto(settings: Settings) -> MessageCrypto | None:
    if not settings.aes_keys:
        return None
    return MessageCrypto(settings.wechat_token, settings.aes_keys, settings.wechat_appid)


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings, own_url: str) -> AsyncIterator[Runtime]:
    """Start every resource in order and stop them in reverse. `own_url` is where this
    deployment's web process listens (the sandbox WeChat API lives under it)."""
    make_sms = sms_factory(settings)  # before anything starts
    async with contextlib.AsyncExitStack() as stack:
        redis_url = settings.redis_url
        if not redis_url:
            persist = settings.env == "development"
            redis_url = await stack.enter_async_context(
                embedded_redis(settings.var_dir / "redis", persist=persist))
        redis = make_redis(redis_url, settings)
        stack.push_async_callback(redis.aclose)
        conv_redis = make_redis(redis_url, settings, read_timeout=False)
        stack.push_async_callback(conv_redis.aclose)
        arq = make_arq(redis_url, settings)
        stack.push_async_callback(arq.aclose)
        await stack.enter_async_context(database(settings))
        texts = Texts(settings.texts_dir)
        scenes = SceneCodec(settings.secret_key)
        background = Background()
        stack.push_async_callback(background.drain, 10.0)
        http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=settings.wechat_api_timeout),
            connector=aiohttp.TCPConnector(limit=100))
        stack.push_async_callback(http.close)
        base = settings.api_base(own_url)
        sms = make_sms(http, settings.sms_api_base or base)

        async def nudge() -> None:
            await relay_box[0].mark_dirty()
            await arq.enqueue_job(RELAY_JOB, _job_id=RELAY_JOB_ID)

        relay_box: list[Relay] = []
        outbox = Outbox(nudge, lease=settings.outbox_lease)
        public_url = settings.public_base_url or own_url
        pay = None
        if settings.payments_on:
            pay = await stack.enter_async_context(pay_client(settings, own_url, public_url))
        domain = Domain.build(settings, redis, outbox, arq, public_url, pay)
        stack.push_async_callback(domain.codes.drain)  # codes still on their way by SMS
        prefix = settings.redis_prefix
        qr_base = base if settings.sandbox or settings.wechat_api_base else \
            "https://mp.weixin.qq.com"
        api = WeChatAPI(http, base, settings.wechat_appid, settings.wechat_secret, redis, prefix,
                        timeout=settings.wechat_api_timeout, qr_base=qr_base)
        mp_api = WeChatAPI(http, base, settings.miniapp_appid, settings.miniapp_secret, redis,
                           prefix, timeout=settings.wechat_api_timeout)
        # made-up template ids only where the WeChat API is a fake (sandbox, tests)
        notify_texts = NotifyTexts(texts, settings.wechat_templates, settings.miniapp_templates,
                                   settings.sandbox or settings.env == "test")
        limits = RateLimits(redis, prefix, settings.outbox_rate, settings.outbox_user_rate)
        sender = Sender(outbox, api, mp_api, sms, notify_texts, limits, redis, prefix,
                        settings.outbox_max_attempts, settings.miniapp_appid)
        relay_box.append(Relay(outbox, sender, redis, prefix))
        engine = build_engine(settings, redis, conv_redis, arq, texts, scenes, background,
                              {**domain.deps(), "sms": sms, "wechat_api": api,
                               "relay": relay_box[0]}, outbox)
        yield Runtime(settings, redis_url, redis, arq, texts, scenes, background, engine, http,
                      api, mp_api, sms, domain, Sessions(redis, prefix), notify_texts,
                      relay_box[0], pay)
