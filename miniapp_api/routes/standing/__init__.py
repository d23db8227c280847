"""The mini-program API's routes of the standing context, a table per resource module."""

from miniapp_api.routes.standing import credit, sanctions, yearly_accounts

ROUTES = (sanctions.api, credit.api, yearly_accounts.api)
