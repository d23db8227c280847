"""The audit trail (GB/T 22239-2019 level 3 安全审计): the hash-chained entries every desk
action writes, their nightly anchor, and the record of access to personal data with the
declaration of what each download and each reading in full holds. Below people and admin,
which both write to it.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.audit.chain import AuditChain, SignInHow
from services.audit.exports import (
    ACCOUNT_NUMBER,
    APPLICATIONS,
    ATTACHMENTS,
    CALLBACK_NUMBER,
    EXPERTS,
    EXPORTS,
    FEE_LEDGER,
    INVOICES,
    OBJECTOR,
    ONE_PERSON,
    PAYMENTS,
    READS_IN_FULL,
    RESULTS,
    REVIEW_QUEUE,
    SERVED_AS,
    WITHHOLDING,
    WITHOUT_PEOPLE,
    YEARLY_ACCOUNTS,
)
from services.audit.holding import (
    MASKABLE,
    Column,
    Export,
    ExportSheet,
    Filled,
    Held,
    Kind,
    Purpose,
    Reading,
    Shown,
)

__all__ = [
    "ACCOUNT_NUMBER",
    "APPLICATIONS",
    "ATTACHMENTS",
    "CALLBACK_NUMBER",
    "EXPERTS",
    "EXPORTS",
    "FEE_LEDGER",
    "INVOICES",
    "MASKABLE",
    "OBJECTOR",
    "ONE_PERSON",
    "PAYMENTS",
    "READS_IN_FULL",
    "RESULTS",
    "REVIEW_QUEUE",
    "SERVED_AS",
    "WITHHOLDING",
    "WITHOUT_PEOPLE",
    "YEARLY_ACCOUNTS",
    "AuditChain",
    "Column",
    "Export",
    "ExportSheet",
    "Filled",
    "Held",
    "Kind",
    "Purpose",
    "Reading",
    "Shown",
    "SignInHow",
]
