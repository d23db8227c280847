"""The console's pages of the fees context, in the order they are matched."""

from console.pages.fees import (
    accounts,
    declaration,
    funding,
    ledger,
    lent,
    payouts,
    peer_sheets,
    sheets,
    standards,
)

PAGES = (accounts.pages, declaration.pages, funding.pages, ledger.pages, payouts.pages,
         sheets.pages, standards.pages, lent.pages, peer_sheets.pages)
