"""The WeChat client around the simulator's mini-program screen (sandbox/static/mp_*.js), which
calls the real mini-program API as the mini-program does: what WeChat itself shows on the
phone when the mini-program asks it to, over the fakes' state.

- wx.requestMerchantTransfer: the page that shows a fee transfer (收款) or an authorisation
  of transfers without confirmation (免确认收款授权) by its `package`, and the payee's tap on
  it (the fake gateway then notifies the service, as WeChat Pay does);
- wx.requestPayment: the fake gateway's order for a mini-program payment (its prepay_id),
  paid by the payer's tap (POST /sandbox/api/pay-scan takes the prepay_id as it is).

And the phone's own number: one typed into the mini-program (to register, say) is this
phone's, so the SMS sent to it shows in the phone's inbox before any person has that number.

wx.login's code is /sandbox/api/login-code (sandbox/console_links.py) and
wx.requestFacialVerify's outcome /sandbox/api/face (sandbox/wechat_privacy_sim.py)."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from sandbox.pay.authorisation import AuthorisationDesk
from sandbox.pay.simulator import PAY_GATEWAY
from sandbox.pay.transfer import TransferDesk
from sandbox.simulator import PLATFORM

NUMBER = re.compile(r"\+?\d{11,15}")


def _answer(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


async def merchant_transfer_page(request: web.Request) -> web.Response:
    """What WeChat's page shows for `package`: a transfer waiting for the payee (its amount
    in fen and remark), or an authorisation waiting for agreement."""
    gateway = request.app[PAY_GATEWAY]
    package = request.query.get("package", "")
    bill = TransferDesk(gateway).find(package) if package else None
    if bill is not None:
        return _answer({"kind": "transfer", "amount": bill.amount, "remark": bill.remark,
                        "state": bill.state, "openid": bill.openid})
    auth = AuthorisationDesk(gateway).find(package) if package else None
    if auth is not None:
        return _answer({"kind": "authorization", "state": auth.state, "openid": auth.openid})
    return _answer({"error": "package", "message": "转账单或授权单不存在"}, status=404)


async def merchant_transfer_tap(request: web.Request) -> web.Response:
    """The payee taps 收款 (a transfer) or 同意授权 (an authorisation) on that page."""
    body = await request.json()
    gateway = request.app[PAY_GATEWAY]
    package, openid = str(body.get("package", "")), str(body.get("openid", ""))
    try:
        if TransferDesk(gateway).find(package) is not None:
            bill = TransferDesk(gateway).confirm(package, openid)
            return _answer({"kind": "transfer", "state": bill.state})
        auth = AuthorisationDesk(gateway).agree(package, openid)
        return _answer({"kind": "authorization", "state": auth.state})
    except LookupError as exc:
        return _answer({"error": "merchant_transfer", "message": str(exc)}, status=409)


async def phone_number(request: web.Request) -> web.Response:
    """{"openid", "phone"}: the number typed into this user's phone is theirs."""
    body = await request.json()
    phone = str(body.get("phone", "")).strip()
    if not NUMBER.fullmatch(phone):
        return _answer({"error": "phone", "message": "请输入11位手机号"}, status=400)
    request.app[PLATFORM].user(str(body.get("openid", ""))).numbers.add(phone)
    return _answer({"ok": True})


def setup_phone(app: web.Application, pay: bool) -> None:
    """The phone's routes; WeChat Pay's pages where payments are configured."""
    app.router.add_post("/api/phone-number", phone_number)
    if pay:
        app.router.add_get("/api/merchant-transfer", merchant_transfer_page)
        app.router.add_post("/api/merchant-transfer", merchant_transfer_tap)
