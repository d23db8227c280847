"""Invoices for the finance staff (administrators): the requests waiting, their export, and the
invoice number recorded once issued (the payer is told)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.schemas import Model
from models.people import Role
from services.audit import INVOICES, Filled
from services.common.clock import china_time
from services.payments.invoicing import InvoiceRow

api = Api()
TAG = "发票"
FINANCE = {Role.FINANCE}


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
    state: str | None = Field(default=None, description=(
        "电子发票：issuing 开具中 / issued 已开具 / failed 开具失败 / reversing 冲红中 / "
        "reversed 已冲红；为空表示未通过接口开具"))
    state_title: str = Field(default="", description="状态（中文）")
    error: str | None = Field(default=None, description="最近一次失败的原因")
    emailed_at: datetime | None = Field(default=None, description="邮件服务器接收发票邮件的时间")
    file_type: str | None = Field(default=None, description="pdf / ofd：已保存的发票文件")
    red_no: str | None = Field(default=None, description="红字发票号码")
    buyer_type: str = Field(default="person", description="发票抬头类型：person 个人 / unit 单位")
    buyer_type_title: str = Field(default="", description="抬头类型（中文）")
    buyer: str = Field(default="", description="发票抬头：单位名称，或个人抬头时缴费人的姓名")
    buyer_code: str | None = Field(default=None,
                                   description="单位的统一社会信用代码（纳税人识别号）")


class InvoicesOut(PageOut):
    invoices: list[InvoiceOut]


class InvoicesQuery(Model):
    issued: bool = Field(default=False, description="是：已开具的；否：待开具的")


class InvoicesPageQuery(InvoicesQuery, PageQuery):
    pass


class InvoiceIn(Model):
    invoice_no: str = Field(min_length=4, max_length=64, description="发票号码或电子发票号")


class IssueManyIn(Model):
    payable_ids: list[int] = Field(min_length=1, max_length=200, description="要开具的缴费编号")


class IssuedManyOut(Model):
    asked: int = Field(description="已提交开具的张数")
    refused: dict[str, str] = Field(description="未能提交的：缴费编号 → 原因")


class ReverseIn(Model):
    reason: str = Field(pattern="^(SALES_RETURN|SERVICE_SUSPENSION|ISSUE_ERROR|SALES_DISCOUNT)$",
                        description="冲红原因：SALES_RETURN 销货退回（退款）/ SERVICE_SUSPENSION "
                                    "服务中止 / ISSUE_ERROR 开票有误 / SALES_DISCOUNT 销售折让")


def _out(r: InvoiceRow, call: Call | None = None) -> InvoiceOut:
    title = call.services.texts.word("fapiao_state", r.state) if call and r.state else ""
    return InvoiceOut(payable_id=r.payable_id, title=r.title, amount_yuan=r.amount,
                      paid_at=r.paid_at, order_no=r.order_no, payer=r.payer, email=r.email,
                      requested_at=r.requested_at, invoice_no=r.invoice_no, state=r.state,
                      state_title=title, error=r.error, emailed_at=r.emailed_at,
                      file_type=r.file_type, red_no=r.red_no, buyer_type=r.buyer.kind,
                      buyer_type_title=call.services.texts.word("invoice_title", r.buyer.kind)
                      if call else "", buyer=r.buyer.unit_name or r.payer,
                      buyer_code=r.buyer.unit_code)


@api.route("GET", "/admin/invoices", access=FINANCE, query=InvoicesPageQuery,
           response=InvoicesOut, summary="发票申请：待开具（默认）或已开具，按申请时间排列",
           tag=TAG)
async def invoice_list(call: Call, query: InvoicesPageQuery) -> InvoicesOut:
    found = await call.domain.invoices.page(query.issued, query.limit, query.after)
    return InvoicesOut(invoices=[_out(r, call) for r in found.rows], next=found.next)


@api.route("GET", "/admin/invoices.csv", access=FINANCE, query=InvoicesQuery, response=None,
           files=("text/csv",),
           summary="导出发票申请（CSV，Excel 可直接打开）", tag=TAG)
async def invoice_export(call: Call, query: InvoicesQuery) -> web.Response:
    rows = await call.domain.invoices.requests(issued=query.issued)
    body, held = _csv(call, rows)
    handed_out(call.request, rows=len(rows),  # each names its payer and their email
               held=held, why=INVOICES.why)
    name = "invoices-issued.csv" if query.issued else "invoices-pending.csv"
    return web.Response(text=body, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f"attachment; filename={name}"})


def _csv(call: Call, rows: list[InvoiceRow]) -> tuple[str, list[list[str]]]:
    """The export for the invoicing system, written from its declaration (INVOICES), with
    a BOM so that Excel reads the Chinese as UTF-8; and what it held."""
    texts, filled = call.services.texts, Filled(INVOICES)
    (sheet,) = INVOICES.sheets
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(sheet.heading(texts)[1])
    writer.writerows(filled.lines(sheet, ({
        "payable_id": r.payable_id, "item": r.title, "amount": r.amount,
        "paid_at": china_time(r.paid_at), "order_no": r.order_no, "payer": r.payer,
        "email": r.email, "requested_at": china_time(r.requested_at),
        "buyer_type": texts.word("invoice_title", r.buyer.kind),
        "buyer": r.buyer.unit_name if r.buyer.is_unit else r.payer,
        "buyer_code": r.buyer.unit_code if r.buyer.is_unit else "",
        "invoice_no": r.invoice_no or ""} for r in rows)))
    return out.getvalue(), filled.held(True)


@api.route("POST", "/admin/invoices/{payable_id}", access=FINANCE, body=InvoiceIn,
           response=InvoiceOut, tag=TAG,
           summary="登记已开具的发票号码（缴费人会收到通知）")
async def invoice_record(call: Call, body: InvoiceIn) -> InvoiceOut:
    invoices = call.domain.invoices
    payable = await invoices.record(call.path_int("payable_id"), body.invoice_no, call.now)
    (row,) = await invoices.rows([payable])
    return _out(row, call)


async def _row(call: Call, payable_id: int) -> InvoiceOut:
    return _out(await call.domain.invoices.row(payable_id), call)


@api.route("POST", "/admin/invoices/{payable_id}/issue", access=FINANCE, response=InvoiceOut,
           tag=TAG, summary="通过微信支付电子发票接口开具（之后保存文件、发邮件并通知缴费人）")
async def invoice_issue(call: Call) -> InvoiceOut:
    item = await call.domain.einvoices.issue(call.path_int("payable_id"), call.now)
    return await _row(call, item.payable_id)


@api.route("POST", "/admin/invoices/issue", access=FINANCE, body=IssueManyIn,
           response=IssuedManyOut, tag=TAG,
           summary="批量开具电子发票（逐张提交，一张失败不影响其余）")
async def invoice_issue_many(call: Call, body: IssueManyIn) -> IssuedManyOut:
    asked, refused = await call.domain.einvoices.issue_many(body.payable_ids, call.now)
    texts = call.services.texts
    return IssuedManyOut(asked=asked, refused={str(payable_id): texts.error(exc)
                                               for payable_id, exc in refused})


@api.route("POST", "/admin/invoices/{payable_id}/reverse", access=FINANCE, body=ReverseIn,
           response=InvoiceOut, tag=TAG,
           summary="冲红电子发票（退款后开具红字发票，缴费人会收到通知）")
async def invoice_reverse(call: Call, body: ReverseIn) -> InvoiceOut:
    item = await call.domain.einvoices.reverse(call.path_int("payable_id"), body.reason,
                                               call.now)
    return await _row(call, item.payable_id)


@api.route("GET", "/admin/invoices/{payable_id}/file", access=FINANCE, response=None,
           files=("application/pdf", "application/ofd"),
           summary="下载已开具的电子发票文件", tag=TAG)
async def invoice_download(call: Call) -> web.Response:
    item, body = await call.domain.einvoices.file_of(call.path_int("payable_id"))
    handed_out(call.request, people=1)  # the payer named on it
    kind = "application/pdf" if item.file_type == "pdf" else "application/ofd"
    return web.Response(body=body, content_type=kind, headers={
        "Content-Disposition": f'attachment; filename="fapiao-{item.number}.{item.file_type}"'})
