"""The person's own data beside the 智能客服's answer, where the entry's subject is one a
command shows (信用分, 缴费, 审核进度): one line, read from the context that owns it, so
"信用分是怎么扣的" is answered with the rule and the asker's score, never the score alone."""

from __future__ import annotations

from datetime import datetime

from models.people import Person
from services.applicants import ApplicationReads
from services.common.clock import CHINA
from services.common.texts import Texts
from services.payments import Payments
from services.standing import CreditDesk

# the knowledge base's entries (texts/help/knowledge.toml) by the subject of their data
CREDIT = frozenset({"appeal-credit", "leave-consequence"})
PAYMENTS = frozenset({"pay-guide", "pay-when", "pay-invoice", "pay-refund"})
APPLICATION = frozenset({"apply-stages", "apply-returned", "apply-withdraw"})


async def own_line(key: str, person: Person | None, texts: Texts, credit: CreditDesk,
                   payments: Payments, application_reads: ApplicationReads,
                   now: datetime) -> str:
    """The asker's own line for the entry `key` ("" when the entry is about no data of
    theirs, or they are not bound)."""
    if person is None:
        return ""
    if key in CREDIT:
        shown = await credit.standing_of(person.id, now, 0)
        if shown is None:
            return ""
        return texts.render("chat/help/own.j2", subject="credit", score=shown.credit.score,
                            level=shown.credit.level)
    if key in PAYMENTS:
        records = await payments.history(person.id)
        latest = records[0] if records else None
        return texts.render("chat/help/own.j2", subject="payments", latest=latest,
                            paid_on=f"{latest.paid_at.astimezone(CHINA):%Y年%m月%d日}"
                            if latest and latest.paid_at else "")
    if key in APPLICATION:
        stands = await application_reads.progress_of(person.id)
        if stands is None:
            return ""
        return texts.render("chat/help/own.j2", subject="application",
                            batch=stands.application.batch.name,
                            status=texts.word("application_status", stands.application.status))
    return ""
