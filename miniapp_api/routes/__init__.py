"""The mini-program API's routes: a table per context's folder (people, rights, applicants,
education, payments, draws, fees, admin, reference, standing, help), each listing its resource
modules' route tables; `api()` gathers them. aiohttp matches a literal path before a
parameterised one whatever their order (tests/api/test_route_tables.py)."""

from __future__ import annotations

from miniapp_api.framework import Api
from miniapp_api.routes import (
    admin,
    applicants,
    draws,
    education,
    evaluation,
    fees,
    help,
    payments,
    people,
    reference,
    rights,
    standing,
)

FOLDERS = (people.ROUTES, rights.ROUTES, applicants.ROUTES, education.ROUTES,
           payments.ROUTES, draws.ROUTES, fees.ROUTES, admin.ROUTES, reference.ROUTES,
           standing.ROUTES, help.ROUTES, evaluation.ROUTES)


def api() -> Api:
    whole = Api()
    for table in FOLDERS:
        for routes in table:
            whole.include(routes)
    return whole
