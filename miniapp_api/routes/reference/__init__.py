"""The mini-program API's routes of the reference context, a table per resource module."""

from miniapp_api.routes.reference import catalogues, contacts, holidays, pickers, unit_requests

ROUTES = (pickers.api, contacts.api, unit_requests.api, catalogues.api, holidays.api)
