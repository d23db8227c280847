"""Jobs of the bot layer: pushes deferred behind a busy user lock, and the outbox relay."""

from __future__ import annotations

import logging
from typing import Any

from bot.incoming import Incoming

log = logging.getLogger(__name__)


async def process_message(ctx: dict[str, Any], raw: dict[str, str]) -> None:
    """Handle a push whose user lock was busy at callback time; the answer goes out late."""
    await ctx["rt"].engine.process_deferred(Incoming.parse(raw))


async def relay_outbox(ctx: dict[str, Any]) -> int:
    """Send every due notification (woken after business changes, and every few seconds)."""
    return await ctx["rt"].relay.run()
