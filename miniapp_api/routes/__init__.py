"""One route table per resource; `api()` gathers them."""

from __future__ import annotations

from miniapp_api.framework import Api
from miniapp_api.routes import (
    admin,
    admin_audit,
    admin_bills,
    admin_desk,
    admin_performance,
    admin_reference,
    admin_register,
    admin_retention,
    admin_security,
    agency,
    applications,
    attendance,
    auth,
    credit,
    dishonesty,
    draw_drafts,
    draw_followups,
    draw_log,
    draw_prep,
    draw_record,
    drawing,
    education,
    expert,
    fee_standards,
    feedback_desk,
    fees,
    invitations,
    invoices,
    lessons,
    marking,
    me,
    payments,
    payouts,
    performance,
    personal_data,
    projects,
    reference,
    review,
    roles,
    sanctions,
    statistics,
    subscriptions,
    verify,
    verify_request,
    virtual_calls,
)

MODULES = (auth, me, personal_data, subscriptions, applications, review, expert, education, lessons,
           marking, payments, invitations, agency, projects, draw_prep, draw_drafts, drawing,
           draw_record, draw_followups, attendance, verify, verify_request, draw_log, roles,
           admin, admin_desk, admin_bills, invoices, feedback_desk, reference, admin_reference,
           admin_register, virtual_calls, admin_audit, admin_security, admin_retention, fees,
           fee_standards, sanctions, performance, admin_performance, credit, statistics, dishonesty,
           payouts)


def api() -> Api:
    whole = Api()
    for module in MODULES:
        whole.include(module.api)
    return whole
