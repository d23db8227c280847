"""WeChat Pay's 电子发票 (new-tax-control-fapiao, APIv3) over the payment client: 开具电子发票
(POST fapiao-applications, scene WITH_WECHATPAY: the application id is the payment's
transaction id), 查询电子发票, 获取发票下载信息 and the download itself (a signed GET of the
download_url with the payer's openid and the invoice's number), 冲红电子发票. Issuing and
reversing answer 202 (accepted); the result comes by the FAPIAO.ISSUED / FAPIAO.REVERSED
notification and by the query."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from wechatpayv3.utils import build_authorization

from bot.providers.pay.bill import BillTicket, download
from bot.providers.pay.client import WeChatPayClient
from services.payments import PayError
from services.payments.invoicing import FapiaoError, FapiaoFile, FapiaoOrder, FapiaoStatus

MAX_FILE = 5 * 1024 * 1024  # an invoice PDF is some 100 KB


class WeChatPayFapiao:
    """The EInvoicing of one merchant; `tax_code` is the 税收分类编码 of the fees' line."""

    def __init__(self, client: WeChatPayClient, tax_code: str) -> None:
        self._client = client
        self._tax_code = tax_code

    async def _call(self, what: str, call: Any) -> tuple[int, Any]:
        try:
            return await self._client._call(what, call)
        except PayError as exc:
            raise FapiaoError(f"WeChat Pay {what}: {exc.code}: {exc}", exc.code,
                              transient=exc.transient) from None

    async def issue(self, order: FapiaoOrder) -> None:
        pay = self._client._pay
        buyer = {"type": order.buyer_type, "name": order.buyer_name}
        if order.buyer_type == "ORGANIZATION":  # WX-PAY: taxpayer_id 购买方类型为ORGANIZATION时必填
            buyer["taxpayer_id"] = order.taxpayer_id or ""
        await self._call("fapiao issue", lambda: pay.fapiao_applications(
            fapiao_apply_id=order.apply_id,
            buyer_information=buyer,
            fapiao_information=[{
                "fapiao_id": order.fapiao_id, "total_amount": order.amount_fen,
                "need_list": False, "items": [{
                    "tax_code": self._tax_code, "goods_name": order.item[:50],
                    "quantity": 100_000_000,  # 1, in units of 10^-8
                    "total_amount": order.amount_fen, "discount": False}]}]))

    async def status(self, apply_id: str, fapiao_id: str) -> FapiaoStatus:
        pay = self._client._pay
        try:
            _, body = await self._call("fapiao query", lambda: pay.fapiao_query(
                fapiao_apply_id=apply_id, fapiao_id=fapiao_id))
        except FapiaoError as exc:
            if exc.code in ("RESOURCE_NOT_EXISTS", "NOT_FOUND"):
                return FapiaoStatus("")
            raise
        found = next((f for f in json.loads(body).get("fapiao_information") or []
                      if f.get("fapiao_id") == fapiao_id), None)
        if found is None:
            return FapiaoStatus("")
        blue, red = found.get("blue_fapiao") or {}, found.get("red_fapiao") or {}
        return FapiaoStatus(str(found.get("status", "")), blue.get("fapiao_number"),
                            blue.get("fapiao_code"), red.get("fapiao_number"))

    async def file(self, apply_id: str, fapiao_id: str, payer_openid: str,
                   status: FapiaoStatus) -> FapiaoFile | None:
        pay = self._client._pay
        # 获取发票下载信息 is a GET with a query (the library's helper POSTs it)
        files = (f"/v3/new-tax-control-fapiao/fapiao-applications/{apply_id}/fapiao-files?"
                 + urlencode({"fapiao_id": fapiao_id}))
        _, body = await self._call("fapiao files", lambda: pay._core.request(files))
        info = next((f for f in json.loads(body).get("fapiao_download_info_list") or []
                     if f.get("fapiao_id") == fapiao_id and f.get("download_url")), None)
        if info is None or info.get("status") not in ("ISSUED", "REVERSED"):
            return None
        address = urlsplit(str(info["download_url"]))
        path = f"{address.path}?{address.query}&" + urlencode({
            "mchid": self._client.mchid, "openid": payer_openid,
            "invoice_code": status.code or "", "invoice_no": status.number or "",
            "fapiao_id": fapiao_id})
        core = pay._core
        ticket = BillTicket(self._client._base + path, path, "")
        authorization = build_authorization(path, "GET", self._client.mchid,
                                            core._cert_serial_no, core._private_key)
        code, raw = await self._call("fapiao download", lambda: download(
            core._client, ticket, authorization, MAX_FILE))
        if raw.startswith(b"%PDF-"):
            return FapiaoFile(raw, "pdf")
        if raw.startswith(b"PK"):  # OFD (GB/T 33190) is a zip container
            return FapiaoFile(raw, "ofd")
        raise FapiaoError(f"WeChat Pay fapiao download: not a PDF or OFD ({code})", "BAD_FILE")

    async def reverse(self, apply_id: str, fapiao_id: str, number: str, code: str | None,
                      reason: str) -> None:
        pay = self._client._pay
        info: dict[str, str] = {"fapiao_id": fapiao_id, "fapiao_number": number}
        if code:
            info["fapiao_code"] = code
        await self._call("fapiao reverse", lambda: pay.fapiao_reverse(
            fapiao_apply_id=apply_id, reverse_reason=reason, fapiao_information=[info]))
