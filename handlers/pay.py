"""缴费: the fee due now as a WeChat Pay QR code bound to this person's own order.

The passive reply carries the item, the amount, the deadline and a link for paying on a PC;
the QR image follows as a customer-service image (one passive reply holds one message)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.conversation.filters import Keyword, MenuClick, Text
from bot.conversation.router import Router
from bot.wechat.api import WeChatAPI
from bot.wechat.errors import WeChatAPIError
from bot.wechat.incoming import Incoming
from models.people import Person
from services.common.clock import china_time
from services.common.qr import qr_png
from services.common.texts import Texts
from services.notifications import Outbox
from services.payments import Payments
from services.payments.invoicing import EInvoices

log = logging.getLogger(__name__)

router = Router("pay")


@router.message(Text("缴费记录", "缴费历史", "支付记录", "付款记录", "我的缴费", "已缴费用",
                     "发票", "电子发票", "开发票", "收据", "缴费凭证", "缴费收据"))
@router.message(Keyword("缴费记录", "支付记录", "发票", "收据", "凭证"))
async def payment_history(person: Person | None, texts: Texts, payments: Payments,
                          einvoices: EInvoices) -> str:
    """What was paid (and what is still due), with order numbers, the invoice request and
    the e-invoices with their links; never a new order."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    return texts.render("chat/pay/history.j2", records=await payments.history(person.id),
                        invoices=await einvoices.of_person(person.id, datetime.now(UTC)))


@router.message(Text("缴费", "交费", "支付", "缴纳培训费", "培训费", "缴纳费用"))
@router.message(Keyword("缴费", "交费", "付费", "付款", "培训费"))  # 我想交一下培训费
@router.event(MenuClick("PAY"))
async def pay(person: Person | None, msg: Incoming, texts: Texts, payments: Payments,
              official: WeChatAPI, outbox: Outbox, now: datetime) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    if not payments.enabled:
        return texts.render("chat/pay/off.j2")
    item = await payments.due(person.id, now)
    checkout = await payments.checkout(person.id, item, now)
    assert checkout.order.code_url is not None
    try:
        media_id = await official.upload_image(await qr_png(checkout.order.code_url), "pay.png")
    except WeChatAPIError as exc:
        log.warning("pay QR upload failed: %s", exc)
    else:
        await outbox.notify(now, "chat.reply", {"media_id": media_id}, openid=msg.openid)
    return texts.render("chat/pay/checkout.j2", fee_title=item.title, amount=item.amount_text,
                        deadline=china_time(checkout.deadline),
                        pay_link=payments.page_link(item, person.id))
