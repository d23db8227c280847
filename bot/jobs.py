"""Jobs of the bot layer: pushes deferred behind a busy user lock, and the outbox relay."""

from __future__ import annotations

from typing import Any

from arq import Retry

from bot.conversation.engine import Engine
from bot.relay.channels import Channels
from bot.wechat.incoming import Incoming

# The worker's context (arq passes it to every job) holds these under these names; the
# composition root fills them, the accessors below read them typed.
ENGINE_CTX = "engine"
CHANNELS_CTX = "channels"


def engine_of(ctx: dict[str, Any]) -> Engine:
    engine = ctx[ENGINE_CTX]
    assert isinstance(engine, Engine), "the worker context has no engine"
    return engine


def channels_of(ctx: dict[str, Any]) -> Channels:
    channels = ctx[CHANNELS_CTX]
    assert isinstance(channels, Channels), "the worker context has no channels"
    return channels


DEFERRED_RETRY = 10  # s before a deferred push met by an outage is tried again (arq Retry)


async def process_message(ctx: dict[str, Any], raw: dict[str, str]) -> None:
    """Handle a push whose user lock was busy at callback time; the answer goes out late.
    Redis or the database unavailable: tried again later (up to the job's max_tries),
    instead of answering "busy" to a message the user sent a while ago."""
    if await engine_of(ctx).process_deferred(Incoming.parse(raw)) is None:
        raise Retry(defer=DEFERRED_RETRY)


async def apply_receipts(ctx: dict[str, Any]) -> int:
    """Apply the receipts the callback's fast path kept (every second; those that all
    succeeded held for RECEIPTS_HOLD seconds and applied together)."""
    receipts = channels_of(ctx).relay.receipts
    return await receipts.drain(receipts.hold)


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Send every due notification (woken after business changes, and every few seconds)."""
    return await channels_of(ctx).relay.run_if_idle()
