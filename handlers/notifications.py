"""TEMPLATESENDJOBFINISH: WeChat reports how each template message ended."""

from __future__ import annotations

from datetime import datetime

from bot.filters import EventIs
from bot.incoming import Incoming
from bot.relay import Relay
from bot.router import Router
from services.outbox import Outbox

router = Router("notifications")


@router.event(EventIs("templatesendjobfinish"))
async def on_template_finished(msg: Incoming, outbox: Outbox, relay: Relay,
                               now: datetime) -> None:
    if not msg.msg_id.isdigit():
        return
    status = msg.raw.get("Status", "")
    if not await outbox.template_finished(int(msg.msg_id), status, now):
        # the relay may not have saved this msgid yet: it applies the receipt after saving
        await relay.park_receipt(int(msg.msg_id), status)
