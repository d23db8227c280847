"""What the payout service needs from WeChat Pay's merchant transfer (商家转账, user
confirmation mode, in force since 2025-01-15), without its wire format: the gateway protocol
(bot/providers/pay/transfer.py implements it over APIv3) and the bill it reports.

A transfer bill is made by the merchant (POST /v3/fund-app/mch-transfer/transfer-bills) and
waits for the payee to confirm it in the mini-program (wx.requestMerchantTransfer with the
bill's package_info); a bill not confirmed within 24 hours is closed by WeChat Pay and the
money stays with the merchant; the merchant may cancel one that is waiting. Final states
(SUCCESS, FAIL, CANCELLED) are notified (MCHTRANSFER.BILL.FINISHED) and can be queried."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

FINAL = frozenset({"SUCCESS", "FAIL", "CANCELLED"})
# WeChat Pay's bill states: ACCEPTED (受理), PROCESSING (锁定资金), WAIT_USER_CONFIRM,
# TRANSFERING, SUCCESS, FAIL, CANCELING, CANCELLED; NOTEXIST is ours (never made there)
STATES = frozenset({"ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING", "CANCELING",
                    "NOTEXIST"}) | FINAL


@dataclass(frozen=True)
class TransferRequest:
    """One transfer to one payee (amount in fen). `user_name`, the payee's real name, goes
    sealed with every transfer: WeChat Pay requires it from 2,000 yuan and issues no
    electronic receipt (电子回单) for a transfer made without it (docs/rules-that-are-ours.md)."""

    out_bill_no: str
    openid: str
    amount_fen: int
    remark: str  # the payee sees it; at most 32 characters
    user_name: str = ""
    # the payee's 免确认收款授权 (WeChat Pay's authorization_id): the bill is then made by
    # 用户授权后转账 (POST .../transfer-bills/transfer), without the openid, and needs no
    # confirmation
    authorization_id: str = ""


@dataclass(frozen=True)
class TransferBill:
    """A transfer bill as WeChat Pay reports it (the answer to a create or a query, or a
    notification)."""

    out_bill_no: str
    state: str
    transfer_bill_no: str = ""
    package_info: str = ""  # only while WAIT_USER_CONFIRM, for wx.requestMerchantTransfer
    amount_fen: int | None = None
    openid: str = ""
    mchid: str = ""
    fail_reason: str = ""
    updated_at: datetime | None = None


# 免确认收款授权's states (WX-PAY 商户单号查询授权结果): WAIT_USER_CONFIRM (the user has 24
# hours to agree), CONFIRMED, CLOSED (closed by the user or the merchant, or not agreed in time)
AUTHORIZATION_STATES = frozenset({"WAIT_USER_CONFIRM", "CONFIRMED", "CLOSED", "NOTEXIST"})


@dataclass(frozen=True)
class AuthorizationRequest:
    """发起免确认收款授权 for one payee (the scene and the notification address are the
    gateway's)."""

    out_authorization_no: str
    openid: str
    display_name: str  # 用户展示名称: the account the payee reads in the authorisation


@dataclass(frozen=True)
class TransferAuthorization:
    """A 免确认收款授权 as WeChat Pay reports it (an answer or a notification's resource)."""

    out_authorization_no: str
    state: str
    authorization_id: str = ""
    package_info: str = ""  # only while WAIT_USER_CONFIRM, for wx.requestMerchantTransfer
    openid: str = ""
    mchid: str = ""
    close_reason: str = ""
    updated_at: datetime | None = None


# 电子回单 of a transfer bill (WX-PAY 商户单号申请/查询电子回单): GENERATING, FINISHED (its file
# ready to download for 10 minutes), FAILED; NOTEXIST is ours (never applied for)
RECEIPT_STATES = frozenset({"GENERATING", "FINISHED", "FAILED", "NOTEXIST"})


@dataclass(frozen=True)
class TransferReceipt:
    """A transfer's electronic receipt as WeChat Pay reports it."""

    out_bill_no: str
    state: str
    hash_type: str = ""  # SHA256
    hash_value: str = ""  # the file's digest, in lower-case hex
    download_url: str = ""  # on the gateway, valid 10 minutes
    fail_reason: str = ""


class TransferGateway(Protocol):
    mchid: str
    appid: str  # the mini-program's: the payee confirms there

    async def create(self, request: TransferRequest) -> TransferBill:
        """Make the bill (the same out_bill_no again answers the bill already made)."""
        ...

    async def query(self, out_bill_no: str) -> TransferBill:
        """The bill's state (NOTEXIST when WeChat Pay has none by that number)."""
        ...

    async def cancel(self, out_bill_no: str) -> TransferBill:
        """Cancel a bill the payee has not confirmed (CANCELING, then CANCELLED)."""
        ...

    async def authorize(self, request: AuthorizationRequest) -> TransferAuthorization:
        """发起免确认收款授权 (the same number again answers the authorisation made)."""
        ...

    async def authorization(self, out_authorization_no: str) -> TransferAuthorization:
        """商户单号查询授权结果 (NOTEXIST when WeChat Pay has none by that number)."""
        ...

    async def close_authorization(self, out_authorization_no: str) -> TransferAuthorization:
        """解除免确认收款授权."""
        ...

    async def apply_receipt(self, out_bill_no: str) -> TransferReceipt:
        """商户单号申请电子回单 for a bill paid (the same number again answers the one applied
        for)."""
        ...

    async def receipt(self, out_bill_no: str) -> TransferReceipt:
        """商户单号查询电子回单 (NOTEXIST when none was applied for)."""
        ...

    async def receipt_file(self, receipt: TransferReceipt) -> bytes:
        """The receipt's file, its digest checked (PayError RECEIPT_HASH_MISMATCH)."""
        ...
