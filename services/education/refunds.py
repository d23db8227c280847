"""A training fee refunded, or refused (XJ-SIGNUP: "报名成功并完成缴费的专家…按照规定时间参加
培训、测试,逾期未参加的,不予退费"): before the batch's training begins the applicant may
withdraw and is refunded in full through WeChat Pay; once it has begun, one who did not
attend is refused as the seed says, and one who attended was trained (no refund either)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from models.applications import Application
from models.money.payments import FeeKind, OrderStatus, Payable, PayOrder
from services.common.clock import china_time
from services.common.errors import Conflict, NotFound, Unavailable
from services.education.training import Standing, Training
from services.notifications import Outbox
from services.payments import PayError, PayGateway

log = logging.getLogger(__name__)
REASON = "培训前申请退费"  # the refund's reason at WeChat Pay


@dataclass(frozen=True)
class Refundable:
    payable: Payable
    order: PayOrder


class TrainingRefunds:
    def __init__(self, gateway: PayGateway | None, training: Training, outbox: Outbox) -> None:
        self.gateway = gateway
        self.training = training
        self.outbox = outbox

    async def check(self, app_id: int, person_id: int, now: datetime) -> Refundable:
        """The paid fee that may be refunded now; the refusal, in words saying why, when it
        may not (not paid, refunded, training missed or attended)."""
        app = await Application.get_or_none(id=app_id, person_id=person_id)
        payable = None if app is None else await Payable.get_or_none(
            kind=FeeKind.TRAINING, ref_id=app_id, person_id=person_id)
        if app is None or payable is None:
            raise NotFound("refund.no_fee")
        if payable.refunded_at is not None:
            raise Conflict("refund.refunded", at=payable.refunded_at)
        if payable.paid_at is None or payable.order_no is None:
            raise Conflict("refund.not_paid")
        found = await self.training.standing(app.batch_id, person_id, now)
        if found.standing == Standing.ABSENT:
            assert found.session is not None
            raise Conflict("refund.training_missed", title=found.session.title,
                           start=found.session.starts_at)
        if found.standing == Standing.ATTENDED:
            assert found.session is not None
            raise Conflict("refund.training_attended", title=found.session.title)
        order = await PayOrder.get(out_trade_no=payable.order_no)
        return Refundable(payable, order)

    async def refund(self, app_id: int, person_id: int, now: datetime) -> Payable:
        """Refund the whole fee before the training begins; the applicant is told."""
        found = await self.check(app_id, person_id, now)  # what is refused says why first
        if self.gateway is None:
            raise Unavailable("payment.off")
        order = found.order
        try:
            await self.gateway.refund(order.out_trade_no, "R" + order.out_trade_no[1:],
                                      order.amount_fen, REASON)
        except PayError as exc:
            log.warning("refund of %s: %s", order.out_trade_no, exc)
            raise Unavailable("refund.unavailable") from exc
        async with self.outbox.change(now) as change:
            changed = await Payable.filter(id=found.payable.id, refunded_at=None).update(
                refunded_at=now)
            await PayOrder.filter(id=order.id, status=OrderStatus.PAID).update(
                status=OrderStatus.REFUNDED)
            if changed:
                await change.notify("payment.refunded", {
                    "item": found.payable.title, "amount": f"{order.amount_fen / 100:.2f}元",
                    "at": china_time(now), "order_no": order.out_trade_no},
                    person_id=person_id, dedupe_key=f"refund:{found.payable.id}")
        await found.payable.refresh_from_db()
        return found.payable
