"""One project's continuing income in a month is one payment (IIT-REG Art. 14: "属于同一项目
连续性收入的，以一个月内取得的收入为一次"): an expert paid again in the same China month for
the same project (another section's evaluation, a 复评) is taxed on the month's sum, less
what the earlier payments withheld (docs/rules-that-are-ours.md: the project is the
evaluations' project; the month is the China month a transfer is paid in, the same month the
declaration and the ledger put it in, services/fees/paid_month.py; a WeChat transfer still
waiting or transferring is counted with the month it is being paid in, this one)."""

from __future__ import annotations

from datetime import datetime

from models import column
from models.draws import DrawActivity, Invitation
from models.money.payouts import OPEN, Payout
from services.common.clock import china_today
from services.fees.paid_month import Paid, paid_in
from services.fees.withholding import Withholding, continuing


async def earlier(person_id: int, project_id: int, now: datetime, besides: int
                  ) -> tuple[int, int]:
    """The gross and the tax of the person's other fees for the project paid in the China
    month of `now`, or being paid now (a WeChat transfer waiting or transferring)."""
    roots = await column(DrawActivity.filter(project_id=project_id), "id")
    paid: list[Paid] = [
        *await paid_in(china_today(now), person_id=person_id, activity_id__in=roots),
        *await Payout.filter(person_id=person_id, activity_id__in=roots, state__in=list(OPEN))]
    paid = [p for p in paid if p.invitation_id != besides]
    return (sum(p.gross_fen or p.amount_fen for p in paid), sum(p.tax_fen for p in paid))


async def withholding_of(item: Invitation, root: DrawActivity, now: datetime) -> Withholding:
    """The tax withheld from this fee, the month's earlier ones for the project counted."""
    gross, tax = await earlier(item.person_id, root.project_id, now, item.id)
    return continuing(item.fee_fen or 0, gross, tax)
