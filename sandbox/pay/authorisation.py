"""The fake gateway's 用户授权免确认 (authorised transfers) as pay.weixin.qq.com documents it
(WX-PAY: 发起免确认收款授权 4015901167, JSAPI调起免确认收款授权 4015930512, 商户单号查询授权结果
4014399423, 解除免确认收款授权 4015653811, 用户授权后转账 4014399371, 免确认收款授权结果通知
4014512908, 常见问题 4015468873):

- POST /v3/fund-app/mch-transfer/user-confirm-authorization: a merchant without the mode is
  refused (NO_AUTH 商户无权限发起); one waiting or agreed authorisation per user and scene
  (INVALID_REQUEST 用户在当前场景下的授权数量达到限制); the same number again answers the one
  made, with other parameters it is refused; package_info while WAIT_USER_CONFIRM;
- the payee's side (`AuthorisationDesk`): agreeing on wx.requestMerchantTransfer's page
  (CONFIRMED, an authorization_id), closing it in WeChat, or the 24 hours passing (CLOSED,
  USER_OVERDUE_UNCONFIRMED); each change notified, signed and encrypted
  (MCHTRANSFER.AUTHORIZATION.CONFIRMED / .CLOSED), retried until acknowledged;
- GET …/out-authorization-no/{no} and POST …/{no}/close (the merchant's 解除);
- POST /v3/fund-app/mch-transfer/transfer-bills/transfer: no openid; authorization_id or
  out_authorization_no, not both; an authorisation not agreed, or closed, refused; the scene
  the authorisation's; the bill's checks as 发起转账's; paid at once (SUCCESS) and notified
  as any bill (MCHTRANSFER.BILL.FINISHED).

The refusals' words for an authorisation not agreed or closed, the close reasons
USER_CLOSE and MERCHANT_CLOSE and the resource's fields beyond the documented ones are ours
(docs/rules-that-are-ours.md)."""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.pay.gateway import Body, PayGateway, _error, _signed, gateway_view
from sandbox.pay.transfer import (
    AUTHORISED_FIELDS,
    AUTHORIZE_FIELDS,
    NAME_FROM_FEN,
    ROUTE,
    FakeTransfer,
    TransferDesk,
    _created,
    _invalid,
    _name,
    _now,
    undocumented,
)

AUTHORIZATIONS = "/v3/fund-app/mch-transfer/user-confirm-authorization"
OUT_NO = re.compile(r"[0-9A-Za-z]{1,32}")
LIVE = ("WAIT_USER_CONFIRM", "CONFIRMED")


@dataclass
class FakeAuthorization:
    out_authorization_no: str
    appid: str
    openid: str
    scene: str
    notify_url: str
    params: dict[str, Any]
    state: str = "WAIT_USER_CONFIRM"
    authorization_id: str = ""
    package_info: str = ""
    close_reason: str = ""
    created: str = ""
    updated: str = ""

    def as_resource(self, mchid: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "mchid": mchid, "appid": self.appid,
            "out_authorization_no": self.out_authorization_no, "openid": self.openid,
            "transfer_scene_id": self.scene, "state": self.state,
            "create_time": self.created, "update_time": self.updated}
        if self.authorization_id:
            data["authorization_id"] = self.authorization_id
        if self.close_reason:
            data["close_reason"] = self.close_reason
        return data


class AuthorisationDesk:
    """The payee's side of 免确认收款授权, over the gateway's state."""

    def __init__(self, gateway: PayGateway) -> None:
        self.gateway = gateway

    def find(self, package_or_no: str) -> FakeAuthorization | None:
        table = self.gateway.transfer_authorizations
        return table.get(package_or_no) or next(
            (a for a in table.values() if a.package_info == package_or_no), None)

    def _change(self, auth: FakeAuthorization, state: str, reason: str = "") -> None:
        auth.state, auth.close_reason, auth.updated = state, reason, _now()
        auth.package_info = ""
        event = "CONFIRMED" if state == "CONFIRMED" else "CLOSED"
        gateway = self.gateway
        self.gateway._spawn(gateway.deliver(auth.notify_url, auth.out_authorization_no, lambda: (
            gateway.notification(None, event=f"MCHTRANSFER.AUTHORIZATION.{event}",
                                 resource=auth.as_resource(gateway.mchid),
                                 original_type="mch_payment",
                                 summary="商家转账用户免确认收款授权通知"))))

    def agree(self, package_or_no: str, openid: str) -> FakeAuthorization:
        """The payee agrees on the page wx.requestMerchantTransfer shows."""
        auth = self.find(package_or_no)
        if auth is None:
            raise LookupError("授权单不存在")
        if auth.openid != openid:
            raise LookupError("你的微信号与商家指定的微信号不一致")
        if auth.state != "WAIT_USER_CONFIRM":
            raise LookupError("该授权已处理，请勿重复操作")
        auth.authorization_id = "1350" + "".join(secrets.choice("0123456789")
                                                 for _ in range(28))
        self._change(auth, "CONFIRMED")
        return auth

    def close(self, out_authorization_no: str, reason: str = "USER_CLOSE") -> FakeAuthorization:
        """The payee closes it in WeChat (or, with USER_OVERDUE_UNCONFIRMED, lets the 24
        hours pass without agreeing)."""
        auth: FakeAuthorization = self.gateway.transfer_authorizations[out_authorization_no]
        if auth.state not in LIVE:
            raise LookupError("该授权已关闭")
        self._change(auth, "CLOSED", reason)
        return auth


def _refusal(data: Body, gateway: PayGateway) -> tuple[int, str, str] | None:
    if not gateway.transfer_authorization_open:
        return 403, "NO_AUTH", "商户无权限发起"
    if refused := undocumented(data, AUTHORIZE_FIELDS):
        return 400, "PARAM_ERROR", refused
    if not OUT_NO.fullmatch(str(data.get("out_authorization_no", ""))):
        return 400, "PARAM_ERROR", "商户侧授权单号格式错误"
    if not data.get("appid") or not data.get("openid"):
        return 400, "PARAM_ERROR", "appid与openid必填"
    if str(data.get("transfer_scene_id", "")) not in gateway.transfer_scenes:
        return 400, "PARAM_ERROR", "该转账场景未开通"
    name = data.get("user_display_name")
    if not isinstance(name, str) or not 0 < len(name) <= 32:
        return 400, "PARAM_ERROR", "用户展示名称必填且不超过32个字符"
    url = str(data.get("authorization_notify_url", ""))
    if not url.startswith(("http://", "https://")) or "?" in url:
        return 400, "PARAM_ERROR", "授权结果通知地址格式错误"
    return None


def _answer(auth: FakeAuthorization, mchid: str) -> dict[str, Any]:
    data = auth.as_resource(mchid)
    if auth.state == "WAIT_USER_CONFIRM":
        data["package_info"] = auth.package_info
    return data


@gateway_view
async def authorize(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    refusal = _refusal(data, gateway)
    if refusal:
        return _error(*refusal)
    no, table = str(data["out_authorization_no"]), gateway.transfer_authorizations
    existing: FakeAuthorization | None = table.get(no)
    if existing is not None:
        if existing.params != data:
            return _error(400, "INVALID_REQUEST", "商户侧授权单号重复，请核实")
        return _signed(gateway, 200, _answer(existing, gateway.mchid))
    openid, scene = str(data["openid"]), str(data["transfer_scene_id"])
    if any(a.openid == openid and a.scene == scene and a.state in LIVE for a in table.values()):
        return _error(400, "INVALID_REQUEST", "用户在当前场景下的授权数量达到限制，不支持发起授权")
    auth = FakeAuthorization(no, str(data["appid"]), openid, scene,
                             str(data["authorization_notify_url"]), data, created=_now(),
                             updated=_now(),
                             package_info=base64.b64encode(secrets.token_bytes(48)).decode())
    table[no] = auth
    return _signed(gateway, 200, _answer(auth, gateway.mchid))


@gateway_view
async def query_authorization(request: web.Request, gateway: PayGateway,
                              data: Body) -> web.StreamResponse:
    auth = gateway.transfer_authorizations.get(request.match_info["no"])
    if auth is None:
        return _error(404, "NOT_FOUND", "记录不存在")
    return _signed(gateway, 200, _answer(auth, gateway.mchid))


@gateway_view
async def close_authorization(request: web.Request, gateway: PayGateway,
                              data: Body) -> web.StreamResponse:
    auth = gateway.transfer_authorizations.get(request.match_info["no"])
    if auth is None:
        return _error(404, "NOT_FOUND", "记录不存在")
    if auth.state in LIVE:
        AuthorisationDesk(gateway)._change(auth, "CLOSED", "MERCHANT_CLOSE")
    return _signed(gateway, 200, _answer(auth, gateway.mchid))


def _authorisation_of(data: Body, gateway: PayGateway) -> FakeAuthorization | str:
    """The agreed authorisation a transfer names, or why it is refused."""
    by_id, by_no = data.get("authorization_id"), data.get("out_authorization_no")
    if "openid" in data:
        return "不支持传入openid参数，请检查"
    if bool(by_id) == bool(by_no):
        return "微信免确认收款授权单号和商户授权单号须且只须传入一个"
    table = gateway.transfer_authorizations
    auth: FakeAuthorization | None = table.get(str(by_no)) if by_no else next(
        (a for a in table.values() if a.authorization_id == by_id), None)
    if auth is None or auth.state == "WAIT_USER_CONFIRM":
        return "用户未完成免确认收款授权"
    if auth.state != "CONFIRMED":
        return "用户免确认收款授权已关闭"
    if auth.scene != str(data.get("transfer_scene_id", "")):
        return "转账场景与授权场景不一致"
    return auth


@gateway_view
async def authorised_transfer(request: web.Request, gateway: PayGateway,
                              data: Body) -> web.StreamResponse:
    auth = _authorisation_of(data, gateway)
    if isinstance(auth, str):
        return _error(400, "INVALID_REQUEST" if "授权" in auth else "PARAM_ERROR", auth)
    refusal = _invalid(dict(data, openid=auth.openid), gateway,
                       AUTHORISED_FIELDS | {"openid"})
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
    bill = FakeTransfer(no, str(data["appid"]), auth.openid, amount,
                        str(data["transfer_remark"]), auth.notify_url, data,
                        user_name=name, created=_now(), updated=_now(),
                        transfer_bill_no="1330" + "".join(secrets.choice("0123456789")
                                                          for _ in range(30)))
    gateway.transfers[no] = bill
    reason, gateway.transfer_fail_next = gateway.transfer_fail_next, ""
    TransferDesk(gateway)._finish(bill, "FAIL" if reason else "SUCCESS", reason)
    return _signed(gateway, 200, _created(bill))


def add_authorisation_routes(app: web.Application) -> None:
    app.router.add_post(AUTHORIZATIONS, authorize)
    app.router.add_get(AUTHORIZATIONS + "/out-authorization-no/{no}", query_authorization)
    app.router.add_post(AUTHORIZATIONS + "/out-authorization-no/{no}/close",
                        close_authorization)
    app.router.add_post(ROUTE + "/transfer", authorised_transfer)
