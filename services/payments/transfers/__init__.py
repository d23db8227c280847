"""Transfers to experts through WeChat Pay's 商家转账: the gateway's port, its bills,
authorisations and receipts, and their reconciliation with the operating account's
fund-flow bill.

A door of the payments context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.payments.transfers.bill import FundFlowGateway, TransferReconcile
from services.payments.transfers.gateway import (
    AUTHORIZATION_STATES,
    RECEIPT_STATES,
    STATES,
    AuthorizationRequest,
    TransferAuthorization,
    TransferBill,
    TransferGateway,
    TransferReceipt,
    TransferRequest,
)

__all__ = [
    "AUTHORIZATION_STATES",
    "RECEIPT_STATES",
    "STATES",
    "AuthorizationRequest",
    "FundFlowGateway",
    "TransferAuthorization",
    "TransferBill",
    "TransferGateway",
    "TransferReceipt",
    "TransferReconcile",
    "TransferRequest",
]
