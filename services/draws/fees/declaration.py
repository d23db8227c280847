"""The monthly withholding declaration list (扣缴申报): the payer of 劳务报酬 withholds and
declares it (IIT-LAW Art. 9), naming each payee by their ID number, with the income, the
deduction, the taxable income, the rate, the quick deduction and the tax of each payment
(TAX-61 Art. 8). Finance reads and exports it per China month: every fee transfer WeChat
Pay paid in the month, those with no tax included (the declaration covers every payment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from models.payouts import Payout, PayoutState
from models.people import Person
from services.common.clock import CHINA
from services.draws.fees.withholding import deduction, quick_for


@dataclass(frozen=True)
class Declared:
    """One payment on the list: the payee and the arithmetic of its withholding."""

    payout: Payout
    person: Person
    deduction_fen: int  # 减除费用: 800 yuan, or 20 % of an income above 4,000
    quick_fen: int  # 速算扣除数
    paid_on: date  # China date


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The China month holding `month`'s first day, as two aware moments [from, to)."""
    first = month.replace(day=1)
    after = first.replace(year=first.year + 1, month=1) if first.month == 12 \
        else first.replace(month=first.month + 1)
    return (datetime.combine(first, time(), CHINA), datetime.combine(after, time(), CHINA))


async def declared(month: date) -> list[Declared]:
    """Every fee transfer paid in the China month, oldest first."""
    since, until = month_bounds(month)
    paid = await Payout.filter(state=PayoutState.PAID, finished_at__gte=since,
                               finished_at__lt=until).order_by("finished_at", "id")
    people = {p.id: p for p in await Person.filter(id__in={p.person_id for p in paid})}
    return [Declared(p, people[p.person_id], deduction(p.gross_fen or p.amount_fen),
                     quick_for(p.tax_rate),
                     (p.finished_at or p.created_at).astimezone(CHINA).date())
            for p in paid]
