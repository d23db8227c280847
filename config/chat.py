"""The chat engine: the dispatcher with the standard middlewares, every flow's router, and
the handlers' dependencies, which are the domain's services and the channels by name."""

from __future__ import annotations

from datetime import UTC, datetime

from arq.connections import ArqRedis
from redis.asyncio import Redis

from bot.background import Background
from bot.conversation.dispatcher import Dispatcher, Middleware
from bot.conversation.engine import Engine
from bot.conversation.flow import State
from bot.conversation.identity import IdentityMiddleware
from bot.conversation.middlewares import (
    ConversationMiddleware,
    ErrorsMiddleware,
    RefusalsMiddleware,
)
from bot.conversation.receipts import FastEvents, ReceiptInbox
from bot.conversation.store import RedisConversationStore
from bot.redis_batch import ScriptBatcher
from bot.relay.channels import Channels
from bot.wechat.replay import ReplayGuard
from bot.wechat.replies import Image, Reply, Text
from config.observability.job_trace import traced_kwargs
from config.settings import Settings
from handlers.routing import routers
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.redis_keys import RedisKeys
from services.common.texts import Texts
from services.domain import Domain
from services.notifications import Outbox


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


def build_engine(settings: Settings, *, keys: RedisKeys, conv_redis: Redis, arq: ArqRedis,
                 texts: Texts, background: Background, domain: Domain,
                 channels: Channels, clock: Clock = SYSTEM_CLOCK) -> Engine:
    """The engine over every handler module's router; pushes handled at `clock`'s moment."""
    states: dict[str, State] = {}
    # one auto-pipeline for every Redis script a push runs: the conversation's opening and
    # closing, the replay check (plaintext mode), the fast path's receipts
    batcher = ScriptBatcher(conv_redis, settings.redis_timeout)

    async def defer(raw: dict[str, str]) -> None:
        await arq.enqueue_job("process_message", raw, **traced_kwargs())

    middlewares: list[Middleware] = [
        ErrorsMiddleware(texts),
        ConversationMiddleware(
            RedisConversationStore(conv_redis, keys, timeout=settings.redis_timeout,
                                   batcher=batcher), states,
            dedup_ttl=settings.dedup_ttl, lock_wait=settings.lock_wait, defer=defer),
        IdentityMiddleware(load_budget=settings.db_timeout),
        RefusalsMiddleware(texts),
    ]
    dispatcher = Dispatcher(texts=texts, scenes=domain.scenes,
                            deps={**domain.services(), **channels.services()},
                            middlewares=middlewares, states=states, clock=clock)
    dispatcher.include(*routers())
    # receipts: appended to the relay's inbox, auto-pipelined with the pushes of the moment
    fast = FastEvents(ReceiptInbox(conv_redis, keys, batcher=batcher))
    replays = ReplayGuard(batcher, keys, settings.callback_max_age) \
        if settings.wechat_mode == "plain" else None
    return Engine(dispatcher, background, OutboxLateDelivery(domain.outbox),
                  settings.reply_budget, fast, replays)
