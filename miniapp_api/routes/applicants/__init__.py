"""The mini-program API's routes of the applicants context, a table per resource module."""

from miniapp_api.routes.applicants import applications, notice_board, objections, review

ROUTES = (applications.api, review.api, notice_board.api, objections.api)
