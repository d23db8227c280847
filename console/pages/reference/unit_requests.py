"""Units added by staff on an applicant's request (HN-APPLY: 待工作人员将单位新增成功后，重新
进行选择), at the register of units: a request added (its name or code corrected where
needed) or declined with the reason the applicant is sent."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect
from console.forms import text
from miniapp_api.routes.reference import unit_requests

pages = PageTable()

BACK = "/console/units"


@pages.post("/unit-requests/{request_id}/add", uses=unit_requests.add)
async def add(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    added = await calls.call(unit_requests.add, calls.fields(unit_requests.AddIn, {
        "name": text(form, "name"), "credit_code": text(form, "credit_code") or None}),
        path=request.match_info)
    return redirect(request, BACK, done(request, "unit_request_added", name=added.name))


@pages.post("/unit-requests/{request_id}/decline", uses=unit_requests.decline)
async def decline(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    declined = await calls.call(unit_requests.decline, calls.fields(
        unit_requests.DeclineIn, {"reason": text(form, "reason")}), path=request.match_info)
    return redirect(request, BACK, done(request, "unit_request_declined",
                                        name=declined.name))
