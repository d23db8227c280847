"""The mini-program API's routes of the people context, a table per resource module."""

from miniapp_api.routes.people import (
    agency,
    auth,
    dishonesty,
    expert,
    me,
    people_desk,
    register,
    relatives,
    roles,
    security,
    subscriptions,
)

ROUTES = (auth.api, me.api, subscriptions.api, expert.api, agency.api, roles.api, people_desk.api,
          register.api, security.api, dishonesty.api, relatives.api)
