"""The fake gateway's 电子发票 (new-tax-control-fapiao), as WeChat Pay documents it: 开具
(202; the application id must be a paid transaction of the merchant, at most 5 invoices, each
line adding up to the invoice, never above what was paid), 查询 (ISSUE_ACCEPTED, then ISSUED
with a 20-digit 数电票 number), 获取发票下载信息 and the download (a PDF made on the spot, only
for the payer's openid and the invoice's number), 冲红 (202, then REVERSED with a red
invoice). The buyer (发票抬头) is INDIVIDUAL or ORGANIZATION; an ORGANIZATION needs its
taxpayer_id (纳税人识别号), and the invoice keeps both. Each completion is pushed as a
FAPIAO.ISSUED / FAPIAO.REVERSED notification, encrypted and signed, to the payment's
notify_url. `fapiao_refuse` makes the next issue answer that error code."""

from __future__ import annotations

import asyncio
import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from sandbox.pay.gateway import Body, FakeOrder, PayGateway, _error, _signed, gateway_view
from services.common.clock import CHINA

COMPLETE_AFTER = 0.05  # s from acceptance to issue (minutes at WeChat Pay; compressed here)


@dataclass
class FakeFapiao:
    apply_id: str
    fapiao_id: str
    buyer: str
    item: str
    amount: int
    buyer_type: str = "INDIVIDUAL"
    taxpayer_id: str = ""
    status: str = "ISSUE_ACCEPTED"
    number: str = ""
    issued: str = ""
    red_number: str = ""
    token: str = ""


def _fapiaos(gateway: PayGateway) -> dict[str, FakeFapiao]:
    return gateway.fapiaos


def _paid(gateway: PayGateway, transaction_id: str) -> FakeOrder | None:
    return next((o for o in gateway.orders.values() if o.transaction_id == transaction_id
                 and o.state in ("SUCCESS", "REFUND")), None)


def _shown(f: FakeFapiao) -> dict[str, Any]:
    buyer = {"type": f.buyer_type, "name": f.buyer,
             **({"taxpayer_id": f.taxpayer_id} if f.taxpayer_id else {})}
    out: dict[str, Any] = {"fapiao_id": f.fapiao_id, "status": f.status,
                           "total_amount": f.amount, "buyer_information": buyer}
    if f.number:
        out["blue_fapiao"] = {"fapiao_code": "", "fapiao_number": f.number,
                              "check_code": "", "password": "", "fapiao_time": f.issued}
    if f.red_number:
        out["red_fapiao"] = {"fapiao_code": "", "fapiao_number": f.red_number,
                             "check_code": "", "password": "", "fapiao_time": f.issued}
    return out


async def _complete(gateway: PayGateway, f: FakeFapiao, event: str) -> None:
    await asyncio.sleep(COMPLETE_AFTER)
    now = datetime.now(CHINA).isoformat(timespec="seconds")
    if event == "FAPIAO.ISSUED":
        f.status, f.number, f.issued = "ISSUED", "".join(
            secrets.choice("0123456789") for _ in range(20)), now
    else:
        f.status, f.red_number = "REVERSED", "".join(
            secrets.choice("0123456789") for _ in range(20))
    order = _paid(gateway, f.apply_id)
    if order is None or gateway.session is None:
        return
    headers, body = gateway.notification(order, event=event, resource={
        "mchid": gateway.mchid, "fapiao_apply_id": f.apply_id, "apply_time": now,
        "fapiao_information": [{"fapiao_id": f.fapiao_id, "status": f.status}]})
    try:
        async with gateway.session.post(gateway.notify_to or order.notify_url,
                                        data=body.encode(), headers=headers) as resp:
            await resp.read()
    except Exception:  # the merchant's query finds it anyway
        pass


@gateway_view
async def issue(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    refuse, gateway.fapiao_refuse = gateway.fapiao_refuse, ""
    if refuse:
        return _error(403, refuse, "商户未开通电子发票或开票信息有误")
    if data.get("scene") != "WITH_WECHATPAY":
        return _error(400, "PARAM_ERROR", "scene仅支持WITH_WECHATPAY")
    apply_id = str(data.get("fapiao_apply_id", ""))
    order = _paid(gateway, apply_id)
    if order is None:
        return _error(400, "INVALID_REQUEST", "发票申请单号须为本商户已支付的微信支付订单号")
    buyer = data.get("buyer_information") or {}
    invoices = data.get("fapiao_information") or []
    if not buyer.get("name") or buyer.get("type") not in ("INDIVIDUAL", "ORGANIZATION"):
        return _error(400, "PARAM_ERROR", "购买方信息不完整")
    if len(str(buyer["name"])) > 256 or len(str(buyer.get("taxpayer_id") or "")) > 32:
        return _error(400, "PARAM_ERROR", "购买方名称或纳税人识别号过长")
    if buyer["type"] == "ORGANIZATION" and not str(buyer.get("taxpayer_id") or "").strip():
        return _error(400, "PARAM_ERROR", "购买方类型为ORGANIZATION时纳税人识别号必填")
    if not isinstance(invoices, list) or not 1 <= len(invoices) <= 5:
        return _error(400, "PARAM_ERROR", "同一个开票申请单最多申请5张发票")
    fapiaos = _fapiaos(gateway)
    for info in invoices:
        items = info.get("items") or []
        total = info.get("total_amount")
        if not items or sum(int(i.get("total_amount", 0)) for i in items) != total \
                or not isinstance(total, int) or total > order.total \
                or any(len(str(i.get("tax_code", ""))) != 19 for i in items):
            return _error(400, "PARAM_ERROR", "发票金额或明细有误")
        fapiao_id = str(info.get("fapiao_id", ""))
        if fapiao_id in fapiaos:
            return _error(400, "INVALID_REQUEST", "商户发票单号重复")
    for info in invoices:
        f = FakeFapiao(apply_id, str(info["fapiao_id"]), str(buyer["name"]),
                       str(info["items"][0].get("goods_name", "")), int(info["total_amount"]),
                       str(buyer["type"]), str(buyer.get("taxpayer_id") or ""))
        fapiaos[f.fapiao_id] = f
        gateway._spawn(_complete(gateway, f, "FAPIAO.ISSUED"))
    return _signed(gateway, 202, None)


def _of(gateway: PayGateway, request: web.Request) -> list[FakeFapiao]:
    apply_id = request.match_info["apply_id"]
    wanted = request.query.get("fapiao_id")
    return [f for f in _fapiaos(gateway).values() if f.apply_id == apply_id
            and (wanted is None or f.fapiao_id == wanted)]


@gateway_view
async def query(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    found = _of(gateway, request)
    if not found:
        return _error(404, "RESOURCE_NOT_EXISTS", "发票申请单不存在")
    return _signed(gateway, 200, {"total_count": len(found),
                                  "fapiao_information": [_shown(f) for f in found]})


@gateway_view
async def files(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    out = []
    for f in _of(gateway, request):
        f.token = f.token or secrets.token_urlsafe(16)
        out.append({"fapiao_id": f.fapiao_id, "status": f.status, "download_url": (
            f"https://api.mch.weixin.qq.com/v3/new-tax-control-fapiao/download-file"
            f"?token={f.token}")})
    return _signed(gateway, 200, {"fapiao_download_info_list": out})


@gateway_view
async def download(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    q = request.query
    f = next((f for f in _fapiaos(gateway).values() if f.token and f.token == q.get("token")),
             None)
    order = _paid(gateway, f.apply_id) if f is not None else None
    if f is None or order is None or q.get("fapiao_id") != f.fapiao_id \
            or q.get("invoice_no") != f.number or q.get("openid") != order.payer_openid:
        return _error(400, "INVALID_REQUEST", "下载参数有误")
    pdf = await asyncio.to_thread(invoice_pdf, f)
    return web.Response(body=pdf, content_type="application/pdf")


@gateway_view
async def reverse(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    wanted = {str(i.get("fapiao_id")): str(i.get("fapiao_number"))
              for i in data.get("fapiao_information") or []}
    if not str(data.get("reverse_reason", "")).strip():
        return _error(400, "PARAM_ERROR", "请填写冲红原因")
    found = [f for f in _of(gateway, request) if f.fapiao_id in wanted]
    if not found or any(f.status != "ISSUED" or wanted[f.fapiao_id] != f.number
                        for f in found):
        return _error(400, "INVALID_REQUEST", "发票未开具或号码不符，不能冲红")
    for f in found:
        f.status = "REVERSE_ACCEPTED"
        gateway._spawn(_complete(gateway, f, "FAPIAO.REVERSED"))
    return _signed(gateway, 202, None)


def invoice_pdf(f: FakeFapiao) -> bytes:
    """A one-page invoice in the CJK font every reader has (a stand-in for the tax office's)."""
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfgen.canvas import Canvas

    from services.documents import Documents

    buf = io.BytesIO()
    page = Canvas(buf, pagesize=landscape(A5))
    font = Documents.pdf.cjk_font()  # the service's font: the fake holds no domain
    page.setFont(font, 16)
    page.drawString(60, 360, "电子发票（普通发票）  沙箱示例，非真实发票")
    page.setFont(font, 11)
    lines = [f"发票号码：{f.number}", f"开票日期：{f.issued[:10]}", f"购买方：{f.buyer}",
             *([f"纳税人识别号：{f.taxpayer_id}"] if f.taxpayer_id else []),
             f"项目：{f.item}", f"价税合计：¥{f.amount / 100:.2f}"]
    for n, line in enumerate(lines):
        page.drawString(60, 320 - 24 * n, line)
    page.showPage()
    page.save()
    return buf.getvalue()


def add_fapiao_routes(app: web.Application) -> None:
    base = "/v3/new-tax-control-fapiao"
    app.router.add_post(f"{base}/fapiao-applications", issue)
    app.router.add_get(f"{base}/fapiao-applications/{{apply_id}}", query)
    app.router.add_get(f"{base}/fapiao-applications/{{apply_id}}/fapiao-files", files)
    app.router.add_post(f"{base}/fapiao-applications/{{apply_id}}/reverse", reverse)
    app.router.add_get(f"{base}/download-file", download)

