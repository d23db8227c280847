"""The monthly withholding declaration list (扣缴申报): the payer of 劳务报酬 withholds and
declares it (IIT-LAW Art. 9), naming each payee by their ID number, with the income, the
deduction, the taxable income, the rate, the quick deduction and the tax of each payment
(TAX-61 Art. 8). Finance reads and exports it per China month: every fee WeChat Pay paid,
or finance transferred into an expert's bank account, in the month, those with no tax
included (the declaration covers every payment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from models.payouts import Payout, PayoutAccount, PayoutState
from models.people import Person
from services.common.clock import CHINA
from services.fees.withholding import deduction, quick_for


@dataclass(frozen=True)
class Declared:
    """One payment on the list: the payee and the arithmetic of its withholding."""

    person: Person
    paid: Payout | PayoutAccount  # a WeChat transfer, or a bank transfer finance recorded
    deduction_fen: int  # 减除费用: 800 yuan, or 20 % of an income above 4,000
    quick_fen: int  # 速算扣除数
    paid_on: date  # China date
    by_bank: bool


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The China month holding `month`'s first day, as two aware moments [from, to)."""
    first = month.replace(day=1)
    after = first.replace(year=first.year + 1, month=1) if first.month == 12 \
        else first.replace(month=first.month + 1)
    return (datetime.combine(first, time(), CHINA), datetime.combine(after, time(), CHINA))


async def declared(month: date) -> list[Declared]:
    """Every fee paid in the China month, by WeChat transfer or into a bank account, in the
    order paid."""
    since, until = month_bounds(month)
    wechat = await Payout.filter(state=PayoutState.PAID, finished_at__gte=since,
                                 finished_at__lt=until)
    bank = await PayoutAccount.filter(paid_at__gte=since, paid_at__lt=until)
    paid: list[tuple[datetime, Payout | PayoutAccount]] = [
        *((p.finished_at or p.created_at, p) for p in wechat),
        *((a.paid_at or a.asked_at, a) for a in bank)]
    paid.sort(key=lambda row: (row[0], row[1].id))
    people = {p.id: p for p in await Person.filter(id__in={r.person_id for _, r in paid})}
    return [Declared(people[r.person_id], r, deduction(r.gross_fen or r.amount_fen),
                     quick_for(r.tax_rate), at.astimezone(CHINA).date(),
                     isinstance(r, PayoutAccount))
            for at, r in paid]


class Declaration:
    """Finance's monthly withholding declaration (扣缴申报)."""

    of_month = staticmethod(declared)
