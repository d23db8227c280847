"""The mini-program API's routes of the admin context, a table per resource module."""

from miniapp_api.routes.admin import audit, batches, federation, feedback, keys, statistics

ROUTES = (batches.api, feedback.api, audit.api, statistics.api, federation.api, keys.api)
