"""Fees paid by WeChat Pay: which fees a person owes and when, one order per attempt, and
settlement from the notification or the reconciler — once, under a row lock.

An order's code_url lives 2 hours at WeChat Pay; we reuse it for 110 minutes, then a new
order (new out_trade_no) replaces it and the old one is closed. A fee paid twice (a QR on a
PC screen and the mini-program at the same moment) keeps the first payment and refunds the
second."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import LockError
from tortoise.expressions import Q

from models.applications import AppKind, Application, AppStatus
from models.learning.education import Enrollment
from models.money.payments import FeeKind, OrderStatus, Payable, PayOrder
from models.people import Person
from services.common.clock import china_time
from services.common.errors import Conflict, Locked, NotFound, Unavailable
from services.common.links import Links
from services.common.pii import mask_email
from services.common.reactions import Announcer, Happened, Happening, Paid
from services.common.redis_keys import CHECKOUT_LOCK_TTL, RedisKeys
from services.notifications import Change, Outbox
from services.payments.fee_items import Checkout, FeeItem, PaidRecord, new_trade_no
from services.payments.gateway import PayError, PayGateway, Trade
from services.payments.invoicing.invoices import InvoiceTitle, invoice_email, title_of

log = logging.getLogger(__name__)

ORDER_TTL = timedelta(hours=2)  # WeChat Pay: a code_url is valid 2 h
REUSE_FOR = timedelta(minutes=110)
OPENS_AFTER_APPROVAL = timedelta(days=5)
NOTIFY_GRACE = timedelta(minutes=1)  # the reconciler leaves younger orders to the notification
PAY_LINK = "pay"
# the receipt's words on the invoice (the title, masked email): what this service will do
InvoiceWords = Callable[[InvoiceTitle, str], str]
UNSETTLED = (OrderStatus.CREATING, OrderStatus.OPEN, OrderStatus.CLOSING)


class PaymentMismatch(Exception):
    """A verified transaction does not match our order (mchid, appid, amount, order)."""


class Payments:
    def __init__(self, gateway: PayGateway | None, outbox: Outbox, redis: Redis,
                 keys: RedisKeys, links: Links, invoice_words: InvoiceWords,
                 announcer: Announcer) -> None:
        self.gateway = gateway
        self.announcer = announcer  # tells the contexts above what was paid
        self.invoice_words = invoice_words  # the receipt's words on how it is invoiced
        self.links = links
        self.outbox = outbox
        self.redis = redis
        self.keys = keys

    def _gateway(self) -> PayGateway:
        if self.gateway is None:
            raise Unavailable("payment.off")
        return self.gateway

    @property
    def enabled(self) -> bool:
        return self.gateway is not None

    def page_link(self, item: FeeItem, person_id: int) -> str:
        """The signed web page showing this fee's QR code on a PC screen."""
        subject = f"{item.kind}:{item.ref_id}"
        return self.links.url(f"/pay/{item.kind}/{item.ref_id}", PAY_LINK, subject, person_id,
                              item.closes.timestamp())

    # -- what is owed ----------------------------------------------------------------------
    async def fee_items(self, person_id: int) -> list[FeeItem]:
        """Every fee of the person, paid or not, oldest first."""
        paid = {(p.kind, p.ref_id): p.paid_at
                for p in await Payable.filter(person_id=person_id, paid_at__not_isnull=True)}
        items: list[FeeItem] = []
        apps = await Application.filter(
            person_id=person_id, status=AppStatus.APPROVED,
            kind__in=[AppKind.NEW, AppKind.RENEWAL]).prefetch_related("batch")
        for app in apps:
            batch = app.batch
            if batch.fee_fen <= 0 or app.decided_at is None:
                continue
            opens = app.decided_at + OPENS_AFTER_APPROVAL
            items.append(FeeItem(FeeKind.TRAINING, app.id, f"{batch.name} 培训费",
                                 batch.fee_fen, opens, batch.pay_until or opens + timedelta(
                                     days=30), paid.get((FeeKind.TRAINING, app.id))))
        for item in await Enrollment.filter(person_id=person_id).prefetch_related("course"):
            course = item.course
            if course.fee_fen <= 0:
                continue
            items.append(FeeItem(FeeKind.COURSE, item.id, f"{course.title} 课程费",
                                 course.fee_fen, item.created_at, course.study_until,
                                 paid.get((FeeKind.COURSE, item.id))))
        return sorted(items, key=lambda i: i.opens)

    async def due(self, person_id: int, now: datetime) -> FeeItem:
        """The fee to pay now; refuses with the reason when there is none."""
        items = await self.fee_items(person_id)
        unpaid = [i for i in items if i.paid_at is None]
        if not unpaid:
            if items:
                items[-1].require_unpaid()
            raise NotFound("payment.nothing_due")
        open_now = [i for i in unpaid if i.opens <= now <= i.closes]
        if open_now:
            return open_now[0]
        unpaid[0].require_open(now)
        raise AssertionError("unreachable")

    async def pay_in_mini_program(self, person_id: int, kind: str, ref_id: int, openid: str,
                                  now: datetime) -> tuple[Checkout, dict[str, str]]:
        """Both ways to pay one fee from the mini-program: the QR code's order (for another
        phone or a PC) and wx.requestPayment's signed parameters of a JSAPI order."""
        native, params = await self.pay_item(person_id, await self.item(person_id, kind, ref_id),
                                             openid, now)
        assert params is not None
        return native, params

    async def pay_item(self, person_id: int, item: FeeItem, openid: str | None,
                       now: datetime) -> tuple[Checkout, dict[str, str] | None]:
        """The QR code's order of `item`, and with the payer's mini-program `openid`
        wx.requestPayment's parameters of a JSAPI order too."""
        native = await self.checkout(person_id, item, now)
        if openid is None:
            return native, None
        inside = await self.checkout(person_id, item, now, trade_type="jsapi", openid=openid)
        assert inside.order.prepay_id is not None
        return native, self._gateway().jsapi_params(inside.order.prepay_id)

    async def item(self, person_id: int, kind: str, ref_id: int) -> FeeItem:
        for item in await self.fee_items(person_id):
            if item.kind == kind and item.ref_id == ref_id:
                return item
        raise NotFound("payment.no_fee")

    # -- ordering --------------------------------------------------------------------------
    async def checkout(self, person_id: int, item: FeeItem, now: datetime, *,
                       trade_type: str = "native", openid: str | None = None) -> Checkout:
        """An order to pay `item` with: the open one while younger than 110 minutes, else a
        new one (and the old one closed)."""
        gateway = self._gateway()
        item.require_unpaid()
        item.require_open(now)
        lock = self.redis.lock(self.keys.checkout_lock(item.kind, item.ref_id),
                               timeout=CHECKOUT_LOCK_TTL, blocking_timeout=8)
        try:
            async with lock:
                return await self._checkout(gateway, person_id, item, now, trade_type, openid)
        except LockError:
            raise Locked("payment.busy") from None

    async def _checkout(self, gateway: PayGateway, person_id: int, item: FeeItem,
                        now: datetime, trade_type: str, openid: str | None) -> Checkout:
        payable, _ = await Payable.get_or_create(kind=item.kind, ref_id=item.ref_id, defaults={
            "person_id": person_id, "title": item.title, "amount_fen": item.amount_fen})
        if payable.paid_at is not None:
            raise Conflict("payment.already_paid", item=item.title, paid_at=payable.paid_at)
        current = await PayOrder.filter(payable_id=payable.id, trade_type=trade_type,
                                        status=OrderStatus.OPEN).order_by("-created_at").first()
        if current is not None and now - current.created_at < REUSE_FOR \
                and current.amount_fen == item.amount_fen \
                and (trade_type == "native" or current.payer_openid == openid):
            return Checkout(item, current, reused=True)
        order = await PayOrder.create(
            out_trade_no=new_trade_no(now), payable_id=payable.id, trade_type=trade_type,
            amount_fen=item.amount_fen, payer_openid=openid,
            expires_at=min(now + ORDER_TTL, max(item.closes, now + timedelta(minutes=5))))
        attach = f"{item.kind}:{item.ref_id}"
        try:
            if trade_type == "native":
                order.code_url = await gateway.native(order.out_trade_no, item.title,
                                                      item.amount_fen, order.expires_at, attach)
            else:
                assert openid is not None
                order.prepay_id = await gateway.jsapi(order.out_trade_no, item.title,
                                                      item.amount_fen, order.expires_at,
                                                      attach, openid)
        except PayError as exc:
            log.warning("order %s not created: %s", order.out_trade_no, exc)
            # left CREATING: the reconciler asks WeChat Pay and closes it if it exists
            raise Unavailable("payment.gateway_down") from None
        order.status = OrderStatus.OPEN
        await order.save(update_fields=["code_url", "prepay_id", "status"])
        if current is not None:
            await self._replace(current)
        return Checkout(item, order, reused=False)

    async def _replace(self, old: PayOrder) -> None:
        """Close an order a newer attempt replaced (the reconciler finishes what fails)."""
        await PayOrder.filter(id=old.id, status=OrderStatus.OPEN).update(
            status=OrderStatus.CLOSING)
        await self._close(old)

    async def _close(self, order: PayOrder) -> None:
        try:
            await self._gateway().close(order.out_trade_no)
        except PayError as exc:
            log.info("closing order %s: %s (left to the reconciler)", order.out_trade_no, exc)
            return
        await PayOrder.filter(id=order.id, status__in=UNSETTLED).update(
            status=OrderStatus.CLOSED)

    # -- settling --------------------------------------------------------------------------
    async def settle(self, trade: Trade, now: datetime, source: str) -> str:
        """Apply a verified transaction once. Returns paid / duplicate / already / pending;
        raises PaymentMismatch when it does not match our order (nothing is credited)."""
        gateway = self._gateway()
        if trade.mchid != gateway.mchid or trade.appid not in gateway.appids():
            raise PaymentMismatch(f"mchid/appid of {trade.out_trade_no!r}")
        async with self.outbox.change(now) as change:
            order = await PayOrder.select_for_update().get_or_none(
                out_trade_no=trade.out_trade_no)
            if order is None:
                raise PaymentMismatch(f"no order {trade.out_trade_no!r}")
            if trade.total_fen != order.amount_fen or trade.currency != "CNY":
                raise PaymentMismatch(f"amount of {trade.out_trade_no}: {trade.total_fen} "
                                      f"!= {order.amount_fen}")
            if trade.trade_state != "SUCCESS":
                return "pending"
            if order.status in (OrderStatus.PAID, OrderStatus.DUPLICATE, OrderStatus.REFUNDED):
                return "already"
            payable = await Payable.select_for_update().get(id=order.payable_id)
            # in UTC, as every stored time (SQLite compares the text: a +08:00 time after
            # 16:00 China time would fall outside its own day's span)
            paid_at = (trade.success_time or now).astimezone(UTC)
            order.transaction_id, order.paid_at, order.settled_by = \
                trade.transaction_id, paid_at, source
            # who paid (a QR code is scanned by anyone): the e-invoice's file is theirs
            order.payer_openid = order.payer_openid or trade.payer_openid or None
            if payable.paid_at is not None:
                order.status = OrderStatus.DUPLICATE
                await order.save(update_fields=["status", "transaction_id", "paid_at",
                                                "settled_by"])
                log.error("fee %s paid twice (order %s): refunding", payable.id,
                          order.out_trade_no)
                await change.notify("payment.duplicate", {
                    "item": payable.title, "amount": f"{order.amount_fen / 100:.2f}元",
                    "at": china_time(paid_at)}, person_id=payable.person_id)
                return "duplicate"
            order.status = OrderStatus.PAID
            await order.save(update_fields=["status", "transaction_id", "paid_at",
                                            "settled_by", "payer_openid"])
            person = await Person.get(id=payable.person_id)
            payable.paid_at, payable.order_no = paid_at, order.out_trade_no
            # an agency's fee sheet is the experts' money passing through: no invoice
            invoiced = payable.kind != FeeKind.FEE_SHEET
            email = await invoice_email(payable, person) if invoiced else None
            payable.invoice_email, payable.invoice_requested_at = email, now if invoiced else None
            await payable.save(update_fields=["paid_at", "order_no", "invoice_email",
                                              "invoice_requested_at"])
            await self._grant(payable, order, paid_at, change)
            await change.notify("payment.paid", {
                "item": payable.title, "amount": f"{order.amount_fen / 100:.2f}元",
                "at": china_time(paid_at), "order_no": order.out_trade_no,
                "invoice": self.invoice_words(title_of(payable), mask_email(email) if email
                                              else "") if invoiced else ""},
                person_id=payable.person_id)
        return "paid"

    async def _grant(self, payable: Payable, order: PayOrder, paid_at: datetime,
                     change: Change) -> None:
        """What the fee buys is the business of the contexts above (services/reactions.py:
        a course opens, the training's sessions are sent, a fee sheet goes to finance):
        the payment is announced once, inside its own transaction."""
        await self.announcer.announce(Happened(
            Happening.PAID, payable.person_id, paid_at,
            Paid(str(payable.kind), payable.ref_id, order.amount_fen,
                 order.transaction_id or order.out_trade_no), change))

    # -- the backstop ----------------------------------------------------------------------
    async def reconcile(self, now: datetime, limit: int = 200) -> Counter[str]:
        """Ask WeChat Pay about orders whose notification never came, close replaced and
        expired ones, and refund duplicates."""
        counts: Counter[str] = Counter()
        if self.gateway is None:
            return counts
        orders = await PayOrder.filter(
            Q(status__in=UNSETTLED), Q(created_at__lt=now - NOTIFY_GRACE),
            Q(checked_at=None) | Q(checked_at__lt=now - NOTIFY_GRACE)).limit(limit)
        for order in orders:
            counts[await self._check(order, now)] += 1
        for order in await PayOrder.filter(status=OrderStatus.DUPLICATE).limit(limit):
            counts[await self._refund(order, now)] += 1
        return counts

    async def _check(self, order: PayOrder, now: datetime) -> str:
        try:
            trade = await self._gateway().query(order.out_trade_no)
        except PayError as exc:
            log.info("reconcile %s: %s", order.out_trade_no, exc)
            return "unreachable"
        await PayOrder.filter(id=order.id).update(checked_at=now)
        if trade.trade_state == "SUCCESS":
            try:
                return await self.settle(trade, now, "reconcile")
            except PaymentMismatch as exc:
                log.error("reconcile: %s", exc)
                return "mismatch"
        if trade.trade_state == "NOTEXIST":
            if order.status == OrderStatus.CREATING:
                await PayOrder.filter(id=order.id, status=OrderStatus.CREATING).update(
                    status=OrderStatus.CLOSED)
                return "closed"
            return "missing"
        if trade.trade_state == "CLOSED":
            await PayOrder.filter(id=order.id, status__in=UNSETTLED).update(
                status=OrderStatus.CLOSED)
            return "closed"
        if order.status in (OrderStatus.CLOSING, OrderStatus.CREATING) or now > order.expires_at:
            await self._close(order)
            return "closed"
        return "open"

    async def _refund(self, order: PayOrder, now: datetime) -> str:
        try:
            await self._gateway().refund(order.out_trade_no, "R" + order.out_trade_no[1:],
                                         order.amount_fen, "重复支付退款")
        except PayError as exc:
            log.warning("refund of %s: %s", order.out_trade_no, exc)
            return "refund_failed"
        await PayOrder.filter(id=order.id, status=OrderStatus.DUPLICATE).update(
            status=OrderStatus.REFUNDED)
        return "refunded"

    async def history(self, person_id: int) -> list[PaidRecord]:
        """The person's fees, paid ones with the order that paid them, newest first."""
        payables = await Payable.filter(person_id=person_id).order_by("-created_at").limit(20)
        paid = {o.out_trade_no: o for o in await PayOrder.filter(
            out_trade_no__in=[p.order_no for p in payables if p.order_no])}
        return [PaidRecord(p.title, f"{p.amount_fen / 100:.2f}元", p.paid_at, p.order_no,
                           paid[p.order_no].transaction_id if p.order_no in paid else None,
                           p.invoice_requested_at, p.invoice_no, p.refunded_at)
                for p in payables]

    async def orders_of(self, person_id: int) -> list[dict[str, Any]]:
        """The person's orders, newest first (for the mini-program)."""
        rows = await PayOrder.filter(payable__person_id=person_id).prefetch_related(
            "payable").order_by("-created_at").limit(50)
        return [{"out_trade_no": o.out_trade_no, "title": o.payable.title,
                 "amount_fen": o.amount_fen, "status": o.status,
                 "paid_at": o.paid_at} for o in rows]
