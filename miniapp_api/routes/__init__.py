"""One route table per resource; `api()` gathers them."""

from __future__ import annotations

from miniapp_api.framework import Api


def api() -> Api:
    from miniapp_api.routes import (
        admin,
        agency,
        applications,
        attendance,
        auth,
        draws,
        education,
        expert,
        invitations,
        me,
        payments,
        review,
        roles,
        subscriptions,
        verify,
    )

    whole = Api()
    for module in (auth, me, subscriptions, applications, review, expert, education, payments,
                   invitations, agency, draws, attendance, verify, roles, admin):
        whole.include(module.api)
    return whole
