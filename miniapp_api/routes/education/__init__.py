"""The mini-program API's routes of the education context, a table per resource module."""

from miniapp_api.routes.education import courses, lessons, marking, materials, training

ROUTES = (courses.api, lessons.api, materials.api, training.api, marking.api)
