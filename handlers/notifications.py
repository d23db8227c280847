"""TEMPLATESENDJOBFINISH: WeChat reports how each template message ended."""

from __future__ import annotations

from datetime import datetime

from bot.filters import EventIs
from bot.incoming import Incoming
from bot.router import Router
from services.outbox import Outbox

router = Router("notifications")


@router.event(EventIs("templatesendjobfinish"))
async def on_template_finished(msg: Incoming, outbox: Outbox, now: datetime) -> None:
    if msg.msg_id.isdigit():
        await outbox.template_finished(int(msg.msg_id), msg.raw.get("Status", ""), now)
