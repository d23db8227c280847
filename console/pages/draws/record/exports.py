"""The console's downloads, each the API endpoint of its page turned into
rows: an activity's results and attendance (the agency, once unsealed), the reviewer's
queue, a batch's applications with their review outcome, the expert register and payment
orders (the administrator). Long lists are read page by page (keyset) from the API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from console.app import PageTable, api
from console.context import CONSOLE
from console.invoke import fields
from console.xlsx import xlsx
from miniapp_api.framework import Call
from miniapp_api.paging import PageOut
from miniapp_api.routes.admin import batches as admin_desk
from miniapp_api.routes.applicants import review
from miniapp_api.routes.draws.record import record as draw_record
from miniapp_api.routes.draws.running import drawing
from miniapp_api.routes.draws.venue import attendance
from services.audit import APPLICATIONS, EXPERTS, PAYMENTS, RESULTS, REVIEW_QUEUE
from services.reference import Reference

pages = PageTable()


def place(code: str | None) -> str:
    """A region code as a person reads it (广东省广州市)."""
    return Reference.regions().full_name(code) if code else ""

PAGE = 1000


@pages.get("/activities/{activity_id}/results.xlsx", uses=drawing.results)
async def results(request: web.Request) -> web.Response:
    calls, path, texts = api(request), request.match_info, request.app[CONSOLE].texts
    drawn = await calls.call(drawing.results, path=path)
    seen = await calls.call(attendance.attendance, path=path)
    filed = await calls.call(draw_record.record, path=path)
    def field(*names: str) -> list[dict[str, Any]]:  # texts/words/record_field.j2
        return [{"item": texts.word("record_field", n), "value": getattr(filed, n)}
                for n in names]

    about = [*field("project", "project_number", "project_kind", "project_region", "funding",
                    "approval_no", "tender_method", "organisation", "tenderer_type",
                    "investment_wan", "investment_code", "tenderer", "tenderer_credit_code",
                    "agency", "agency_credit_code", "contact_name", "contact_phone"),
             *[{"item": texts.word("record_field", "section"), "value": texts.render(
                 "draw/section_line.j2", section=s).strip()} for s in filed.section_rows],
             *[{"item": p.title, "value": w} for p in filed.request for w in p.items],
             *field("seed_hash", "nonce", "seed")]
    return await xlsx(request, RESULTS, {
        "record": about,
        "results": [{"name": e.name, "expert_number": e.expert_number,
                     "work_unit": e.work_unit, "specialty": e.specialty,
                     "verification_code": e.verification_code, "situation": e.situation,
                     "venue": e.venue} for e in drawn.experts],
        "attendance": [{"name": a.name, "verification_code": a.verification_code,
                        "checkin_at": a.checkin_at, "checkout_at": a.checkout_at,
                        "urges": a.urges, "manual_urges": a.manual_urges, "absent": a.absent,
                        "venue": a.venue} for a in seen.experts if not a.lent_from]
        # the experts another library drew for a 副场 of ours, as its roster said
        + [{"name": e.name, "verification_code": e.verification_code,
            "checkin_at": e.checkin_at, "checkout_at": e.checkout_at, "urges": 0,
            "manual_urges": 0, "absent": e.absent, "venue": e.venue}
           for e in drawn.experts if e.library]},
        people=len(drawn.experts),  # the drawn experts (attendance: the same)
        id=path["activity_id"])


@pages.get("/review.xlsx", uses=review.queue)
async def review_queue(request: web.Request) -> web.Response:
    listed = await api(request).call(review.queue)
    return await xlsx(request, REVIEW_QUEUE, {"review": [
        {"id": a.id, "batch": a.batch, "applicant": a.applicant, "phone": a.phone,
         "region": place(a.region), "industry": a.industry, "stage": a.stage,
         "submitted_at": a.submitted_at} for a in listed.applications]},
        rows=len(listed.applications))  # each names its applicant


async def _pages(request: web.Request, handler: Callable[[Call, Any], Awaitable[PageOut]],
                 query: type[BaseModel], field: str, path: dict[str, str] | None = None,
                 values: dict[str, Any] | None = None) -> AsyncIterator[Any]:
    """Every row of a paged API list, PAGE at a time: `next` in the answer is the next
    page's `after` (none: the last page)."""
    calls = api(request)
    values = {**(values or {}), "limit": PAGE}
    while True:
        got = await calls.call(handler, fields(query, values), path=path)
        for row in getattr(got, field):
            yield row
        if (following := got.next) is None:
            return
        values["after"] = following


@pages.get("/batches/{batch_id}/applications.xlsx", uses=admin_desk.batch_applications)
async def applications(request: web.Request) -> web.Response:
    texts = request.app[CONSOLE].texts
    rows = [{"id": a.id, "applicant": a.applicant, "id_number": a.id_number,
             "kind": texts.word("application_kind", a.kind), "status": a.status_title,
             "region": place(a.region), "industry": a.industry, "last_step": a.last_step,
             "last_reason": a.last_reason, "last_at": a.last_at} async for a in _pages(
        request, admin_desk.batch_applications, admin_desk.LongPageQuery, "applications",
        dict(request.match_info))]
    return await xlsx(request, APPLICATIONS, {"applications": rows},
                      people=len(rows),  # one application a person in a batch
                      id=request.match_info["batch_id"])


@pages.get("/experts.xlsx", uses=admin_desk.experts)
async def experts(request: web.Request) -> web.Response:
    """The register, masked; with ?unmasked=1 names and phones in full for the office that
    keeps it, every page read recorded by the API (个人信息访问记录)."""
    domain = request.app[CONSOLE].domain
    tree, unmasked = domain.reference.catalogue(), request.query.get("unmasked") == "1"
    rows = [{"expert_number": e.expert_number, "name": e.name, "phone": e.phone,
             "region": place(e.region), "industry": e.industry, "title_level": e.title_level,
             "work_unit": e.work_unit,
             "specialties": [tree.path_name(c) or c for c in e.specialties],
             "active": e.active}
            async for e in _pages(request, admin_desk.experts, admin_desk.ExpertsQuery,
                                  "experts", values={"unmasked": unmasked})]
    # the file's, not a page's: one entry for the whole register
    return await xlsx(request, EXPERTS, {"experts": rows}, people=len(rows), full=unmasked)


@pages.get("/payments.xlsx", uses=admin_desk.payments)
async def orders(request: web.Request) -> web.Response:
    listed = [o async for o in _pages(request, admin_desk.payments, admin_desk.OrdersQuery,
                                      "orders")]
    texts = request.app[CONSOLE].texts
    return await xlsx(request, PAYMENTS, {"payments": [
        {"out_trade_no": o.out_trade_no, "fee": o.title, "payer": o.payer,
         "amount": o.amount_fen / 100, "status": texts.word("order_status", o.status),
         "transaction_id": o.transaction_id, "paid_at": o.paid_at,
         "settled_by": texts.word("settled_by", o.settled_by or ""),
         "checked_at": o.checked_at, "created_at": o.created_at} for o in listed]},
        rows=sum(1 for o in listed if o.payer))  # each names its payer
