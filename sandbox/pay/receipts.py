"""The fake gateway's 电子回单 of a transfer (the receipt a paid transfer's payer keeps), as
WeChat Pay documents it: applied for by the merchant's bill number, then queried until its
file, served for RECEIPT_TTL, can be downloaded."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from aiohttp import web

from sandbox.pay.gateway import Body, PayGateway, _error, _signed, gateway_view
from sandbox.pay.transfer import _now, undocumented

# WX-PAY 商户单号申请电子回单 (POST …/elecsign/out-bill-no, for a bill paid; the same number again
# answers the one applied for) and 商户单号查询电子回单 (GET …/{out_bill_no}: GENERATING for
# `gateway.receipt_pending_queries` queries, then FINISHED with the file's SHA256 and a
# download address valid 10 minutes); `gateway.receipt_tampered` serves a file whose digest
# is not the one announced.
RECEIPTS = "/v3/fund-app/mch-transfer/elecsign/out-bill-no"
RECEIPT_TTL = 600.0  # "下载地址的有效期为10分钟"
RECEIPT_FIELDS = frozenset({"out_bill_no"})


@dataclass
class FakeReceipt:
    out_bill_no: str
    created: str
    waits: int  # queries still answered GENERATING
    file: bytes


def receipt_file(out_bill_no: str, amount: int) -> bytes:
    """A one-page PDF naming the bill and its amount (the real one bears 财付通's seal)."""
    text = f"WeChat Pay transfer receipt {out_bill_no} {amount / 100:.2f} CNY"
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% " + text.encode() +
            b"\ntrailer<<>>\n%%EOF\n")


async def apply_receipt(request: web.Request, gateway: PayGateway,
                        data: Body) -> web.StreamResponse:
    if refused := undocumented(data, RECEIPT_FIELDS):
        return _error(400, "PARAM_ERROR", refused)
    no = str(data.get("out_bill_no", ""))
    bill = gateway.transfers.get(no)
    if bill is None:
        return _error(404, "NOT_FOUND", "转账单不存在")
    if bill.state != "SUCCESS":
        return _error(400, "INVALID_REQUEST", "转账单据状态不满足申请电子回单条件")
    if not bill.user_name:  # no receipt for a transfer made without the payee's real name
        return _error(400, "INVALID_REQUEST", "转账时未传入收款用户姓名，不支持申请电子回单")
    found = gateway.receipts.get(no)
    if found is None:
        found = gateway.receipts[no] = FakeReceipt(
            no, _now(), gateway.receipt_pending_queries, receipt_file(no, bill.amount))
    return _signed(gateway, 200, {"state": "GENERATING" if found.waits else "FINISHED",
                                  "create_time": found.created})


async def query_receipt(request: web.Request, gateway: PayGateway,
                        data: Body) -> web.StreamResponse:
    found: FakeReceipt | None = gateway.receipts.get(request.match_info["no"])
    if found is None:
        return _error(404, "NOT_FOUND", "电子回单申请单不存在")
    if found.waits > 0:
        found.waits -= 1
        return _signed(gateway, 200, {"state": "GENERATING", "create_time": found.created,
                                      "update_time": _now()})
    raw = found.file + (b" " if gateway.receipt_tampered else b"")
    token = secrets.token_urlsafe(24)
    gateway.bill_files[token] = (raw, time.monotonic() + RECEIPT_TTL)
    base = gateway.base_url or f"{request.scheme}://{request.host}" \
                               f"{request.path.split('/v3/', 1)[0]}"
    return _signed(gateway, 200, {
        "state": "FINISHED", "create_time": found.created, "update_time": _now(),
        "hash_type": "SHA256", "hash_value": hashlib.sha256(found.file).hexdigest(),
        "download_url": f"{base}/v3/billdownload/file?token={token}"})


def add_receipt_routes(app: web.Application) -> None:
    app.router.add_post(RECEIPTS, gateway_view(apply_receipt))
    app.router.add_get(RECEIPTS + "/{no}", gateway_view(query_receipt))
