"""The first page after sign-in: what waits for this person, by role (GD-DRAW's 工作台 for
agencies: today's activities, drawing now, finished today, this week)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from console.app import PageTable, api, render, visitor
from console.context import CONSOLE
from console.invoke import fields
from miniapp_api.routes.admin import audit as admin_audit
from miniapp_api.routes.admin import batches as admin_desk
from miniapp_api.routes.admin import federation as peers_desk
from miniapp_api.routes.admin import feedback as feedback_desk
from miniapp_api.routes.admin import keys as admin_keys
from miniapp_api.routes.applicants import objections, review
from miniapp_api.routes.draws.facts import log as draw_log
from miniapp_api.routes.draws.record import performance_desk
from miniapp_api.routes.draws.setup import templates, verify
from miniapp_api.routes.draws.venue import attendance
from miniapp_api.routes.fees import funding
from miniapp_api.routes.help import support
from miniapp_api.routes.payments import bills as admin_bills
from miniapp_api.routes.payments import invoices
from miniapp_api.routes.people import agency, dishonesty, roles
from miniapp_api.routes.people import people_desk as admin
from miniapp_api.routes.people import security as admin_security
from miniapp_api.routes.reference import holidays as reference_holidays
from miniapp_api.routes.standing import sanctions
from services.common.paging import MOST

pages = PageTable()


@pages.get("/home")
async def home(request: web.Request) -> web.Response:
    endpoints, calls = request.app[CONSOLE].endpoints, api(request)
    seen_roles = visitor(request).roles
    dashboard = pending = reviews = None
    downloads = []
    # a person of several agencies chooses whom this sign-in acts for before any agency work
    # (GD-DRAW: 登录后选择以经办企业的身份进入系统)
    choices = await calls.call(agency.agency_choices)
    agency_work = not choices.must_choose
    if agency_work and endpoints.admits(seen_roles, attendance.dashboard):
        dashboard = await calls.call(attendance.dashboard)
    if agency_work and endpoints.admits(seen_roles, templates.templates):  # 模板下载
        downloads = (await calls.call(templates.templates)).templates
    # legal persons' requests to act as their handler, answered here (GD-DRAW: 处理关联申请)
    link_requests = (await calls.call(agency.link_requests)).requests
    soonest = due = None
    if endpoints.admits(seen_roles, verify.pending):
        waiting = (await calls.call(verify.pending)).activities
        pending = len(waiting)  # the soonest evaluation is the deadline that matters
        soonest = min((a.eval_start for a in waiting), default=None)
    if endpoints.admits(seen_roles, review.queue):
        queue = (await calls.call(review.queue)).applications
        reviews = len(queue)
        due = min((a.review_until for a in queue if a.review_until), default=None)
    # the 公示 objections the public raised that wait for this desk's ruling
    objecting = sum(o.ruling is None for o in (await calls.call(
        objections.objections)).objections) \
        if endpoints.admits(seen_roles, objections.objections) else None
    # who the visitor acts as: the agency (and until when), a reviewer's or verifier's scope
    standing = []
    for handler in (agency.membership, roles.reviewer_scope, roles.verifier_scope):
        if endpoints.admits(seen_roles, handler) and (agency_work or handler is not
                                                      agency.membership):
            standing.append(await calls.call(handler))
    desk = await _administrator(request) if endpoints.admits(seen_roles, draw_log.day_draws) \
        else None
    money = await _finance(request) if endpoints.admits(seen_roles, admin_bills.reconciliation) \
        else None
    # from 1 November, next year's holiday calendar until it is loaded
    holidays_missing = (await calls.call(reference_holidays.calendar, fields(
        reference_holidays.YearQuery, {}))).missing_next \
        if endpoints.admits(seen_roles, reference_holidays.calendar) else None
    # keys and certificates ending within 30 days, or ended: what to do before (WX-PAY, GB-39786)
    key_warnings = [k for k in (await calls.call(admin_keys.key_dates)).keys if k.level] \
        if endpoints.admits(seen_roles, admin_keys.key_dates) else []
    # people waiting for the 客服人员 (人工客服): how many, and the longest wait
    asking = await calls.call(support.waiting) \
        if endpoints.admits(seen_roles, support.waiting) else None
    # the security and audit administrators' duties (三权分立): what each may do here; the
    # trail is not read from here (each reading is an entry of its own)
    duties = [duty for duty, handler in (("security", admin_security.find_standing),
                                          ("audit", admin_audit.audit_trail))
              if endpoints.admits(seen_roles, handler)]
    return render(request, "home.html", dashboard=dashboard, pending=pending, reviews=reviews,
                  standing=standing, desk=desk, money=money, soonest=soonest, due=due,
                  duties=duties, downloads=downloads, link_requests=link_requests,
                  choices=choices, holidays_missing=holidays_missing, asking=asking,
                  key_warnings=key_warnings, objecting=objecting,
                  desk_open=endpoints.admits(seen_roles, support.tickets))


def _counted(rows: list[Any], more: str | None) -> int | str:
    """How many a page of a paged list holds: "100+" when more pages follow."""
    return f"{len(rows)}+" if more else len(rows)


async def _administrator(request: web.Request) -> dict[str, int | str]:
    """What waits for an administrator today: the day's draws, notifications nobody
    received, feedback, objections, experts' disputes of their records and appeals of
    their sanctions, experts found on the list of dishonest judgment debtors, other
    libraries' requests for experts to decide."""
    calls = api(request)
    today = await calls.call(draw_log.day_draws, fields(draw_log.DayQuery, {}))
    most = {"limit": MOST}
    stuck = await calls.call(admin_desk.stuck, fields(admin_desk.StuckQuery, most))
    feedback = await calls.call(feedback_desk.list_feedback,
                                fields(feedback_desk.FeedbackQuery, {**most, "state": "open"}))
    notices = await calls.call(admin.in_notice)
    flags = await calls.call(dishonesty.flag_list, fields(dishonesty.FlagsQuery, most))
    disputes = await calls.call(performance_desk.disputed)
    appeals = await calls.call(sanctions.sanction_list,
                               fields(sanctions.SanctionsQuery, {**most, "view": "appealed"}))
    # other libraries' requests for experts waiting on this library's decision
    lent = await calls.call(peers_desk.lent_requests)
    return {"draws": len(today.draws),
            "peer_requests": sum(r.status == "pending" for r in lent.requests),
            "drawing": sum(d.status == "drawing" for d in today.draws),
            "stuck": _counted(stuck.notifications, stuck.next),
            "feedback": _counted(feedback.feedback, feedback.next),
            "objections": sum(a.objection is not None and a.objection_ruling is None
                              for a in notices.applications),
            "disputes": len(disputes.waiting),
            "appeals": _counted(appeals.items, appeals.next),
            "dishonesty": _counted(flags.items, flags.next)}


async def _finance(request: web.Request) -> dict[str, int | str]:
    """What waits for finance: experts' fee sheets to approve, fees of approved sheets to
    transfer to the bank account the expert gave, reconciliation days with differences
    (payments against the trade bill, transfers against the fund-flow bill), invoices to
    issue."""
    calls = api(request)
    sheets = await calls.call(funding.fee_sheets,
                              fields(funding.SheetsQuery, {"state": "submitted"}))
    bills = await calls.call(admin_bills.reconciliation,
                             fields(admin_bills.ReconciliationQuery, {"days": 7}))
    waiting = await calls.call(invoices.invoice_list,
                               fields(invoices.InvoicesPageQuery, {"limit": MOST}))
    return {"sheets": len(sheets.sheets), "bank_due": sheets.bank_due,
            # a day checked order by order (its bill not out) counts when it differed
            "differences": sum(r.mismatch_count > 0 or r.status == "failed"
                               for r in bills.runs),
            "transfer_differences": sum(r.mismatch_count > 0 or r.status == "failed"
                                        for r in bills.transfer_runs),
            "invoices": _counted(waiting.invoices, waiting.next)}
