"""Invoices: the e-invoices (数电票) issued through a provider for what was paid, the
invoice titles people keep, and the provider's port.

A door of the payments context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.payments.invoicing.einvoices import EInvoices
from services.payments.invoicing.fapiao import (
    EInvoicing,
    FapiaoError,
    FapiaoFile,
    FapiaoOrder,
    FapiaoStatus,
)
from services.payments.invoicing.invoices import InvoiceRow, Invoices, InvoiceTitle, TitleKind

__all__ = [
    "EInvoices",
    "EInvoicing",
    "FapiaoError",
    "FapiaoFile",
    "FapiaoOrder",
    "FapiaoStatus",
    "InvoiceRow",
    "InvoiceTitle",
    "Invoices",
    "TitleKind",
]
