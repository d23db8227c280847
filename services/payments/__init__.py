"""Payments: orders and WeChat Pay, transfers to experts, invoices, the bill and its
reconciliation. What a payment buys is announced (Happening.PAID): the contexts above act on
it through the reactions table.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.payments.bill import BillReconcile
from services.payments.einvoices import EInvoices
from services.payments.fapiao import EInvoicing, FapiaoError, FapiaoFile, FapiaoOrder, FapiaoStatus
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
from services.payments.invoices import (
    InvoiceRow,
    Invoices,
    InvoiceTitle,
    TitleKind,
)
from services.payments.orders import PAY_LINK, InvoiceWords, PaymentMismatch, Payments
from services.payments.transfer_bill import FundFlowGateway, TransferReconcile
from services.payments.transfers import (
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
    "BILL_CHECKS",
    "PAY_LINK",
    "RECEIPT_STATES",
    "STATES",
    "UNREADABLE",
    "AuthorizationRequest",
    "BillDue",
    "BillReconcile",
    "BillRow",
    "Checkout",
    "EInvoices",
    "EInvoicing",
    "FapiaoError",
    "FapiaoFile",
    "FapiaoOrder",
    "FapiaoStatus",
    "FeeItem",
    "FundFlowGateway",
    "FundFlowRow",
    "InvoiceRow",
    "InvoiceTitle",
    "InvoiceWords",
    "Invoices",
    "NotificationRejected",
    "PayError",
    "PayGateway",
    "PaymentMismatch",
    "Payments",
    "Report",
    "TitleKind",
    "Trade",
    "TransferAuthorization",
    "TransferBill",
    "TransferGateway",
    "TransferReceipt",
    "TransferReconcile",
    "TransferReport",
    "TransferRequest",
]
