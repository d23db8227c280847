"""Experts' fees as one service with its parts, each named as its module, its API routes
and its console pages are (standards, sheets, channels, funding, payouts, accounts,
authorisations, declaration, ledger, transfer_list): the composition root builds it, the
edges reach it as `domain.fees`."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.fees.accounts import PayoutAccounts
from services.fees.authorisations import TransferAuthorisations
from services.fees.channels import FeeChannels
from services.fees.declaration import Declaration
from services.fees.funding import Funding
from services.fees.ledger import Ledger
from services.fees.money import Money
from services.fees.payouts import Payouts
from services.fees.receipts import Receipts
from services.fees.sheets import FeeSheets
from services.fees.standards import FeeStandards
from services.fees.transfer_list import TransferList


@dataclass(frozen=True, kw_only=True)
class Fees:
    payouts: Payouts  # transfers by WeChat Pay, holding the accounts and authorisations
    funding: Funding
    channels: FeeChannels  # paid through the platform or elsewhere, as the agency chose
    receipts: Receipts  # each transfer's 电子回单, archived with the fee
    standards: FeeStandards = field(default_factory=FeeStandards)
    sheets: FeeSheets = field(default_factory=FeeSheets)
    declaration: Declaration = field(default_factory=Declaration)
    ledger: Ledger = field(default_factory=Ledger)
    money: Money = field(default_factory=Money)  # the statistics' fees, tax and receipts
    transfer_list: TransferList = field(default_factory=TransferList)  # finance's list

    @property
    def accounts(self) -> PayoutAccounts:
        """Bank accounts of experts a WeChat transfer cannot reach."""
        return self.payouts.accounts

    @property
    def authorisations(self) -> TransferAuthorisations:
        """Experts' authorised transfers (用户授权免确认)."""
        return self.payouts.authorisations
