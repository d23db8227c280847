"""Finance's invoice desk (XJ-SIGNUP: the training fee's invoice): the requests waiting, the
invoices issued, the number recorded once an invoice is issued (the payer is told), and the
list as a file for the invoicing system."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.invoke import fields
from console.paging import asked, pager
from miniapp_api.routes.payments import invoices

pages = PageTable()

BACK = "/console/invoices"


def _issued(request: web.Request) -> bool:
    return request.query.get("issued", "") == "1"


@pages.get("/invoices", uses=invoices.invoice_list)
async def invoice_desk(request: web.Request) -> web.Response:
    issued = _issued(request)
    filters = {**({"issued": "1"} if issued else {}), **asked(request, ("after",))}
    calls = api(request, back="/console/invoices")
    listed = await calls.call(invoices.invoice_list, calls.fields(
        invoices.InvoicesPageQuery, {**filters, "issued": issued}))
    return render(request, "invoices.html", invoices=listed.invoices, issued=issued,
                  pager=pager(request, filters, listed.next))


@pages.get("/invoices.csv", uses=invoices.invoice_export)
async def invoice_file(request: web.Request) -> web.StreamResponse:
    return await api(request).call(invoices.invoice_export, fields(
        invoices.InvoicesQuery, {"issued": _issued(request)}))


@pages.post("/invoices/{payable_id}", uses=invoices.invoice_record)
async def record(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    recorded = await calls.call(invoices.invoice_record, calls.fields(
        invoices.InvoiceIn, {"invoice_no": text(form, "invoice_no")}), path=request.match_info)
    return redirect(request, BACK, done(request, "invoice", title=recorded.title,
                                        payer=recorded.payer, number=recorded.invoice_no))


@pages.post("/invoices/{payable_id}/issue", uses=invoices.invoice_issue)
async def issue(request: web.Request) -> web.Response:
    shown = await api(request, back=BACK).call(invoices.invoice_issue, path=request.match_info)
    return redirect(request, BACK, done(request, "invoice_issue", title=shown.title,
                                        payer=shown.payer))


@pages.post("/invoices/issue", uses=invoices.invoice_issue_many)
async def issue_many(request: web.Request) -> web.Response:
    form = await request.post()
    chosen = [v for v in form.getall("payable_id", []) if isinstance(v, str) and v.isdigit()]
    if not chosen:
        return redirect(request, BACK, done(request, "invoice_none_chosen"))
    calls = api(request, back=BACK)
    result = await calls.call(invoices.invoice_issue_many, calls.fields(
        invoices.IssueManyIn, {"payable_ids": chosen}))
    return redirect(request, BACK, done(request, "invoice_issue_many", asked=result.asked,
                                        refused=list(result.refused.values())))


@pages.post("/invoices/{payable_id}/reverse", uses=invoices.invoice_reverse)
async def reverse(request: web.Request) -> web.Response:
    form = await request.post()
    back = BACK + "?issued=1"
    calls = api(request, back=back)
    shown = await calls.call(invoices.invoice_reverse, calls.fields(
        invoices.ReverseIn, {"reason": text(form, "reason")}), path=request.match_info)
    return redirect(request, back, done(request, "invoice_reverse", title=shown.title,
                                        payer=shown.payer))


@pages.get("/invoices/{payable_id}/file", uses=invoices.invoice_download)
async def invoice_pdf(request: web.Request) -> web.StreamResponse:
    return await api(request).call(invoices.invoice_download, path=request.match_info)
