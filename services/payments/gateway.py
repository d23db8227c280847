"""What the payments service needs from WeChat Pay, without its wire format: the gateway
protocol (bot.providers.pay.client implements it over APIv3) and the values it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

# trade_bill's refusals the reconciliation reports as "the bill is not available" rather
# than as a failure (WeChat Pay's codes for GET /v3/bill/tradebill)
BILL_NOT_READY = "STATEMENT_CREATING"  # still being generated: ask again later
BILL_NONE = "NO_STATEMENT_EXIST"  # no trade and no refund that day (or not generated yet)
UNREADABLE = "UNREADABLE"  # a BillRow standing for a line of the bill that could not be read


class PayError(Exception):
    """WeChat Pay refused a call or could not be reached; `code` is its error code."""

    def __init__(self, code: str, message: str = "", *, transient: bool = False) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message  # WeChat Pay's own words, when it gave some
        self.transient = transient


class NotificationRejected(Exception):
    """A payment notification failed verification; nothing in it may be used."""


@dataclass(frozen=True)
class Trade:
    """A transaction as WeChat Pay reports it (query or notification)."""

    out_trade_no: str
    trade_state: str  # SUCCESS, NOTPAY, CLOSED, REFUND, USERPAYING, PAYERROR, NOTEXIST
    mchid: str = ""
    appid: str = ""
    transaction_id: str = ""
    total_fen: int | None = None
    currency: str = "CNY"
    payer_openid: str = ""
    success_time: datetime | None = None


@dataclass(frozen=True)
class BillRow:
    """One line of WeChat Pay's daily trade bill: a payment (trade_state SUCCESS) or a refund
    (REFUND, dated when refunded) of one of our orders. Amounts are in fen, read from the
    bill's yuan without floating point: `amount_fen` is the order amount (订单金额),
    `refund_fen` the refund asked for (申请退款金额). A line that could not be read comes back
    as trade_state UNREADABLE with its line number and what is wrong with it."""

    out_trade_no: str
    transaction_id: str
    trade_state: str  # SUCCESS, REFUND, REVOKED, or UNREADABLE
    amount_fen: int
    refund_fen: int = 0
    time: datetime | None = None  # 交易时间 (China time)
    out_refund_no: str = ""
    line: int = 0  # the line in the bill file (1 = its header)
    problem: str = ""  # why an UNREADABLE line was not read


@dataclass(frozen=True)
class FundFlowRow:
    """One line of WeChat Pay's daily fund-flow bill (资金账单) of one account: a movement of
    the merchant's money. Amounts are in fen, read from the bill's yuan. `wx_no` is
    微信支付业务单号, `voucher` 业务凭证号 (for a 商家转账: WeChat Pay's transfer bill number and
    the merchant's out_bill_no). A line that could not be read comes back with kind
    UNREADABLE, its line number and what is wrong with it."""

    wx_no: str
    flow_no: str
    name: str  # 业务名称
    kind: str  # 业务类型, or UNREADABLE
    direction: str  # 收支类型: 收入 or 支出
    amount_fen: int
    voucher: str = ""
    time: datetime | None = None  # 记账时间 (China time)
    line: int = 0
    problem: str = ""


class PayGateway(Protocol):
    mchid: str

    async def native(self, out_trade_no: str, description: str, total_fen: int,
                     expires_at: datetime, attach: str) -> str:
        """Create a Native order; returns its code_url."""
        ...

    async def jsapi(self, out_trade_no: str, description: str, total_fen: int,
                    expires_at: datetime, attach: str, openid: str) -> str:
        """Create a JSAPI order for the mini-program; returns its prepay_id."""
        ...

    def jsapi_params(self, prepay_id: str) -> dict[str, str]:
        """The signed parameters wx.requestPayment takes."""
        ...

    async def query(self, out_trade_no: str) -> Trade:
        """The order's state at WeChat Pay."""
        ...

    async def close(self, out_trade_no: str) -> None:
        """Close an unpaid order (raises PayError ORDERPAID if it was paid meanwhile)."""
        ...

    async def refund(self, out_trade_no: str, out_refund_no: str, total_fen: int,
                     reason: str) -> str:
        """Refund a whole order; returns WeChat Pay's refund status."""
        ...

    def appids(self) -> set[str]:
        """The appids our orders are made for (official account, mini-program)."""
        ...

    async def trade_bill(self, day: date) -> list[BillRow]:
        """WeChat Pay's trade bill of a China day (every payment and refund of that day);
        raises PayError BILL_NOT_READY while it is being made, BILL_NONE when there is none."""
        ...
