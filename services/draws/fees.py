"""专家酬劳支付情况 (GD-DRAW): after the evaluation the agency records, per expert who
served it, the fee and whether it was paid; each expert sees their own records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.people import Person
from services.common.errors import BadInput, ClosedWindow, NotFound
from services.draws.family import serving
from services.draws.notices import notice_of
from services.draws.oplog import Actor, record

MAX_FEE_FEN = 10_000_000  # 100 000 yuan: above it, a typo


@dataclass(frozen=True)
class FeeRow:
    invitation: Invitation
    name: str  # the agency sees who served once the evaluation is over


@dataclass(frozen=True)
class MyFee:
    invitation: Invitation
    notice: Notice


def _require_finished(activity: DrawActivity) -> None:
    if activity.finished_at is None:
        raise ClosedWindow("fee.not_finished", eval_end=activity.eval_end)


async def fees_of(activity: DrawActivity) -> list[FeeRow]:
    """Every expert who served the evaluation (its 补抽 included), with their fee record."""
    _require_finished(activity)
    rows = await serving(activity)
    names = dict(await Person.filter(id__in=[r.person_id for r in rows]).values_list(
        "id", "name"))
    return [FeeRow(r, str(names.get(r.person_id, ""))) for r in rows]


async def record_fee(activity: DrawActivity, invitation_id: int, amount_fen: int, paid: bool,
                     now: datetime, actor: Actor) -> Invitation:
    _require_finished(activity)
    if not 0 <= amount_fen <= MAX_FEE_FEN:
        raise BadInput("fee.amount", most=MAX_FEE_FEN // 100)
    item = next((r for r in await serving(activity) if r.id == invitation_id), None)
    if item is None:
        raise NotFound("urge.not_in_activity")
    async with in_transaction():
        item.fee_fen, item.fee_paid, item.fee_recorded_at = amount_fen, paid, now
        await item.save(update_fields=["fee_fen", "fee_paid", "fee_recorded_at"])
        await record(activity, actor, "fee", now, invitation=item.id, fen=amount_fen,
                     paid=paid)
    return item


async def my_fees(person_id: int) -> list[MyFee]:
    """An expert's own fee records, newest first."""
    rows = await Invitation.filter(person_id=person_id, status=InvitationStatus.CONFIRMED,
                                   fee_recorded_at__not_isnull=True).order_by("-id").limit(100)
    return [MyFee(r, await notice_of(r)) for r in rows]
