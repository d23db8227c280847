"""One project's continuing income in a month is one payment (IIT-REG Art. 14: "属于同一项目
连续性收入的，以一个月内取得的收入为一次"): an expert paid again in the same China month for
the same project (another section's evaluation, a 复评) is taxed on the month's sum, less
what the earlier payments withheld (docs/rules-that-are-ours.md: the project is the
evaluations' project, the month the China month the payment is made in)."""

from __future__ import annotations

from datetime import datetime

from models import column
from models.draws import DrawActivity, Invitation
from models.money.payouts import OPEN, Payout, PayoutAccount, PayoutState
from services.common.clock import china_today
from services.fees.declaration import month_bounds
from services.fees.withholding import Withholding, continuing


async def earlier(person_id: int, project_id: int, now: datetime, besides: int
                  ) -> tuple[int, int]:
    """The gross and the tax of the person's other fees for the project paid, or being paid,
    in the China month of `now` (a WeChat transfer made or waiting, a bank transfer made)."""
    since, until = month_bounds(china_today(now))
    roots = await column(DrawActivity.filter(project_id=project_id), "id")
    wechat = await Payout.filter(
        person_id=person_id, activity_id__in=roots, state__in=[*OPEN, PayoutState.PAID],
        created_at__gte=since, created_at__lt=until).exclude(invitation_id=besides)
    bank = await PayoutAccount.filter(
        person_id=person_id, activity_id__in=roots, paid_at__gte=since,
        paid_at__lt=until).exclude(invitation_id=besides)
    paid: list[Payout | PayoutAccount] = [*wechat, *bank]
    return (sum(p.gross_fen or p.amount_fen for p in paid), sum(p.tax_fen for p in paid))


async def withholding_of(item: Invitation, root: DrawActivity, now: datetime) -> Withholding:
    """The tax withheld from this fee, the month's earlier ones for the project counted."""
    gross, tax = await earlier(item.person_id, root.project_id, now, item.id)
    return continuing(item.fee_fen or 0, gross, tax)
