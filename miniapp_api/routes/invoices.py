"""Invoices for the finance staff (administrators): the requests waiting, their export, and the
invoice number recorded once issued (the payer is told)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.payments.invoices import InvoiceRow

api = Api()
TAG = "发票"
FINANCE = {Role.ADMIN}


class InvoiceOut(Model):
    payable_id: int
    title: str
    amount_yuan: str
    paid_at: datetime
    order_no: str
    payer: str
    email: str = Field(description="电子发票的接收邮箱")
    requested_at: datetime
    invoice_no: str | None


class InvoicesOut(Model):
    invoices: list[InvoiceOut]


class InvoicesQuery(Model):
    issued: bool = Field(default=False, description="是：已开具的；否：待开具的")


class InvoiceIn(Model):
    invoice_no: str = Field(min_length=4, max_length=64, description="发票号码或电子发票号")


def _out(r: InvoiceRow) -> InvoiceOut:
    return InvoiceOut(payable_id=r.payable_id, title=r.title, amount_yuan=r.amount,
                      paid_at=r.paid_at, order_no=r.order_no, payer=r.payer, email=r.email,
                      requested_at=r.requested_at, invoice_no=r.invoice_no)


@api.route("GET", "/admin/invoices", access=FINANCE, query=InvoicesQuery,
           response=InvoicesOut, summary="发票申请：待开具（默认）或已开具，按申请时间排列",
           tag=TAG)
async def invoice_list(call: Call, query: InvoicesQuery) -> InvoicesOut:
    rows = await call.domain.invoices.requests(issued=query.issued)
    return InvoicesOut(invoices=[_out(r) for r in rows])


@api.route("GET", "/admin/invoices.csv", access=FINANCE, query=InvoicesQuery, response=None,
           summary="导出发票申请（CSV，Excel 可直接打开）", tag=TAG)
async def invoice_export(call: Call, query: InvoicesQuery) -> web.Response:
    invoices = call.domain.invoices
    body = invoices.csv(await invoices.requests(issued=query.issued))
    name = "invoices-issued.csv" if query.issued else "invoices-pending.csv"
    return web.Response(text=body, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f"attachment; filename={name}"})


@api.route("POST", "/admin/invoices/{payable_id}", access=FINANCE, body=InvoiceIn,
           response=InvoiceOut, summary="登记已开具的发票号码（缴费人会收到通知）", tag=TAG)
async def invoice_record(call: Call, body: InvoiceIn) -> InvoiceOut:
    invoices = call.domain.invoices
    payable = await invoices.record(call.path_int("payable_id"), body.invoice_no, call.now)
    (row,) = await invoices.rows([payable])
    return _out(row)
