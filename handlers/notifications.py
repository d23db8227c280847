"""TEMPLATESENDJOBFINISH: WeChat reports how each template message ended."""

from __future__ import annotations

from datetime import datetime

from bot.filters import EventIs
from bot.incoming import Incoming
from bot.relay import Relay
from bot.router import Router

router = Router("notifications")


@router.event(EventIs("templatesendjobfinish"))
async def on_template_finished(msg: Incoming, relay: Relay, now: datetime) -> None:
    """Marks the notification delivered (or rules the template out and re-queues it)."""
    if not msg.msg_id.isdigit():
        return
    # (the relay may not have saved this msgid yet: then it applies the receipt after saving)
    await relay.receipt(int(msg.msg_id), msg.raw.get("Status", ""), now)
