"""Experts' fees: the published standard and the fee it gives (a 副场's by the
administrator's rule; less what the law forbids after a confirmed 早退 or conduct item), the
agency's fee sheet, its funding and finance's approval, the tax
withheld and the monthly declaration, transfers by WeChat Pay and their authorisations,
bank accounts for experts a transfer cannot reach, and finance's ledger. Above draws (whose
activities, invitations and operation log it reads and writes) and payments (the WeChat Pay
gateways and the QR checkout).

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.fees.accounts import PayoutAccounts
from services.fees.authorisations import AuthorisationMismatch, TransferAuthorisations
from services.fees.channels import FeeChannels
from services.fees.declaration import Declaration, Declared
from services.fees.funding import Funding, SheetView
from services.fees.ledger import Ledger
from services.fees.money import MoneyRow
from services.fees.payout_states import MyPayout, PayoutMismatch
from services.fees.payouts import Payouts
from services.fees.receipts import Receipts
from services.fees.rule import HOURLY, PROFILES, Computed
from services.fees.secondary import HOSTED_TERMS, THEIR_STANDARDS, Providers
from services.fees.service import Fees
from services.fees.sheets import FeeSheets
from services.fees.standards import FeeStandards, NewStandard
from services.fees.transfer_list import TransferList
from services.fees.withholding import Amounts

__all__ = [
    "HOSTED_TERMS",
    "HOURLY",
    "PROFILES",
    "THEIR_STANDARDS",
    "Amounts",
    "AuthorisationMismatch",
    "Computed",
    "Declaration",
    "Declared",
    "FeeChannels",
    "FeeSheets",
    "FeeStandards",
    "Fees",
    "Funding",
    "Ledger",
    "MoneyRow",
    "MyPayout",
    "NewStandard",
    "PayoutAccounts",
    "PayoutMismatch",
    "Payouts",
    "Providers",
    "Receipts",
    "SheetView",
    "TransferAuthorisations",
    "TransferList",
]
