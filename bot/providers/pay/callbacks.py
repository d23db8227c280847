"""`POST /pay/notify`: WeChat Pay's payment notifications.

Verify the signature over the raw body (probes and stale timestamps refused), decrypt, check
against our order under a row lock and apply once; answer 204 only after the commit. Any
refusal is a 4xx (WeChat Pay retries, and nothing was credited); a failure of ours is a 500."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from aiohttp import web

from bot.errors import TooLarge
from bot.providers.pay.client import NotificationVerifier, parse_trade
from bot.providers.pay.transfer import parse_authorization, parse_bill
from bot.wechat.callback import read_capped
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.metrics import PAY_NOTIFICATIONS
from services.fees import AuthorisationMismatch, PayoutMismatch, Payouts
from services.payments import NotificationRejected, PaymentMismatch, Payments
from services.payments.invoicing import EInvoices

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024


@dataclass(frozen=True)
class PayNotifications:
    """What the notification endpoint uses: the verifier and the payments service."""

    verifier: NotificationVerifier
    payments: Payments
    einvoices: EInvoices | None = None  # 电子发票: FAPIAO.ISSUED / FAPIAO.REVERSED
    # 商家转账: MCHTRANSFER.BILL.FINISHED, and MCHTRANSFER.AUTHORIZATION.CONFIRMED / .CLOSED
    # of an expert's 免确认收款授权
    payouts: Payouts | None = None
    # the service's clock: a notification is applied at the service's moment, as every
    # request is (a test's clock moved a month on pays the transfer in that month)
    clock: Clock = SYSTEM_CLOCK


# unset while payments are not configured: the endpoint then answers 404
PAY_NOTIFY = web.AppKey("pay_notify", PayNotifications)


def _fail(status: int, message: str) -> web.Response:
    return web.json_response({"code": "FAIL", "message": message}, status=status)


async def pay_notify(request: web.Request) -> web.Response:
    pay = request.app.get(PAY_NOTIFY)
    if pay is None:
        return _fail(404, "payments are not configured")
    try:
        raw = await read_capped(request, MAX_BODY)
    except TooLarge:
        return _fail(413, "body too large")
    try:
        data = pay.verifier.open(request.headers, raw.decode("utf-8"), time.time())
    except (NotificationRejected, UnicodeDecodeError) as exc:
        log.warning("pay notification refused: %s", exc)
        PAY_NOTIFICATIONS.labels("refused").inc()
        return _fail(401, "signature verification failed")
    event = data.pop("event_type", "")
    if event.startswith("FAPIAO.") and pay.einvoices is not None:
        apply_id = str(data.get("fapiao_apply_id", ""))
        followed = await pay.einvoices.notified(apply_id, pay.clock.now())
        log.info("fapiao notification %s: %s", event, "followed" if followed else "unknown")
        return web.Response(status=204)
    if event.startswith("MCHTRANSFER.AUTHORIZATION.") and pay.payouts is not None:
        return await _authorisation(pay.payouts, data, pay.clock)
    if event.startswith("MCHTRANSFER.") and pay.payouts is not None:
        return await _transfer(pay.payouts, data, pay.clock)
    if not event.startswith("TRANSACTION."):
        return web.Response(status=204)  # refund results: our refund calls already recorded them
    try:
        trade = parse_trade(data)
    except NotificationRejected as exc:
        log.warning("pay notification malformed: %s", exc)
        PAY_NOTIFICATIONS.labels("malformed").inc()
        return _fail(400, "malformed notification")
    try:
        outcome = await pay.payments.settle(trade, pay.clock.now(), "notify")
    except PaymentMismatch as exc:
        log.error("pay notification does not match our order: %s", exc)
        PAY_NOTIFICATIONS.labels("mismatch").inc()
        return _fail(400, "order mismatch")
    log.info("pay notification %s: %s", trade.out_trade_no, outcome)
    PAY_NOTIFICATIONS.labels(outcome).inc()
    return web.Response(status=204)


async def _transfer(payouts: Payouts, data: dict[str, object], clock: Clock) -> web.Response:
    """A transfer bill's final state, applied once (a repeat changes nothing)."""
    try:
        bill = parse_bill(data)
        outcome = await payouts.apply(bill, clock.now())
    except NotificationRejected as exc:
        log.warning("transfer notification malformed: %s", exc)
        PAY_NOTIFICATIONS.labels("malformed").inc()
        return _fail(400, "malformed notification")
    except PayoutMismatch as exc:
        log.error("transfer notification does not match our bill: %s", exc)
        PAY_NOTIFICATIONS.labels("mismatch").inc()
        return _fail(400, "bill mismatch")
    log.info("transfer notification %s: %s", bill.out_bill_no, outcome)
    PAY_NOTIFICATIONS.labels(f"transfer_{outcome}").inc()
    return web.Response(status=204)


async def _authorisation(payouts: Payouts, data: dict[str, object], clock: Clock
                         ) -> web.Response:
    """An expert's 免确认收款授权 agreed or closed, applied once (a repeat changes nothing)."""
    try:
        auth = parse_authorization(data)
        outcome = await payouts.authorisations.apply(auth, clock.now())
    except NotificationRejected as exc:
        log.warning("authorisation notification malformed: %s", exc)
        PAY_NOTIFICATIONS.labels("malformed").inc()
        return _fail(400, "malformed notification")
    except AuthorisationMismatch as exc:
        log.error("authorisation notification does not match ours: %s", exc)
        PAY_NOTIFICATIONS.labels("mismatch").inc()
        return _fail(400, "authorisation mismatch")
    log.info("authorisation notification %s: %s", auth.out_authorization_no, outcome)
    PAY_NOTIFICATIONS.labels(f"authorisation_{outcome}").inc()
    return web.Response(status=204)


def setup_pay_notify(app: web.Application) -> None:
    app.router.add_post("/pay/notify", pay_notify)
