"""Finance's monthly withholding declaration (扣缴申报): the month's fee payments with the tax
withheld from each, the totals, and the list for the tax declaration as an Excel file with
the payees' names and ID numbers in full (the API records that reading)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, render
from console.invoke import fields
from console.xlsx import xlsx
from miniapp_api.routes.fees import declaration
from services.audit import WITHHOLDING

pages = PageTable()


def _month(request: web.Request) -> dict[str, str]:
    month = request.query.get("month", "")
    return {"month": month} if declaration.MONTH.match(month) else {}


@pages.get("/withholding", uses=declaration.declaration)
async def withholding(request: web.Request) -> web.Response:
    calls = api(request, back="/console/withholding")
    listed = await calls.call(declaration.declaration, calls.fields(
        declaration.DeclarationQuery, _month(request)))
    return render(request, "withholding.html", listed=listed)


@pages.get("/withholding.xlsx", uses=declaration.declaration)
async def withholding_file(request: web.Request) -> web.Response:
    listed = await api(request).call(declaration.declaration, fields(
        declaration.DeclarationQuery, {**_month(request), "unmasked": True}))
    rows = [{"name": p.name, "id_type": p.id_type, "id_number": p.id_number,
             "income_item": p.income_item, "gross": p.gross_yuan, "deduction": p.deduction_yuan,
             "taxable": p.taxable_yuan, "rate": p.rate_pct, "quick": p.quick_yuan,
             "tax": p.tax_yuan, "net": p.net_yuan, "paid_on": p.paid_on}
            for p in listed.payments]
    return await xlsx(request, WITHHOLDING, {"withholding": rows}, full=True,
                      month=listed.month)
