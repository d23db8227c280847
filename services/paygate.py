"""What the payments service needs from WeChat Pay, without its wire format: the gateway
protocol (bot.wechatpay implements it over APIv3) and the values it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class PayError(Exception):
    """WeChat Pay refused a call or could not be reached; `code` is its error code."""

    def __init__(self, code: str, message: str = "", *, transient: bool = False) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
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
