"""Payments: orders and WeChat Pay, the bill and its reconciliation; its parts: invoices
(`invoicing`) and transfers to experts (`transfers`). What a payment buys is announced
(Happening.PAID): the contexts above act on it through the reactions table.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.payments.bill import BillReconcile
from services.payments.fee_items import Checkout, FeeItem
from services.payments.findings import BILL_CHECKS, BillDue, Report, TransferReport
from services.payments.gateway import (
    UNREADABLE,
    BillRow,
    FundFlowRow,
    NotificationRejected,
    PayError,
    PayGateway,
    Trade,
)
from services.payments.orders import PAY_LINK, InvoiceWords, PaymentMismatch, Payments

__all__ = [
    "BILL_CHECKS",
    "PAY_LINK",
    "UNREADABLE",
    "BillDue",
    "BillReconcile",
    "BillRow",
    "Checkout",
    "FeeItem",
    "FundFlowRow",
    "InvoiceWords",
    "NotificationRejected",
    "PayError",
    "PayGateway",
    "PaymentMismatch",
    "Payments",
    "Report",
    "Trade",
    "TransferReport",
]
