"""The mini-program API's routes of the payments context, a table per resource module."""

from miniapp_api.routes.payments import bills, invoices, payments_due

ROUTES = (payments_due.api, bills.api, invoices.api)
