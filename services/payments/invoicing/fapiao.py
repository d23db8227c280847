"""E-invoices (电子发票) through a provider: the interface the service issues, follows, fetches
and reverses them through (bot/providers/pay/fapiao.py implements it over WeChat Pay's
电子发票 API: a fee paid with WeChat Pay is invoiced under its transaction, 开票场景
WITH_WECHATPAY). Issuing and reversing are accepted first and completed later: the provider
calls back, and the service also asks (查询电子发票)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

FileType = Literal["pdf", "ofd"]


@dataclass(frozen=True)
class FapiaoOrder:
    """What one invoice is for: its title (抬头, WeChat Pay's buyer_information: the payer
    as INDIVIDUAL, or a unit as ORGANIZATION with its taxpayer id), one line."""

    apply_id: str  # fapiao_apply_id: the WeChat Pay transaction id of the payment
    fapiao_id: str  # ours, unique per invoice
    buyer_name: str
    item: str
    amount_fen: int
    buyer_type: Literal["INDIVIDUAL", "ORGANIZATION"] = "INDIVIDUAL"
    taxpayer_id: str | None = None  # the unit's unified social credit code (ORGANIZATION)


@dataclass(frozen=True)
class FapiaoStatus:
    """The provider's view: ISSUE_ACCEPTED, ISSUED, REVERSE_ACCEPTED, REVERSED (or "" when
    it knows none), with the blue invoice's number and code, the red one's number."""

    status: str
    number: str | None = None
    code: str | None = None
    red_number: str | None = None


@dataclass(frozen=True)
class FapiaoFile:
    content: bytes
    file_type: FileType


class FapiaoError(Exception):
    """The provider refused (`code` its own) or did not answer (`transient`)."""

    def __init__(self, message: str, code: str = "", *, transient: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.transient = transient


class EInvoicing(Protocol):
    async def issue(self, order: FapiaoOrder) -> None: ...

    async def status(self, apply_id: str, fapiao_id: str) -> FapiaoStatus: ...

    async def file(self, apply_id: str, fapiao_id: str, payer_openid: str,
                   status: FapiaoStatus) -> FapiaoFile | None:
        """The issued (or, once reversed, the red) invoice's file; None while there is
        none to download yet."""
        ...

    async def reverse(self, apply_id: str, fapiao_id: str, number: str, code: str | None,
                      reason: str) -> None: ...
