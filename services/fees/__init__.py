"""Experts' fees: the published standard and the fee it gives (a 副场's by the
administrator's rule), the agency's fee sheet, its funding and finance's approval, the tax
withheld and the monthly declaration, transfers by WeChat Pay and their authorisations,
bank accounts for experts a transfer cannot reach, and finance's ledger. Above draws (whose
activities, invitations and operation log it reads and writes) and payments (the WeChat Pay
gateways and the QR checkout).

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.fees.accounts import AccountView, PayoutAccounts
from services.fees.authorisations import (
    AuthorisationMismatch,
    AuthoriseParams,
    TransferAuthorisations,
)
from services.fees.declaration import Declaration, Declared
from services.fees.funding import Funding, FundingRow, SheetView
from services.fees.ledger import AgencyLedger, Ledger
from services.fees.money import MoneyRow
from services.fees.payouts import ConfirmParams, MyPayout, PayoutMismatch, Payouts
from services.fees.receipts import Overdue, Receipts
from services.fees.rule import HOURLY, PROFILES, Computed
from services.fees.secondary import HOSTED_TERMS, THEIR_STANDARDS, Providers
from services.fees.service import Fees
from services.fees.sheets import FeeRow, FeeSheet, FeeSheets, MyFee
from services.fees.standards import FeeStandards, NewStandard
from services.fees.transfer_list import TransferRow
from services.fees.withholding import Amounts

__all__ = [
    "HOSTED_TERMS",
    "HOURLY",
    "PROFILES",
    "THEIR_STANDARDS",
    "AccountView",
    "AgencyLedger",
    "Amounts",
    "AuthorisationMismatch",
    "AuthoriseParams",
    "Computed",
    "ConfirmParams",
    "Declaration",
    "Declared",
    "FeeRow",
    "FeeSheet",
    "FeeSheets",
    "FeeStandards",
    "Fees",
    "Funding",
    "FundingRow",
    "Ledger",
    "MoneyRow",
    "MyFee",
    "MyPayout",
    "NewStandard",
    "Overdue",
    "PayoutAccounts",
    "PayoutMismatch",
    "Payouts",
    "Providers",
    "Receipts",
    "SheetView",
    "TransferAuthorisations",
    "TransferRow",
]
