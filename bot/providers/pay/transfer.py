"""WeChat Pay's 商家转账 (user confirmation mode, APIv3) over the payment client: 发起转账 in
the scene 佣金报酬 with 劳务报酬 as what the payee reads, 商户单号查询转账单 and 撤销转账; the
bill's result notifications (MCHTRANSFER.BILL.FINISHED) arrive at /pay/notify and are
verified like the payment ones. Retries keep the same out_bill_no: WeChat Pay answers the
bill already made, so a retry never pays twice.

用户授权免确认 (WX-PAY, pay.weixin.qq.com/doc/v3/merchant/4015901167, 4014399423,
4015653811, 4014399371, 4014512908): 发起免确认收款授权 (POST
/v3/fund-app/mch-transfer/user-confirm-authorization; its package_info is what
wx.requestMerchantTransfer takes while WAIT_USER_CONFIRM), 商户单号查询授权结果 and
解除免确认收款授权 (…/out-authorization-no/{no}, …/close); a transfer to a payee who
agreed is 用户授权后转账 (POST …/transfer-bills/transfer) naming the authorization_id and
no openid. The authorisation's changes (MCHTRANSFER.AUTHORIZATION.CONFIRMED / .CLOSED)
come to /pay/notify too."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from wechatpayv3.async_.type import RequestType

from bot.providers.pay.client import WeChatPayClient
from bot.providers.pay.receipts import (
    RECEIPTS,
    check_receipt,
    parse_applied,
    parse_receipt,
    receipt_path,
    ticket_of,
)
from services.payments import NotificationRejected, PayError
from services.payments.transfers import (
    AUTHORIZATION_STATES,
    STATES,
    AuthorizationRequest,
    TransferAuthorization,
    TransferBill,
    TransferReceipt,
    TransferRequest,
)

ROUTE = "/v3/fund-app/mch-transfer/transfer-bills"
AUTHORIZATIONS = "/v3/fund-app/mch-transfer/user-confirm-authorization"


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        raise NotificationRejected("update_time is not an RFC 3339 time") from None


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
    when = _when(data.get("update_time"))
    return TransferBill(
        out_bill_no=str(data.get("out_bill_no", ""))[:32], state=state,
        transfer_bill_no=str(data.get("transfer_bill_no") or "")[:64],
        package_info=str(data.get("package_info") or "")[:1024], amount_fen=amount,
        openid=str(data.get("openid") or "")[:128], mchid=str(data.get("mch_id") or "")[:32],
        fail_reason=str(data.get("fail_reason") or "")[:64], updated_at=when)


def parse_authorization(data: Any) -> TransferAuthorization:
    """A TransferAuthorization from an answer or a decrypted notification."""
    if not isinstance(data, dict):
        raise NotificationRejected("an authorization is not an object")
    state = str(data.get("state", ""))
    if state not in AUTHORIZATION_STATES:
        raise NotificationRejected(f"unknown authorization state {state[:20]!r}")
    return TransferAuthorization(
        out_authorization_no=str(data.get("out_authorization_no", ""))[:32], state=state,
        authorization_id=str(data.get("authorization_id") or "")[:64],
        package_info=str(data.get("package_info") or "")[:1024],
        openid=str(data.get("openid") or "")[:128], mchid=str(data.get("mchid") or "")[:32],
        close_reason=str(data.get("close_reason") or "")[:64],
        updated_at=_when(data.get("update_time")))


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
        if request.authorization_id:
            return await self._authorised(request)
        pay = self._client._pay
        name = request.user_name or None
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

    async def _authorised(self, request: TransferRequest) -> TransferBill:
        """用户授权后转账: the bill to a payee who agreed, naming the authorisation (never the
        openid with it: WeChat Pay refuses both), from the call's own field list (no
        notify_url: the result is notified as the authorisation's; WxJava PR #4051)."""
        core = self._client._pay._core
        data: dict[str, Any] = {
            "appid": self.appid, "out_bill_no": request.out_bill_no,
            "transfer_scene_id": self._scene, "authorization_id": request.authorization_id,
            "transfer_amount": request.amount_fen, "transfer_remark": request.remark[:32],
            "user_recv_perception": self._perception,
            "transfer_scene_report_infos": self._report}
        if request.user_name:
            data["user_name"] = core.encrypt(request.user_name)
        _, body = await self._client._call("authorised transfer", lambda: core.request(
            f"{ROUTE}/transfer", method=RequestType.POST, data=data,
            cipher_data="user_name" in data))
        try:
            return parse_bill(json.loads(body))
        except (ValueError, NotificationRejected) as exc:
            raise PayError("BAD_RESPONSE", f"authorised transfer: {exc}") from None

    async def _authorization_call(self, what: str, call: Any) -> TransferAuthorization:
        _, body = await self._client._call(what, call)
        try:
            return parse_authorization(json.loads(body))
        except (ValueError, NotificationRejected) as exc:
            raise PayError("BAD_RESPONSE", f"{what}: {exc}") from None

    async def authorize(self, request: AuthorizationRequest) -> TransferAuthorization:
        core = self._client._pay._core
        data = {"out_authorization_no": request.out_authorization_no, "appid": self.appid,
                "openid": request.openid, "transfer_scene_id": self._scene,
                "user_display_name": request.display_name[:32],
                "user_recv_perception": self._perception,
                "authorization_notify_url": self._notify_url}
        return await self._authorization_call("authorize", lambda: core.request(
            AUTHORIZATIONS, method=RequestType.POST, data=data))

    async def authorization(self, out_authorization_no: str) -> TransferAuthorization:
        path = f"{AUTHORIZATIONS}/out-authorization-no/{quote(out_authorization_no, safe='')}"
        core = self._client._pay._core
        try:
            return await self._authorization_call("authorization query",
                                                  lambda: core.request(path))
        except PayError as exc:
            if exc.code == "NOT_FOUND":
                return TransferAuthorization(out_authorization_no, "NOTEXIST")
            raise

    async def apply_receipt(self, out_bill_no: str) -> TransferReceipt:
        core = self._client._pay._core
        _, body = await self._client._call("receipt apply", lambda: core.request(
            RECEIPTS, method=RequestType.POST, data={"out_bill_no": out_bill_no}))
        return parse_applied(body, out_bill_no)

    async def receipt(self, out_bill_no: str) -> TransferReceipt:
        core = self._client._pay._core
        try:
            _, body = await self._client._call("receipt query", lambda: core.request(
                receipt_path(out_bill_no)))
        except PayError as exc:
            if exc.code == "NOT_FOUND":
                return TransferReceipt(out_bill_no, "NOTEXIST")
            raise
        return parse_receipt(body, out_bill_no, self._client.base)

    async def receipt_file(self, receipt: TransferReceipt) -> bytes:
        ticket = ticket_of(receipt, self._client.base)
        _, raw = await self._client._call("receipt download",
                                          lambda: self._client.fetch(ticket))
        return check_receipt(raw, receipt)

    async def close_authorization(self, out_authorization_no: str) -> TransferAuthorization:
        # as cancel: an empty object signed as "{}", not the library's "null"
        path = (f"{AUTHORIZATIONS}/out-authorization-no/"
                f"{quote(out_authorization_no, safe='')}/close")
        core = self._client._pay._core
        return await self._authorization_call("authorization close", lambda: core.request(
            path, method=RequestType.POST, data={}, sign_data="{}"))
