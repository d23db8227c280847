"""The mini-program API's routes of the rights context, a table per resource module."""

from miniapp_api.routes.rights import personal_data, retention

ROUTES = (personal_data.api, retention.api)
