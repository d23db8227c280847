"""The mini-program API's routes of the fees context, a table per resource module."""

from miniapp_api.routes.fees import (
    accounts,
    authorisations,
    declaration,
    funding,
    ledger,
    lent,
    payouts,
    peer_sheets,
    receipts,
    sheets,
    standards,
)

ROUTES = (funding.api, accounts.api, declaration.api, ledger.api, sheets.api, standards.api,
          payouts.api, authorisations.api, lent.api, peer_sheets.api, receipts.api)
