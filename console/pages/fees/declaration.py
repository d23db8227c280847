"""Finance's monthly withholding declaration (扣缴申报): the month's fee payments with the tax
withheld from each, the totals, and the list for the tax declaration as an Excel file with
the payees' names and ID numbers in full (the API records that reading)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, render
from console.context import CONSOLE
from console.invoke import fields
from console.xlsx import sheet, xlsx
from miniapp_api.routes.fees import declaration

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
    texts = request.app[CONSOLE].texts
    rows = [(p.name, p.id_type, p.id_number, p.income_item, p.gross_yuan, p.deduction_yuan,
             p.taxable_yuan, p.rate_pct, p.quick_yuan, p.tax_yuan, p.net_yuan, p.paid_on)
            for p in listed.payments]
    return await xlsx(texts, "withholding", [sheet(texts, "withholding", rows)],
                      month=listed.month)
