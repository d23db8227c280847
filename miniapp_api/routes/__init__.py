"""One route table per resource; `api()` gathers them."""

from __future__ import annotations

from miniapp_api.framework import Api
from miniapp_api.routes import (
    admin,
    admin_bills,
    admin_desk,
    admin_reference,
    admin_register,
    agency,
    applications,
    attendance,
    auth,
    draw_drafts,
    draw_followups,
    draw_log,
    draw_prep,
    drawing,
    education,
    expert,
    feedback_desk,
    invitations,
    invoices,
    lessons,
    marking,
    me,
    payments,
    projects,
    reference,
    review,
    roles,
    subscriptions,
    verify,
)

MODULES = (auth, me, subscriptions, applications, review, expert, education, lessons,
           marking, payments, invitations, agency, projects, draw_prep, draw_drafts, drawing,
           draw_followups, attendance, verify, draw_log, roles, admin, admin_desk, admin_bills,
           invoices, feedback_desk, reference, admin_reference,
           admin_register)


def api() -> Api:
    whole = Api()
    for module in MODULES:
        whole.include(module.api)
    return whole
