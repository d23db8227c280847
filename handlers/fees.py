"""Experts' fees in chat: the published standard (劳务费标准, anyone may ask) and one's own
fees with how each came about (the same service the mini-program's /expert/fees calls)."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import Keyword, Text
from bot.conversation.router import Router
from models.people import Person
from services.common.clock import CHINA, china_time, china_today
from services.common.links import Links
from services.common.texts import Texts
from services.draws import Draws
from services.fees import Fees

router = Router("fees")


@router.message(Text("劳务费标准", "评标劳务费标准", "专家费标准", "酬劳标准", "评审费标准",
                     "劳务费"))
@router.message(Keyword("劳务费标准", "酬劳标准", "专家费标准"))
async def standard(fees: Fees, texts: Texts, links: Links, now: datetime) -> str:
    """The standard in force today and any published to apply later, and where the public
    page tells how fees are paid."""
    current, later = await fees.standards.published(china_today(now))
    return texts.render("chat/fees/standard.j2", current=current, later=later,
                        page=links.address(fees.standards.PAGE_PATH))


@router.message(Text("我的劳务费", "我的酬劳", "我的专家费", "评标费", "评审费"))
async def mine(fees: Fees, person: Person | None, texts: Texts, draws: Draws) -> str:
    """The expert's fees of the evaluations that are over, newest first."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    rows = [{"day": f"{f.notice.gather_at.astimezone(CHINA):%Y年%m月%d日}",
             "venue": draws.facts.venue_roles.venue_label(f.notice), "amount": f.invitation.fee_fen,
             "paid": f.invitation.fee_paid, "reason": f.invitation.fee_reason,
             # a transfer on its way says so (待确认收款, 转账中), not 未支付
             "payout": f.payout.state if f.payout else "",
             "until": china_time(f.payout.expires_at) if f.payout and f.payout.expires_at
             else "",
             "breakdown": texts.render("draw/fee_breakdown.j2", computed=f.computed)
             if f.computed else ""} for f in (await fees.sheets.mine(person.id))[:5]]
    return texts.render("chat/fees/mine.j2", fees=rows)
