"""The administrator's desk (issue 19, item 5): batches with their windows, stages, fee and
exam (and a new batch, a new exam); people and their roles (agencies, legal persons,
handlers, reviewers, verifiers); notifications that failed or died, re-sent; payment
orders with their reconciliation state, and the daily reconciliation against WeChat Pay's
trade bill."""

from __future__ import annotations

from aiohttp import web

from console import admin_forms
from console.app import act, page, person_of, redirect, render
from console.context import CONSOLE
from console.forms import text, when
from models.applications import STATUS_TITLES

BATCHES = ("GET", "/admin/batches")
NEW_BATCH = ("POST", "/admin/batches")
NEW_EXAM = ("POST", "/admin/exams")
PEOPLE = ("GET", "/admin/people")
NEW_PERSON = ("POST", "/admin/people")
GRANT = ("POST", "/admin/roles")
STUCK = ("GET", "/admin/notifications")
RESEND = ("POST", "/admin/notifications/{notification_id}/resend")
ORDERS = ("GET", "/admin/payments")
RECONCILIATION = ("GET", "/admin/reconciliation")


@page("GET", "/batches", uses=BATCHES)
async def batches(request: web.Request) -> web.Response:
    listed = await request.app[CONSOLE].endpoints.call(request, person_of(request), *BATCHES)
    return render(request, "batches.html", batches=listed.batches,
                  stage_default=admin_forms.STAGE_DEFAULT,
                  question_example=admin_forms.QUESTION_EXAMPLE, statuses=STATUS_TITLES)


@page("POST", "/batches", uses=NEW_BATCH)
async def new_batch(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        stages = admin_forms.stages(text(form, "stages"))
    except admin_forms.LineError as exc:
        return redirect(request, "/console/batches", str(exc))
    body = {**{k: text(form, k) for k in ("name", "kind", "province", "specialty_rule")},
            **{k: when(form, k) for k in ("apply_from", "apply_until", "review_until")},
            "pay_until": when(form, "pay_until") or None, "stages": stages,
            "fee_yuan": text(form, "fee_yuan") or "0",
            "max_qualifications": text(form, "max_qualifications") or "3",
            "exam_required": form.get("exam_required") == "1",
            "exam_requires_payment": form.get("exam_requires_payment") == "1"}
    made = await act(request, "/console/batches", *NEW_BATCH, body=body)
    return redirect(request, "/console/batches", f"已创建批次「{made.name}」。")


@page("POST", "/batches/exam", uses=NEW_EXAM)
async def new_exam(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        questions = admin_forms.questions(text(form, "questions"))
    except admin_forms.LineError as exc:
        return redirect(request, "/console/batches", str(exc))
    made = await act(request, "/console/batches", *NEW_EXAM, body={
        "batch_id": text(form, "batch_id"), "title": text(form, "title"),
        "opens_at": when(form, "opens_at"), "closes_at": when(form, "closes_at"),
        "duration_minutes": text(form, "duration_minutes"),
        "pass_score": text(form, "pass_score"), "questions": questions})
    return redirect(request, "/console/batches",
                    f"考试已安排，已向 {made.invited} 名审核通过的申请人发送考试链接。")


@page("GET", "/people", uses=PEOPLE)
async def people(request: web.Request) -> web.Response:
    return render(request, "people.html", found=None)


@page("POST", "/people/find", uses=PEOPLE)
async def find(request: web.Request) -> web.Response:
    """Found by phone or ID number, typed into a form (never in an address: a number in a
    URL ends up in histories and access logs)."""
    key = text(await request.post(), "key")
    query = {"id_number": key} if len(key) == 18 else {"phone": key}
    found = await act(request, "/console/people", *PEOPLE, query=query)
    return render(request, "people.html", found=found.people)


@page("POST", "/people", uses=NEW_PERSON)
async def new_person(request: web.Request) -> web.Response:
    form = await request.post()
    made = await act(request, "/console/people", *NEW_PERSON, body={
        **{k: text(form, k) for k in ("name", "id_number", "phone")},
        "email": text(form, "email") or None, "migrated": form.get("migrated") == "1"})
    return redirect(request, "/console/people",
                    f"已录入 {made.name}（人员编号 {made.id}），可在下方按人员编号授予角色。")


@page("POST", "/people/roles", uses=GRANT)
async def grant(request: web.Request) -> web.Response:
    form = await request.post()
    back = "/console/people"
    body = {"person_id": text(form, "person_id"), "role": text(form, "role"),
            **{k: text(form, k) or None for k in (
                "agency_credit_code", "agency_name", "expert_number", "level", "region",
                "industry")}}
    await act(request, back, *GRANT, body=body)
    return redirect(request, back, "角色已授予，对方下次登录时生效。")


@page("GET", "/notifications", uses=STUCK)
async def notifications(request: web.Request) -> web.Response:
    state = request.query.get("state", "")
    listed = await request.app[CONSOLE].endpoints.call(
        request, person_of(request), *STUCK,
        query={"state": state} if state in ("failed", "dead") else {})
    return render(request, "notifications.html", items=listed.notifications, state=state)


@page("POST", "/notifications/{notification_id}/resend", uses=RESEND)
async def resend(request: web.Request) -> web.Response:
    await act(request, "/console/notifications", *RESEND, params=dict(request.match_info))
    return redirect(request, "/console/notifications", "已重新排队发送。")


@page("GET", "/payments", uses=ORDERS)
async def payments(request: web.Request) -> web.Response:
    status, before = request.query.get("status", ""), request.query.get("before", "")
    query = {k: v for k, v in (("status", status), ("before", before)) if v}
    endpoints = request.app[CONSOLE].endpoints
    listed = await endpoints.call(request, person_of(request), *ORDERS, query=query)
    # the daily reconciliation against WeChat Pay's trade bill, on the first page only
    runs = None if before else (await endpoints.call(
        request, person_of(request), *RECONCILIATION, query={"days": 14})).runs
    return render(request, "payments.html", orders=listed.orders, chosen=status,
                  next_before=listed.next_before, runs=runs)
