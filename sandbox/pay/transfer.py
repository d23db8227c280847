"""The fake gateway's 商家转账 (merchant transfer, user confirmation mode), as
api.mch.weixin.qq.com documents it since 2025-01-15: 发起转账 (POST
/v3/fund-app/mch-transfer/transfer-bills), 商户单号查询转账单 and 撤销转账, with the payee's side
(`confirm_transfer`: what wx.requestMerchantTransfer's page does when the payee taps 收款),
the 24-hour close of an unconfirmed bill (`expire_transfer`) and the signed, encrypted
MCHTRANSFER.BILL.FINISHED notification of each final state, retried until acknowledged.

Checks as documented: the merchant's signature; out_bill_no of letters and digits, at most
32; a scene the merchant has opened; its report items (佣金报酬: 岗位类型 and 报酬说明);
the remark at most 32 characters; the payee's name (encrypted with the WeChat Pay public
key) from 2,000 yuan; the merchant's balance; the same out_bill_no with other parameters
refused."""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.hashes import SHA1

from sandbox.pay.gateway import Body, PayGateway, _error, _signed, gateway_view
from services.common.clock import CHINA

OUT_BILL_NO = re.compile(r"[0-9A-Za-z]{1,32}")
NAME_FROM_FEN = 200_000  # 2,000 yuan: the payee's name is required
# the report items each scene asks for (商户平台 - 商家转账 - 场景)
SCENE_ITEMS = {"1005": {"岗位类型", "报酬说明"}}  # 佣金报酬
ROUTE = "/v3/fund-app/mch-transfer/transfer-bills"
# each call's documented request fields (WX-PAY 发起转账; 用户授权后转账 as WxJava PR #4051
# lists it): a body with another field is refused, as WeChat Pay refuses one
TRANSFER_FIELDS = frozenset({
    "appid", "out_bill_no", "transfer_scene_id", "openid", "user_name", "transfer_amount",
    "transfer_remark", "notify_url", "user_recv_perception", "transfer_scene_report_infos"})
AUTHORISED_FIELDS = frozenset({
    "appid", "out_bill_no", "transfer_scene_id", "user_name", "transfer_amount",
    "transfer_remark", "user_recv_perception", "transfer_scene_report_infos",
    "authorization_id", "sponsor_mchid", "out_authorization_no"})
# 发起免确认收款授权 (WX-PAY 4014399423)
AUTHORIZE_FIELDS = frozenset({
    "out_authorization_no", "appid", "openid", "transfer_scene_id", "user_display_name",
    "user_recv_perception", "authorization_notify_url"})


def undocumented(data: Body, fields: frozenset[str]) -> str:
    """Why a body is refused for a field its call does not document ("" when it is not)."""
    extra = sorted(set(data) - fields)
    return f"请求参数中包含接口未定义的字段：{'、'.join(extra)}" if extra else ""


def _now() -> str:
    return datetime.now(CHINA).isoformat(timespec="seconds")


def _stamp(gateway: PayGateway) -> str:
    """This moment by the gateway's clock (its transfers' create and update times)."""
    return gateway.clock().astimezone(CHINA).isoformat(timespec="seconds")


@dataclass
class FakeTransfer:
    out_bill_no: str
    appid: str
    openid: str
    amount: int
    remark: str
    notify_url: str
    params: dict[str, Any]
    user_name: str = ""
    state: str = "WAIT_USER_CONFIRM"
    transfer_bill_no: str = ""
    package_info: str = ""
    fail_reason: str = ""
    created: str = ""
    updated: str = ""

    def as_bill(self, mchid: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "mch_id": mchid, "out_bill_no": self.out_bill_no,
            "transfer_bill_no": self.transfer_bill_no, "appid": self.appid,
            "state": self.state, "transfer_amount": self.amount,
            "transfer_remark": self.remark, "openid": self.openid,
            "create_time": self.created, "update_time": self.updated}
        if self.fail_reason:
            data["fail_reason"] = self.fail_reason
        if self.user_name:
            data["user_name"] = "***"  # never given back in clear
        return data

    def finished(self, mchid: str) -> dict[str, Any]:
        """The decrypted resource of its MCHTRANSFER.BILL.FINISHED notification."""
        data = {k: v for k, v in self.as_bill(mchid).items()
                if k in ("mch_id", "out_bill_no", "transfer_bill_no", "state",
                         "transfer_amount", "openid", "fail_reason", "create_time",
                         "update_time")}
        return data


class TransferDesk:
    """The payee's side and the merchant's balance, over the gateway's state."""

    def __init__(self, gateway: PayGateway) -> None:
        self.gateway = gateway

    @property
    def bills(self) -> dict[str, FakeTransfer]:
        return self.gateway.transfers

    def find(self, package_or_no: str) -> FakeTransfer | None:
        return self.bills.get(package_or_no) or next(
            (t for t in self.bills.values() if t.package_info == package_or_no), None)

    def _finish(self, bill: FakeTransfer, state: str, reason: str = "") -> None:
        self._settle(bill, state, reason)
        self.gateway._spawn(self._notify(bill))

    def _settle(self, bill: FakeTransfer, state: str, reason: str = "") -> None:
        bill.state, bill.fail_reason, bill.updated = state, reason, _stamp(self.gateway)
        bill.package_info = bill.package_info if state == "WAIT_USER_CONFIRM" else ""
        if state == "SUCCESS":
            self.gateway.transfer_paid_fen += bill.amount

    def _notify(self, bill: FakeTransfer) -> Any:
        """The signed final-state notification, retried until acknowledged (a coroutine)."""
        gateway = self.gateway
        return gateway.deliver(bill.notify_url, bill.out_bill_no, lambda: (
            gateway.notification(None, event="MCHTRANSFER.BILL.FINISHED",
                                 resource=bill.finished(gateway.mchid),
                                 original_type="mch_payment", summary="商家转账单据终态通知")))

    def confirm(self, package_or_no: str, openid: str) -> FakeTransfer:
        """The payee taps 收款 on the confirmation page: the money moves (or fails, when
        `gateway.transfer_fail_next` names a reason) and the merchant is notified."""
        bill = self.find(package_or_no)
        if bill is None:
            raise LookupError("转账单不存在")
        if bill.openid != openid:
            raise LookupError("你的微信号与商家指定的微信号不一致")
        if bill.state != "WAIT_USER_CONFIRM":
            raise LookupError("该笔转账已处理，请勿重复操作")
        reason, self.gateway.transfer_fail_next = self.gateway.transfer_fail_next, ""
        self._finish(bill, "FAIL" if reason else "SUCCESS", reason)
        return bill

    def cancelled(self, out_bill_no: str) -> FakeTransfer:
        """WeChat Pay finishes cancelling a bill it answered CANCELING for (notified)."""
        bill = self.bills[out_bill_no]
        if bill.state != "CANCELING":
            raise LookupError("only a bill being cancelled finishes cancelling")
        self._finish(bill, "CANCELLED")
        return bill

    def expire(self, out_bill_no: str) -> FakeTransfer:
        """24 hours pass without the payee's confirmation: the bill is closed and the money
        stays with (goes back to) the merchant."""
        bill = self.bills[out_bill_no]
        if bill.state != "WAIT_USER_CONFIRM":
            raise LookupError("only a bill waiting for confirmation expires")
        self._finish(bill, "CANCELLED")
        return bill


def _report_ok(scene: str, items: Any) -> bool:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return False
    given = {str(i.get("info_type")) for i in items if str(i.get("info_content", "")).strip()}
    return SCENE_ITEMS.get(scene, set()) <= given


def _name(gateway: PayGateway, request: web.Request, sealed: Any) -> str | None:
    """The payee's name, decrypted with the gateway's key (None: it does not decrypt)."""
    if not isinstance(sealed, str) or request.headers.get("Wechatpay-Serial") \
            != gateway.public_key_id:
        return None
    try:
        plain: bytes = gateway._key.decrypt(base64.b64decode(sealed),
                                            OAEP(MGF1(SHA1()), SHA1(), None))
    except Exception:
        return None
    return plain.decode("utf-8", "replace")


def _invalid(data: Body, gateway: PayGateway, fields: frozenset[str] = TRANSFER_FIELDS
             ) -> str:
    """Why a create request is refused ("" when it is not)."""
    if refused := undocumented(data, fields):
        return refused
    amount = data.get("transfer_amount")
    scene = str(data.get("transfer_scene_id", ""))
    remark = data.get("transfer_remark")
    if not OUT_BILL_NO.fullmatch(str(data.get("out_bill_no", ""))):
        return "商户单号格式错误"
    if not data.get("appid") or not data.get("openid"):
        return "appid与openid必填"
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        return "转账金额错误"
    if not isinstance(remark, str) or not 0 < len(remark) <= 32:
        return "转账备注必填且不超过32个字符"
    if scene not in gateway.transfer_scenes:
        return "该转账场景未开通"
    if not _report_ok(scene, data.get("transfer_scene_report_infos")):
        return "转账场景报备信息不完整"
    url = str(data.get("notify_url", ""))
    if url and (not url.startswith(("http://", "https://")) or "?" in url):
        return "notify_url格式错误"
    return ""


@gateway_view
async def create_transfer(request: web.Request, gateway: PayGateway,
                          data: Body) -> web.StreamResponse:
    refusal = _invalid(data, gateway)
    if refusal:
        return _error(400, "PARAM_ERROR", refusal)
    no, amount = str(data["out_bill_no"]), int(data["transfer_amount"])
    existing: FakeTransfer | None = gateway.transfers.get(no)
    if existing is not None:
        if existing.params != data:
            return _error(400, "INVALID_REQUEST", "商户单号重复，请核实")
        return _signed(gateway, 200, _created(existing))
    name = ""
    if "user_name" in data:
        name = _name(gateway, request, data["user_name"]) or ""
        if not name:
            return _error(400, "PARAM_ERROR", "收款用户姓名解密失败")
    if amount >= NAME_FROM_FEN and not name:
        return _error(400, "PARAM_ERROR", "转账金额>=2000元时，收款用户姓名必填")
    if gateway.transfer_balance_fen is not None and \
            gateway.transfer_balance_fen - gateway.transfer_paid_fen < amount:
        return _error(403, "NOT_ENOUGH", "商户运营账户资金不足")
    bill = FakeTransfer(no, str(data["appid"]), str(data["openid"]), amount,
                        str(data["transfer_remark"]), str(data.get("notify_url", "")), data,
                        user_name=name, created=_stamp(gateway), updated=_stamp(gateway),
                        transfer_bill_no="1330" + "".join(secrets.choice("0123456789")
                                                          for _ in range(30)),
                        package_info=base64.b64encode(secrets.token_bytes(48)).decode())
    gateway.transfers[no] = bill
    return _signed(gateway, 200, _created(bill))


def _created(bill: FakeTransfer) -> dict[str, Any]:
    data = {"out_bill_no": bill.out_bill_no, "transfer_bill_no": bill.transfer_bill_no,
            "create_time": bill.created, "state": bill.state}
    if bill.state == "WAIT_USER_CONFIRM":
        data["package_info"] = bill.package_info
    if bill.fail_reason:
        data["fail_reason"] = bill.fail_reason
    return data


@gateway_view
async def query_transfer(request: web.Request, gateway: PayGateway,
                         data: Body) -> web.StreamResponse:
    bill: FakeTransfer | None = gateway.transfers.get(request.match_info["no"])
    if bill is None:
        return _error(404, "NOT_FOUND", "记录不存在")
    return _signed(gateway, 200, bill.as_bill(gateway.mchid))


@gateway_view
async def cancel_transfer(request: web.Request, gateway: PayGateway,
                          data: Body) -> web.StreamResponse:
    bill: FakeTransfer | None = gateway.transfers.get(request.match_info["no"])
    if bill is None:
        return _error(404, "NOT_FOUND", "记录不存在")
    if bill.state not in ("ACCEPTED", "WAIT_USER_CONFIRM", "CANCELING"):
        return _error(400, "INVALID_REQUEST", "当前转账单状态不支持撤销")
    if gateway.transfer_cancel_slow and bill.state != "CANCELING":
        desk = TransferDesk(gateway)  # CANCELING for a while: the test says when it is done
        desk._settle(bill, "CANCELING")
    elif bill.state != "CANCELING":
        desk = TransferDesk(gateway)
        if gateway.transfer_notify_first:  # the notification arrives before the answer
            desk._settle(bill, "CANCELLED")
            await desk._notify(bill)
        else:
            desk._finish(bill, "CANCELLED")
    return _signed(gateway, 200, {"out_bill_no": bill.out_bill_no,
                                  "transfer_bill_no": bill.transfer_bill_no,
                                  "state": "CANCELING", "update_time": bill.updated})


def add_transfer_routes(app: web.Application) -> None:
    app.router.add_post(ROUTE, create_transfer)
    app.router.add_get(ROUTE + "/out-bill-no/{no}", query_transfer)
    app.router.add_post(ROUTE + "/out-bill-no/{no}/cancel", cancel_transfer)
