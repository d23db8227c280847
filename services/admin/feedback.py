"""Feedback left in chat (反馈), read and answered by administrators; the answer goes back
to the sender through the outbox: a customer-service message inside WeChat's 48-hour
window, else a template message."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models.wechat import Feedback, WeChatIdentity
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.common.paging import PAGE, Page, keyset
from services.common.pii import mask_name
from services.notifications import Outbox

ANSWER_MAX = 500


class FeedbackDesk:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @staticmethod
    async def leave(identity: WeChatIdentity, category: str, content: str) -> Feedback:
        """Feedback left in chat, as the sender wrote it (its number: F and its id)."""
        return await Feedback.create(identity=identity, category=category, content=content)

    @staticmethod
    async def unanswered() -> int:
        """How many wait for an answer."""
        return await Feedback.filter(answered_at__isnull=True).count()

    @staticmethod
    async def listing(category: str | None, answered: bool | None,
                      limit: int = PAGE, after: str | None = None) -> Page[Feedback]:
        """Newest first, by category and by whether it was answered, a page after the
        cursor `after` (keyset paging by id)."""
        query = Feedback.all()
        if category:
            query = query.filter(category=category)
        if answered is not None:
            query = query.filter(answered_at__isnull=not answered)
        return await keyset(query, limit, after)

    async def answer(self, feedback_id: int, text: str, by_name: str,
                     now: datetime) -> Feedback:
        words = text.strip()
        if not words:
            raise BadInput("feedback.answer_empty")
        if len(words) > ANSWER_MAX:
            raise BadInput("feedback.answer_too_long", limit=ANSWER_MAX)
        async with in_transaction():
            item = await Feedback.select_for_update().get_or_none(id=feedback_id)
            if item is None:
                raise NotFound("feedback.not_found")
            if item.answered_at is not None:
                raise Conflict("feedback.already_answered", at=item.answered_at)
            identity = await WeChatIdentity.get(id=item.identity_id)
            item.answer, item.answered_at = words, now
            item.answered_by = mask_name(by_name)
            await item.save(update_fields=["answer", "answered_at", "answered_by"])
            async with self.outbox.change(now) as change:
                await change.notify("feedback.answered", {
                    "number": f"F{item.id:06d}", "category": item.category,
                    "content": words, "at": china_time(now)}, openid=identity.openid,
                    person_id=identity.person_id)
        return item
