"""WeChat Pay's 商家转账 (user confirmation mode, APIv3) over the payment client: 发起转账 in
the scene 佣金报酬 with 劳务报酬 as what the payee reads, 商户单号查询转账单 and 撤销转账; the
bill's result notifications (MCHTRANSFER.BILL.FINISHED) arrive at /pay/notify and are
verified like the payment ones. Retries keep the same out_bill_no: WeChat Pay answers the
bill already made, so a retry never pays twice."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from wechatpayv3.async_.type import RequestType

from bot.providers.pay.client import WeChatPayClient
from services.payments import STATES, NotificationRejected, PayError, TransferBill, TransferRequest

ROUTE = "/v3/fund-app/mch-transfer/transfer-bills"
NAME_FROM_FEN = 200_000  # from 2,000 yuan WeChat Pay checks the payee's real name


def parse_bill(data: Any) -> TransferBill:
    """A TransferBill from an answer or a decrypted notification; NotificationRejected when a
    field is not of its documented type."""
    if not isinstance(data, dict):
        raise NotificationRejected("a transfer bill is not an object")
    state = str(data.get("state", ""))
    if state not in STATES:
        raise NotificationRejected(f"unknown transfer state {state[:20]!r}")
    amount = data.get("transfer_amount")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)
                               or not 0 <= amount < 2**31):
        raise NotificationRejected("transfer_amount is not an amount in fen")
    updated = data.get("update_time")
    try:
        when = datetime.fromisoformat(updated) if updated else None
    except (TypeError, ValueError):
        raise NotificationRejected("update_time is not an RFC 3339 time") from None
    return TransferBill(
        out_bill_no=str(data.get("out_bill_no", ""))[:32], state=state,
        transfer_bill_no=str(data.get("transfer_bill_no") or "")[:64],
        package_info=str(data.get("package_info") or "")[:1024], amount_fen=amount,
        openid=str(data.get("openid") or "")[:128], mchid=str(data.get("mch_id") or "")[:32],
        fail_reason=str(data.get("fail_reason") or "")[:64], updated_at=when)


class WeChatPayTransfers:
    """The TransferGateway of one merchant; the payee confirms in the mini-program."""

    def __init__(self, client: WeChatPayClient, miniapp_appid: str, notify_url: str,
                 scene_id: str, perception: str, post: str, note: str) -> None:
        self._client = client
        self.mchid = client.mchid
        self.appid = miniapp_appid
        self._notify_url = notify_url
        self._scene, self._perception = scene_id, perception
        self._report = [{"info_type": "岗位类型", "info_content": post},
                        {"info_type": "报酬说明", "info_content": note}]

    async def create(self, request: TransferRequest) -> TransferBill:
        pay = self._client._pay
        name = request.user_name if request.amount_fen >= NAME_FROM_FEN else None
        _, body = await self._client._call("transfer", lambda: pay.mch_transfer_bills(
            out_bill_no=request.out_bill_no, transfer_scene_id=self._scene,
            openid=request.openid, transfer_amount=request.amount_fen,
            transfer_remark=request.remark[:32], user_name=name,
            user_recv_perception=self._perception,
            transfer_scene_report_infos=self._report, appid=self.appid,
            notify_url=self._notify_url))
        try:
            return parse_bill(json.loads(body))
        except (ValueError, NotificationRejected) as exc:
            raise PayError("BAD_RESPONSE", f"transfer: {exc}") from None

    async def query(self, out_bill_no: str) -> TransferBill:
        pay = self._client._pay
        try:
            _, body = await self._client._call("transfer query", lambda: (
                pay.mch_transfer_bills_query(out_bill_no=out_bill_no)))
        except PayError as exc:
            if exc.code == "NOT_FOUND":
                return TransferBill(out_bill_no=out_bill_no, state="NOTEXIST")
            raise
        try:
            return parse_bill(json.loads(body))
        except (ValueError, NotificationRejected) as exc:
            raise PayError("BAD_RESPONSE", f"transfer query: {exc}") from None

    async def cancel(self, out_bill_no: str) -> TransferBill:
        # not the library's mch_transfer_bills_cancel: it signs an empty body and sends
        # "null", which a gateway checking the signature over the body refuses
        core = self._client._pay._core
        path = f"{ROUTE}/out-bill-no/{quote(out_bill_no, safe='')}/cancel"
        _, body = await self._client._call("transfer cancel", lambda: core.request(
            path, method=RequestType.POST, data={}, sign_data="{}"))
        try:
            return parse_bill(json.loads(body))
        except (ValueError, NotificationRejected) as exc:
            raise PayError("BAD_RESPONSE", f"transfer cancel: {exc}") from None
