"""The monthly withholding declaration list (扣缴申报): the payer of 劳务报酬 withholds and
declares it (IIT-LAW Art. 9), naming each payee by their ID number, with the income, the
deduction, the taxable income, the rate, the quick deduction and the tax of each payment
(TAX-61 Art. 8). Finance reads and exports it per China month: every fee WeChat Pay paid,
or finance transferred into an expert's bank account, in the month it was paid in
(services/fees/paid_month.py), those with no tax included (the declaration covers every
payment); one project's fees to one payee in the month are one payment (IIT-REG Art. 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.draws import DrawActivity
from models.money.payouts import Payout, PayoutAccount
from models.people import Person
from services.common.clock import CHINA
from services.fees.paid_month import paid_in, paid_moment
from services.fees.withholding import deduction, withhold


@dataclass(frozen=True)
class Declared:
    """One payment on the list (一次, TAX-61 Art. 8): one fee, or one project's fees to one
    payee in the month taken together (IIT-REG Art. 14), with the arithmetic of its
    withholding: the income and its deduction, taxable income, rate and quick deduction as
    the sum's, the tax what was withheld."""

    person: Person
    paid: list[Payout | PayoutAccount]  # WeChat transfers, or bank transfers finance recorded
    gross_fen: int
    deduction_fen: int  # 减除费用: 800 yuan, or 20 % of an income above 4,000
    taxable_fen: int
    rate_pct: int
    quick_fen: int  # 速算扣除数
    tax_fen: int
    net_fen: int
    paid_on: date  # China date of the last payment
    by_bank: bool  # every one into a bank account


class Declaration:
    """Finance's monthly withholding declaration (扣缴申报)."""

    @staticmethod
    async def of_month(month: date) -> list[Declared]:
        """Every fee paid in the China month, by WeChat transfer or into a bank account, one
        project's to one payee taken together, in the order of their last payment."""
        paid = [(paid_moment(r), r) for r in await paid_in(month)]
        project_of = dict(await DrawActivity.filter(
            id__in={r.activity_id for _, r in paid}).values_list("id", "project_id"))
        groups: dict[tuple[int, int], list[tuple[datetime, Payout | PayoutAccount]]] = {}
        for at, row in paid:
            groups.setdefault((row.person_id, project_of.get(row.activity_id, 0)), []).append(
                (at, row))
        people = {p.id: p for p in await Person.filter(id__in={r.person_id for _, r in paid})}
        out = []
        for (person_id, _), rows in sorted(groups.items(), key=lambda g: (g[1][-1][0],
                                                                          g[1][-1][1].id)):
            gross = sum(r.gross_fen or r.amount_fen for _, r in rows)
            whole = withhold(gross)
            out.append(Declared(
                people[person_id], [r for _, r in rows], gross, deduction(gross),
                whole.taxable_fen, whole.rate_pct, whole.quick_fen,
                sum(r.tax_fen for _, r in rows), sum(r.amount_fen for _, r in rows),
                rows[-1][0].astimezone(CHINA).date(),
                all(isinstance(r, PayoutAccount) for _, r in rows)))
        return out
