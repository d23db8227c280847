"""The administrator's desk: batches with their windows, stages, fee and
exam (and a new batch, a new exam); people and their roles (agencies, legal persons,
handlers, reviewers, verifiers); notifications that failed or died, re-sent; payment
orders with their reconciliation state, and the daily reconciliation against WeChat Pay's
bills (a day whose bills are not out, today among them, checked order by order)."""

from __future__ import annotations

from aiohttp import web

from console import admin_forms
from console.app import PageTable, api, done, now, redirect, render
from console.context import CONSOLE
from console.forms import text, when
from console.invoke import fields
from console.paging import PAGE, asked, pager
from console.signed import Flash
from miniapp_api.routes.admin import batches as admin_desk
from miniapp_api.routes.payments import bills as admin_bills
from miniapp_api.routes.people import people_desk as admin
from miniapp_api.schemas import GrantIn, PeopleQuery
from models.applications import AppStatus
from services.common.clock import china_today

pages = PageTable()


def line_error(request: web.Request, exc: admin_forms.LineError) -> Flash:
    return Flash(request.app[CONSOLE].texts.render(f"console/line/{exc.what}.j2", n=exc.number),
                 "refused")


@pages.get("/batches", uses=admin_desk.list_batches)
async def batches(request: web.Request) -> web.Response:
    listed, texts = await api(request).call(admin_desk.list_batches), request.app[CONSOLE].texts
    return render(request, "batches.html", batches=listed.batches,
                  stage_default=texts.render("console/examples/stages.j2"),
                  question_example=texts.render("console/examples/questions.j2"),
                  statuses={s: texts.word("application_status", s) for s in AppStatus})


@pages.post("/batches", uses=admin.create_batch)
async def new_batch(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        stages = admin_forms.stages(text(form, "stages"))
    except admin_forms.LineError as exc:
        return redirect(request, "/console/batches", line_error(request, exc))
    body = {**{k: text(form, k) for k in ("name", "kind", "province", "specialty_rule")},
            **{k: when(form, k) for k in ("apply_from", "apply_until", "review_until")},
            "pay_until": when(form, "pay_until") or None, "stages": stages,
            "fee_yuan": text(form, "fee_yuan") or "0",
            "max_qualifications": text(form, "max_qualifications") or None,
            "exam_required": form.get("exam_required") == "1",
            "notice_days": text(form, "notice_days") or "5",
            "objection_contact": text(form, "objection_contact"),
            "exam_requires_payment": form.get("exam_requires_payment") == "1"}
    calls = api(request, back="/console/batches")
    made = await calls.call(admin.create_batch, calls.fields(admin.BatchIn, body))
    return redirect(request, "/console/batches", done(request, "batch", name=made.name))


@pages.post("/batches/exam", uses=admin.create_exam)
async def new_exam(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        questions = admin_forms.questions(text(form, "questions"))
    except admin_forms.LineError as exc:
        return redirect(request, "/console/batches", line_error(request, exc))
    calls = api(request, back="/console/batches")
    made = await calls.call(admin.create_exam, calls.fields(admin.ExamIn, {
        "batch_id": text(form, "batch_id"), "title": text(form, "title"),
        "opens_at": when(form, "opens_at"), "closes_at": when(form, "closes_at"),
        "duration_minutes": text(form, "duration_minutes"),
        "pass_score": text(form, "pass_score"), "questions": questions}))
    return redirect(request, "/console/batches", done(request, "exam", invited=made.invited))


@pages.get("/people", uses=admin.find_people)
async def people(request: web.Request) -> web.Response:
    return render(request, "people.html", found=None)


@pages.post("/people/find", uses=admin.find_people)
async def find(request: web.Request) -> web.Response:
    """Found by phone or ID number, typed into a form (never in an address: a number in a
    URL ends up in histories and access logs)."""
    key = text(await request.post(), "key")
    calls = api(request, back="/console/people")
    found = await calls.call(admin.find_people, calls.fields(
        PeopleQuery, {"id_number": key} if len(key) == 18 else {"phone": key}))
    return render(request, "people.html", found=found.people)


@pages.post("/people", uses=admin.create_person)
async def new_person(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back="/console/people")
    made = await calls.call(admin.create_person, calls.fields(admin.PersonIn, {
        **{k: text(form, k) for k in ("name", "id_number", "phone")},
        "email": text(form, "email") or None, "migrated": form.get("migrated") == "1"}))
    return redirect(request, "/console/people", done(request, "person", name=made.name,
                                                     id=made.id))


@pages.post("/people/roles", uses=admin.grant_role)
async def grant(request: web.Request) -> web.Response:
    form = await request.post()
    back = "/console/people"
    body = {"person_id": text(form, "person_id"), "role": text(form, "role"),
            **{k: text(form, k) or None for k in (
                "agency_credit_code", "agency_name", "expert_number", "level", "region",
                "industry")}}
    calls = api(request, back=back)
    await calls.call(admin.grant_role, calls.fields(GrantIn, body))
    return redirect(request, back, done(request, "role"))


@pages.get("/notifications", uses=admin_desk.stuck)
async def notifications(request: web.Request) -> web.Response:
    state = request.query.get("state", "")
    filters = {**({"state": state} if state in ("failed", "dead") else {}),
               **asked(request, ("after",))}
    calls = api(request, back="/console/notifications")
    listed = await calls.call(admin_desk.stuck, calls.fields(admin_desk.StuckQuery, filters))
    return render(request, "notifications.html", items=listed.notifications, state=state,
                  pager=pager(request, filters, listed.next))


@pages.post("/notifications/{notification_id}/resend", uses=admin_desk.resend)
async def resend(request: web.Request) -> web.Response:
    await api(request, back="/console/notifications").call(admin_desk.resend,
                                                            path=request.match_info)
    return redirect(request, "/console/notifications", done(request, "resent"))


@pages.get("/payments", uses=admin_desk.payments)
async def payments(request: web.Request) -> web.Response:
    filters = asked(request, ("status", "before", "after"))
    calls = api(request, back="/console/payments")
    listed = await calls.call(admin_desk.payments, calls.fields(admin_desk.OrdersQuery, {
        **filters, "limit": PAGE}))
    # the daily reconciliation against WeChat Pay's trade bill, on the first page only
    later = "before" in filters or "after" in filters
    found = None if later else await calls.call(admin_bills.reconciliation, fields(
        admin_bills.ReconciliationQuery, {"days": 14}))
    return render(request, "payments.html", orders=listed.orders,
                  chosen=filters.get("status", ""), runs=found and found.runs,
                  transfer_runs=found and found.transfer_runs,
                  today=china_today(now(request)),
                  pager=pager(request, filters, listed.next))


@pages.post("/payments/reconcile", uses=admin_bills.reconcile_now)
async def reconcile_now(request: web.Request) -> web.Response:
    """A day's payments and transfers reconciled now, from finance's desk."""
    back = "/console/payments"
    calls = api(request, back=back)
    ran = await calls.call(admin_bills.reconcile_now, calls.fields(
        admin_bills.RunIn, {"bill_date": text(await request.post(), "bill_date")}))
    due = ran.payments.bill_due or ran.transfers.bill_due
    return redirect(request, back, done(
        request, "reconciled", day=f"{ran.payments.bill_date:%Y年%-m月%-d日}",
        trade_status=ran.payments.status, trade_count=str(ran.payments.mismatch_count),
        fund_status=ran.transfers.status, fund_count=str(ran.transfers.mismatch_count),
        expected=due and due.expected_at, check=due and due.check_at, pending=due is not None))
