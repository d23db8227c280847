"""A fake WeChat Pay APIv3 gateway with its own RSA key: it checks the merchant's request
signatures, signs its responses and notifications, and encrypts notification resources with
the APIv3 key, as api.mch.weixin.qq.com does, so the whole payment flow runs locally.

`PayGateway.scan_and_pay` is what a payer's phone does; the simulator and the tests call it.
Notifications are sent to the order's notify_url and retried on failure (compressed schedule);
`drop_notifications` loses them, to exercise the reconciler."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpayv3.utils import load_private_key, rsa_sign

from services.common.clock import CHINA
from services.payments import BillRow

log = logging.getLogger(__name__)

AUTH_RE = re.compile(r'(\w+)="([^"]*)"')
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)  # WeChat Pay: 15s 15s 30s 3m ...; compressed here


@functools.cache
def _private_key(pem: str) -> Any:
    """A PEM key parsed once per process (parsing checks the RSA key, some 20 ms): the
    sandbox and the tests start a gateway with the same keys again and again."""
    return load_private_key(pem)


@dataclass
class FakeOrder:
    out_trade_no: str
    appid: str
    mchid: str
    description: str
    total: int
    notify_url: str
    trade_type: str  # NATIVE / JSAPI
    params: dict[str, Any]
    payer_openid: str = ""
    state: str = "NOTPAY"
    transaction_id: str = ""
    success_time: str = ""
    code_url: str = ""
    prepay_id: str = ""
    refunds: list[str] = field(default_factory=list)
    refunded_at: str = ""  # the last refund (China time), for the trade bill
    refunded_fen: int = 0

    def as_transaction(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "appid": self.appid, "mchid": self.mchid, "out_trade_no": self.out_trade_no,
            "trade_type": self.trade_type, "trade_state": self.state,
            "trade_state_desc": {"SUCCESS": "支付成功", "NOTPAY": "未支付", "CLOSED": "已关闭",
                                 "REFUND": "转入退款"}.get(self.state, self.state),
            "amount": {"total": self.total, "currency": "CNY"}, "attach": self.params.get(
                "attach", "")}
        if self.state in ("SUCCESS", "REFUND"):
            data.update(transaction_id=self.transaction_id, success_time=self.success_time,
                        payer={"openid": self.payer_openid}, bank_type="OTHERS",
                        amount={"total": self.total, "payer_total": self.total,
                                "currency": "CNY", "payer_currency": "CNY"})
        return data


class PayGateway:
    """The gateway's state and keys (one merchant)."""

    def __init__(self, *, mchid: str, apiv3_key: str, merchant_private_key: str,
                 gateway_private_key: str, public_key_id: str) -> None:
        self.mchid = mchid
        self.apiv3_key = apiv3_key
        self.public_key_id = public_key_id
        self._merchant_public = _private_key(merchant_private_key).public_key()
        self._key = _private_key(gateway_private_key)
        self.orders: dict[str, FakeOrder] = {}
        self.by_code: dict[str, str] = {}
        self.drop_notifications = 0  # lose the next N notifications entirely
        self.query_failing: set[str] = set()  # orders whose query answers 500 SYSTEM_ERROR
        self.notified: list[tuple[str, int]] = []  # (out_trade_no, HTTP status we got)
        self.calls: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.session: aiohttp.ClientSession | None = None
        self.base_url = ""  # where it is served (tests)
        self.notify_to = ""  # overrides orders' notify_url (tests, whose port comes late)
        # the daily trade bill (sandbox/pay/bill.py), and how tests make it disagree
        self.bill_extra_rows: list[BillRow] = []  # trades WeChat Pay has and we do not
        self.bill_amount_override: dict[str, int] = {}  # out_trade_no -> fen in the bill
        self.bill_dropped: set[str] = set()  # orders left out of the bill
        self.bill_not_ready = False  # answer STATEMENT_CREATING
        # the hour bills are asked at (tests: one when yesterday's bills are out)
        self.bill_clock: Callable[[], datetime] = functools.partial(datetime.now, UTC)
        # the moment its transfers are made and paid at (a test that walks the service's
        # clock through a year hands it the same clock: a day's fund-flow bill then holds
        # the transfers the service saw paid that day)
        self.clock: Callable[[], datetime] = functools.partial(datetime.now, UTC)
        self.bill_tampered = False  # serve a file whose SHA1 is not the one announced
        self.bill_files: dict[str, tuple[bytes, float]] = {}  # download token -> (file, until)
        # transfers' 电子回单 (sandbox/pay/transfer.py): out_bill_no -> receipt
        self.receipts: dict[str, Any] = {}
        self.receipt_pending_queries = 1  # queries answered GENERATING before FINISHED
        self.receipt_tampered = False  # serve a file whose SHA256 is not the one announced
        # the fund-flow bill's transfer lines (sandbox/pay/fundflow.py), made to disagree
        self.fundflow_dropped: set[str] = set()  # out_bill_no left out of the bill
        self.fundflow_amount_override: dict[str, int] = {}  # out_bill_no -> fen in the bill
        # 电子发票 (sandbox/pay/fapiao.py): fapiao_id -> invoice; the next issue's refusal
        self.fapiaos: dict[str, Any] = {}
        self.fapiao_refuse = ""
        # 商家转账 (sandbox/pay/transfer.py): out_bill_no -> bill
        self.transfers: dict[str, Any] = {}
        self.transfer_scenes = {"1005"}  # the scenes the merchant has opened (佣金报酬)
        self.transfer_balance_fen: int | None = None  # the operating account; None: ample
        self.transfer_paid_fen = 0
        self.transfer_fail_next = ""  # the next confirmed transfer fails with this reason
        # a withdrawn bill's CANCELLED notification is delivered before the cancel call is
        # answered (WeChat Pay promises no order between the two)
        self.transfer_notify_first = False
        # a cancel stays CANCELING until TransferDesk.cancelled (WeChat Pay takes its time)
        self.transfer_cancel_slow = False
        # 免确认收款授权 (sandbox/pay/authorisation.py): out_authorization_no -> authorisation;
        # whether the merchant has the mode (without it: NO_AUTH)
        self.transfer_authorizations: dict[str, Any] = {}
        self.transfer_authorization_open = True

    # -- signing, as WeChat Pay does it ----------------------------------------------------
    def sign_headers(self, body: str, *, timestamp: int | None = None,
                     key: Any = None, serial: str | None = None) -> dict[str, str]:
        stamp, nonce = str(timestamp if timestamp is not None else int(time.time())), \
            secrets.token_hex(16)
        signature = rsa_sign(key or self._key, f"{stamp}\n{nonce}\n{body}\n")
        return {"Wechatpay-Timestamp": stamp, "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": signature, "Wechatpay-Serial": serial or self.public_key_id,
                "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
                "Request-ID": secrets.token_hex(8)}

    def notification(self, order: FakeOrder | None, *, event: str = "TRANSACTION.SUCCESS",
                     resource: dict[str, Any] | None = None, timestamp: int | None = None,
                     original_type: str = "transaction",
                     summary: str = "支付成功") -> tuple[dict[str, str], str]:
        """Headers and body of a notification for `order` (or of `resource`), encrypted and
        signed; the resource's original type is also its associated data."""
        data = resource if resource is not None else order.as_transaction() if order else {}
        plain = json.dumps(data, ensure_ascii=False)
        nonce = secrets.token_hex(6)
        sealed = AESGCM(self.apiv3_key.encode()).encrypt(nonce.encode(), plain.encode(),
                                                         original_type.encode())
        body = json.dumps({
            "id": secrets.token_hex(16), "create_time": datetime.now(CHINA).isoformat(
                timespec="seconds"), "resource_type": "encrypt-resource",
            "event_type": event, "summary": summary,
            "resource": {"original_type": original_type, "algorithm": "AEAD_AES_256_GCM",
                         "ciphertext": base64.b64encode(sealed).decode(),
                         "associated_data": original_type, "nonce": nonce}},
            ensure_ascii=False)
        headers = self.sign_headers(body, timestamp=timestamp)
        headers["Content-Type"] = "application/json"
        return headers, body

    def _check_auth(self, request: web.Request, body: str) -> bool:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("WECHATPAY2-SHA256-RSA2048 "):
            return False
        parts = dict(AUTH_RE.findall(auth))
        if parts.get("mchid") != self.mchid:
            return False
        path = "/v3" + request.path_qs.split("/v3", 1)[1]  # mounted under a prefix or not
        message = f"{request.method}\n{path}\n{parts.get('timestamp')}\n" \
                  f"{parts.get('nonce_str')}\n{body}\n"
        try:
            self._merchant_public.verify(base64.b64decode(parts.get("signature", "")),
                                         message.encode(), *_pkcs1_sha256())
        except Exception:
            return False
        return True

    # -- the payer -------------------------------------------------------------------------
    def find(self, code_or_no: str) -> FakeOrder | None:
        no = self.by_code.get(code_or_no, code_or_no)
        return self.orders.get(no)

    async def scan_and_pay(self, code_or_no: str, openid: str = "o_sandbox_payer") -> FakeOrder:
        """Pay an order as the payer's phone would; the notification follows."""
        order = self.find(code_or_no)
        if order is None:
            raise LookupError("二维码无效或订单不存在")
        if order.state == "CLOSED":
            raise LookupError("订单已关闭，请刷新二维码")
        if order.state != "NOTPAY":
            raise LookupError("该订单已支付")
        order.state, order.payer_openid = "SUCCESS", order.payer_openid or openid
        order.transaction_id = "42" + "".join(secrets.choice("0123456789") for _ in range(26))
        order.success_time = datetime.now(CHINA).isoformat(timespec="seconds")
        self._spawn(self._notify(order))
        return order

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notify(self, order: FakeOrder) -> None:
        await self.deliver(order.notify_url, order.out_trade_no,
                           lambda: self.notification(order))

    async def deliver(self, url: str, no: str,
                      make: Callable[[], tuple[dict[str, str], str]]) -> None:
        """Post a notification (made afresh for each try, as its timestamp is) until it is
        acknowledged, on WeChat Pay's retry schedule (compressed)."""
        if self.drop_notifications > 0:
            self.drop_notifications -= 1
            return
        assert self.session is not None
        for delay in (0.0, *RETRY_DELAYS):
            await asyncio.sleep(delay)
            headers, body = make()
            try:
                async with self.session.post(self.notify_to or url, data=body.encode(),
                                             headers=headers,
                                             timeout=aiohttp.ClientTimeout(total=5)) as resp:
                    self.notified.append((no, resp.status))
                    if resp.status in (200, 204):
                        return
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.info("sandbox pay: notification to %s failed: %r", url, exc)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self.session is not None:
            await self.session.close()


def _pkcs1_sha256() -> tuple[Any, Any]:
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.hashes import SHA256

    return PKCS1v15(), SHA256()


GATEWAY = web.AppKey("pay_gateway", PayGateway)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


def _signed(gateway: PayGateway, status: int, data: dict[str, Any] | None) -> web.Response:
    body = json.dumps(data, ensure_ascii=False) if data is not None else ""
    return web.Response(status=status, text=body, headers=gateway.sign_headers(body),
                        content_type="application/json")


Body = dict[str, Any]  # a request's JSON


def gateway_view(func: Any) -> Any:
    async def view(request: web.Request) -> web.StreamResponse:
        gateway = request.app[GATEWAY]
        name = func.__name__
        gateway.calls[name] = gateway.calls.get(name, 0) + 1
        body = await request.text()
        if not gateway._check_auth(request, body):
            return _error(401, "SIGN_ERROR", "签名错误")
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return _error(400, "PARAM_ERROR", "JSON格式错误")
        response: web.StreamResponse = await func(request, gateway, data)
        return response
    return view
