"""The mini-program API's routes of the standing context, a table per resource module."""

from miniapp_api.routes.standing import credit, sanctions

ROUTES = (sanctions.api, credit.api)
