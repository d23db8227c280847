"""The China month a fee belongs to for tax and money: the month it was paid in (IIT-REG
Art. 14, "以一个月内取得的收入为一次": the income is had when it is received). A WeChat transfer
is paid at the moment WeChat Pay says it succeeded, a bank transfer when finance records it;
a transfer cancelled, failed or expired was never paid and belongs to no month. The
withholding, the declaration, the ledger and the statistics all read the month through
`paid_in`, so that one transfer is never counted in two months."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from models.money.payouts import Payout, PayoutAccount, PayoutState
from services.common.clock import CHINA

Paid = Payout | PayoutAccount


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The China month holding `month`'s first day, as two aware moments [from, to)."""
    first = month.replace(day=1)
    after = first.replace(year=first.year + 1, month=1) if first.month == 12 \
        else first.replace(month=first.month + 1)
    return (datetime.combine(first, time(), CHINA), datetime.combine(after, time(), CHINA))


def paid_moment(row: Paid) -> datetime:
    """When the transfer was paid (a row not paid yet: when it was made or asked for)."""
    if isinstance(row, PayoutAccount):
        return row.paid_at or row.asked_at
    return row.finished_at or row.created_at


def paid_month(row: Paid) -> date:
    """The first day of the China month the transfer was paid in."""
    return paid_moment(row).astimezone(CHINA).date().replace(day=1)


async def paid_in(month: date, **where: Any) -> list[Paid]:
    """Every fee paid in the China month holding `month`, WeChat transfers and bank
    transfers, narrowed by `where` (person_id=…, activity_id__in=…), in the order paid."""
    since, until = month_bounds(month)
    wechat = await Payout.filter(state=PayoutState.PAID, finished_at__gte=since,
                                 finished_at__lt=until, **where)
    bank = await PayoutAccount.filter(paid_at__gte=since, paid_at__lt=until, **where)
    rows: list[Paid] = [*wechat, *bank]
    return sorted(rows, key=lambda r: (paid_moment(r), isinstance(r, PayoutAccount), r.id))
