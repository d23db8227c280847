"""Fees: what is owed and when, and paying it — the QR code (for another phone or a PC) and
the JSAPI parameters for paying inside the mini-program, both bound to the caller's own
orders."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from services.common.errors import NotFound
from services.common.qr import qr_png
from services.payments import FeeItem
from services.payments.invoicing import InvoiceTitle

api = Api()
TAG = "缴费"


class FeeOut(Model):
    kind: str = Field(description="training 培训费 / course 课程费")
    ref_id: int
    title: str
    amount_fen: int
    opens: datetime
    closes: datetime
    paid_at: datetime | None
    state: str = Field(description="paid 已缴 / open 可缴 / not_yet 未开放 / closed 已截止")


class FeesOut(Model):
    enabled: bool
    fees: list[FeeOut]


class CheckoutOut(Model):
    OPAQUE: ClassVar[frozenset[str]] = frozenset({"code_url", "qr_png", "page", "jsapi"})

    out_trade_no: str
    title: str
    amount_fen: int
    deadline: datetime
    code_url: str
    qr_png: str = Field(description="data:image/png;base64,... of code_url")
    page: str = Field(description="在电脑上打开的缴费页面")
    jsapi: dict[str, str] = Field(description="wx.requestPayment 的参数（小程序内支付）")


class OrderOut(Model):
    out_trade_no: str
    title: str
    amount_fen: int
    status: str
    paid_at: datetime | None


class OrdersOut(Model):
    orders: list[OrderOut]


def fee_out(item: FeeItem, now: datetime) -> FeeOut:
    state = ("paid" if item.paid_at else "not_yet" if now < item.opens
             else "closed" if now > item.closes else "open")
    return FeeOut(kind=item.kind, ref_id=item.ref_id, title=item.title,
                  amount_fen=item.amount_fen, opens=item.opens, closes=item.closes,
                  paid_at=item.paid_at, state=state)


@api.route("GET", "/payments/fees", access=Access.BOUND, response=FeesOut,
           summary="我的应缴费用（培训费、课程费）及缴费时间", tag=TAG)
async def fees(call: Call) -> FeesOut:
    payments = call.domain.payments
    person = call.caller.need_person()
    return FeesOut(enabled=payments.enabled,
                   fees=[fee_out(i, call.now) for i in await payments.fee_items(person.id)])


@api.route("POST", "/payments/fees/{kind}/{ref_id}/checkout", access=Access.BOUND,
           response=CheckoutOut, summary="缴费：二维码（Native）与小程序内支付参数（JSAPI）",
           tag=TAG)
async def checkout(call: Call) -> CheckoutOut:
    payments = call.domain.payments
    person = call.caller.need_person()
    native, jsapi = await payments.pay_in_mini_program(
        person.id, call.path("kind"), call.path_int("ref_id"),
        call.caller.need_identity().openid, call.now)
    item, code_url = native.item, native.order.code_url or ""
    png = await qr_png(code_url)
    return CheckoutOut(out_trade_no=native.order.out_trade_no, title=item.title,
                       amount_fen=item.amount_fen, deadline=native.deadline, code_url=code_url,
                       qr_png="data:image/png;base64," + base64.b64encode(png).decode(),
                       page=payments.page_link(item, person.id), jsapi=jsapi)


@api.route("GET", "/payments/orders", access=Access.BOUND, response=OrdersOut,
           summary="我的缴费订单", tag=TAG)
async def orders(call: Call) -> OrdersOut:
    person = call.caller.need_person()
    rows = await call.domain.payments.orders_of(person.id)
    return OrdersOut(orders=[OrderOut(**row) for row in rows])


class MyInvoiceOut(Model):
    payable_id: int
    title: str
    amount: str = Field(description="金额，如 200.00元")
    state: str = Field(description="issuing 开具中 / issued 已开具 / failed 开具失败 / "
                                   "reversing 冲红中 / reversed 已冲红")
    state_title: str
    buyer: str = Field(description="发票抬头：单位名称，或个人抬头时缴费人的姓名")
    number: str | None = Field(description="发票号码")
    red_number: str | None = Field(description="红字发票号码（冲红后）")
    issued_at: datetime | None
    url: str | None = Field(description="发票文件（PDF/OFD）的下载地址，30天内有效")


class MyInvoicesOut(Model):
    invoices: list[MyInvoiceOut]


@api.route("GET", "/payments/invoices", access=Access.BOUND, response=MyInvoicesOut,
           summary="我的电子发票（含下载地址）", tag=TAG)
async def my_invoices(call: Call) -> MyInvoicesOut:
    person = call.caller.need_person()
    texts = call.services.texts
    rows = await call.domain.einvoices.of_person(person.id, call.now)
    return MyInvoicesOut(invoices=[MyInvoiceOut(
        payable_id=r.payable_id, title=r.title, amount=r.amount, state=r.state,
        state_title=texts.word("fapiao_state", r.state), buyer=r.buyer, number=r.number,
        red_number=r.red_number, issued_at=r.issued_at, url=r.link) for r in rows])


class InvoiceTitleIn(Model):
    title_type: Literal["person", "unit"] = Field(
        description="发票抬头类型：person 个人（缴费人本人）/ unit 单位（如单位报销培训费）")
    unit_name: str | None = Field(default=None, max_length=100,
                                  description="单位名称（抬头类型为单位时必填）")
    credit_code: str | None = Field(default=None, max_length=32, description=(
        "单位的统一社会信用代码，即纳税人识别号（抬头类型为单位时必填，按 GB 32100 校验）"))


class InvoiceTitleOut(Model):
    title_type: str = Field(description="person 个人 / unit 单位")
    title_type_title: str = Field(description="抬头类型（中文）")
    unit_name: str | None = Field(description="单位名称（单位抬头）")
    credit_code: str | None = Field(description="单位的统一社会信用代码（单位抬头）")


async def _fee(call: Call) -> FeeItem:
    """The caller's own fee named by the path."""
    kind, ref_id = call.path("kind"), call.path_int("ref_id")
    person = call.caller.need_person()
    for item in await call.domain.payments.fee_items(person.id):
        if item.kind == kind and item.ref_id == ref_id:
            return item
    raise NotFound("invoice.no_such_fee")


def title_out(call: Call, title: InvoiceTitle) -> InvoiceTitleOut:
    return InvoiceTitleOut(title_type=title.kind,
                           title_type_title=call.services.texts.word("invoice_title", title.kind),
                           unit_name=title.unit_name, credit_code=title.unit_code)


@api.route("GET", "/payments/fees/{kind}/{ref_id}/invoice-title", access=Access.BOUND,
           response=InvoiceTitleOut, summary="这笔费用的发票抬头（个人或单位）", tag=TAG)
async def invoice_title(call: Call) -> InvoiceTitleOut:
    item = await _fee(call)
    return title_out(call, await call.domain.invoices.title(
        call.caller.need_person().id, item.kind, item.ref_id))


@api.route("PUT", "/payments/fees/{kind}/{ref_id}/invoice-title", access=Access.BOUND,
           body=InvoiceTitleIn, response=InvoiceTitleOut, tag=TAG,
           summary="选择发票抬头：个人，或单位名称和统一社会信用代码（缴费前或开票前可改）")
async def set_invoice_title(call: Call, body: InvoiceTitleIn) -> InvoiceTitleOut:
    item = await _fee(call)
    title = InvoiceTitle.parse(body.title_type, body.unit_name, body.credit_code)
    return title_out(call, await call.domain.invoices.set_title(
        call.caller.need_person().id, item, title))
