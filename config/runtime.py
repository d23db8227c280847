"""Everything a process runs on (Redis, the database, the domain, the channels out, the chat
engine), started in order and stopped in reverse, for the web app and the worker alike.
The composition root (config.app, config.worker) hands each edge the part it uses."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from redis.asyncio import Redis

from bot.background import Background, cancel_and_wait
from bot.conversation.engine import Engine
from bot.providers.pay.client import WeChatPayClient
from bot.providers.voice.callbacks import VoiceInbox
from bot.relay.channels import Channels
from bot.relay.relay import OutboxNudge
from config.channels_build import build_channels
from config.chat import build_engine
from config.clients import (
    PrivacySetup,
    VoiceSetup,
    dishonesty_check,
    help_model,
    identity_platform,
    pay_client,
    privacy_setup,
    realname_check,
    sms_factory,
    transfers_of,
    voice_setup,
)
from config.db.database import database, replica_database
from config.domain import build_domain
from config.embedded_redis import embedded_redis
from config.evaluation import system_client, system_trust
from config.federation import peer_desk
from config.invoicing import Invoicing, invoicing
from config.redis_client import RedisTarget, make_arq, make_redis
from config.settings import Settings, second_factor_roles
from config.settings.face import face_verifier
from config.settings.redis import redis_target
from miniapp_api.sessions import Sessions
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.redis_keys import RedisKeys
from services.common.texts import Texts
from services.domain import Domain
from services.draws.facts import Venues
from services.federation import FeeTerms
from services.fees import (
    HOSTED_TERMS,
)
from services.notifications import (
    ALL_CHANNELS,
    Outbox,
)
from services.reference import Reference


@dataclass(frozen=True, kw_only=True)
class Runtime:
    settings: Settings
    redis_target: RedisTarget  # REDIS_URL, or the sentinels' master
    redis: Redis
    keys: RedisKeys
    texts: Texts
    background: Background
    http: aiohttp.ClientSession
    domain: Domain
    channels: Channels
    engine: Engine
    sessions: Sessions
    pay: WeChatPayClient | None  # None while payments are not configured
    voice: VoiceSetup  # the voice provider's callback secret (and the sandbox's stand-in)
    privacy: PrivacySetup  # the number-privacy provider's (and the sandbox's stand-in)
    invoicing: Invoicing  # the e-invoice provider and the mailer (and the sandbox's catcher)
    clock: Clock  # what counts and expires by the clock reads it (a test's own in tests)


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings, own_url: str, clock: Clock = SYSTEM_CLOCK
                       ) -> AsyncIterator[Runtime]:
    """Start every resource in order and stop them in reverse. `own_url` is where this
    deployment's web process listens (the sandbox WeChat API lives under it); `clock` is
    what counts and expires by the clock reads (the system's but in tests)."""
    make_sms = sms_factory(settings)  # before anything starts
    texts = Texts(settings.texts_dir)
    # desk roles' pushes point to where the work is done: the console of this deployment
    texts.env.globals["console_url"] = own_url.rstrip("/") + "/console/"
    texts.env.globals["desk_only"] = frozenset(
        str(role) for role in second_factor_roles(settings.desk_2fa_roles))
    Venues.use_texts(texts)  # 主场 / 副场 in the experts' notices
    HOSTED_TERMS.add(FeeTerms.hosted)  # a 副场 served here for another library's 主场
    voice = voice_setup(settings, texts, settings.api_base(own_url))
    privacy = privacy_setup(settings, settings.api_base(own_url))
    target = redis_target(settings.redis_url)  # a bad REDIS_SENTINELS is named here
    async with contextlib.AsyncExitStack() as stack:
        if not settings.redis_url and not target.through_sentinel:
            persist = settings.env == "development"
            target = RedisTarget(await stack.enter_async_context(
                embedded_redis(settings.var_dir / "redis", persist=persist)))
        keys = RedisKeys(settings.redis_prefix)
        redis = make_redis(target, settings)
        stack.push_async_callback(redis.aclose)
        conv_redis = make_redis(target, settings, read_timeout=False)
        stack.push_async_callback(conv_redis.aclose)
        arq = make_arq(target, settings)
        stack.push_async_callback(arq.aclose)
        await stack.enter_async_context(database(settings))
        replica = await stack.enter_async_context(replica_database(settings))
        # reference data every process reads without awaiting: read now, then kept fresh
        snapshots = Reference.snapshots
        refresh = asyncio.create_task(snapshots.keep_fresh(await snapshots.first_read()),
                                      name="reference")
        stack.push_async_callback(cancel_and_wait, refresh)
        background = Background()
        stack.push_async_callback(background.drain, 10.0)
        http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=settings.wechat_api_timeout),
            connector=aiohttp.TCPConnector(limit=100))
        stack.push_async_callback(http.close)
        sms = make_sms(http, settings.sms_api_base or settings.api_base(own_url))
        phone = voice.make(http)
        outbox = Outbox(OutboxNudge(redis, keys, arq), lease=settings.outbox_lease,
            at_once=settings.channels_at_once,
            available=ALL_CHANNELS if voice.enabled else ALL_CHANNELS - {"voice"},
            latest_every=settings.notify_latest_seconds)
        public_url = settings.public_base_url or own_url
        pay = None
        if settings.payments_on:
            pay = await stack.enter_async_context(pay_client(settings, own_url, public_url))
        invoices = await stack.enter_async_context(invoicing(settings, pay))
        domain = build_domain(settings, redis=redis, keys=keys, arq=arq, outbox=outbox,
                              texts=texts, sms=sms, public_url=public_url, pay=pay,
                              voice=phone, privacy=privacy.make(http), invoicing=invoices,
                              realname=realname_check(settings, http, settings.api_base(own_url)),
                              dishonesty=dishonesty_check(settings, http,
                                                          settings.api_base(own_url)),
                              replica=replica,
                              transfers=transfers_of(settings, texts, pay, public_url),
                              fund_flow=pay,
                              peers=peer_desk(settings, http, redis, keys),
                              face=face_verifier(settings, http, redis, keys,
                                                 settings.api_base(own_url)),
                              identity=identity_platform(settings, http, own_url, public_url),
                              systems=system_trust(settings, redis, keys),
                              system_client=system_client(http),
                              help_model=help_model(settings, http), clock=clock)
        stack.push_async_callback(domain.codes.drain)  # codes still on their way by SMS
        channels = build_channels(settings, http=http, redis=redis, keys=keys, outbox=outbox,
                                  texts=texts, sms=sms, own_url=own_url, voice=phone,
                                  clock=clock)
        engine = build_engine(settings, keys=keys, conv_redis=conv_redis, arq=arq,
                              texts=texts, background=background, domain=domain,
                              channels=channels, clock=clock)
        yield Runtime(settings=settings, redis_target=target, redis=redis, keys=keys,
                      texts=texts, background=background, http=http, domain=domain,
                      channels=channels, engine=engine, sessions=Sessions(redis, keys),
                      pay=pay, voice=voice, privacy=privacy, invoicing=invoices, clock=clock)


def voice_inbox(rt: Runtime) -> VoiceInbox | None:
    """Where the voice provider's callbacks go (None while VOICE_PROVIDER is off): the web
    process answers them, the worker retries those that came before their call."""
    if rt.channels.voice is None:
        return None
    replies = rt.domain.draws.answering.voice_answers
    return VoiceInbox(replies.keypress, replies.answered, rt.voice.callback_token, rt.redis,
                      rt.keys, rt.domain.outbox)
