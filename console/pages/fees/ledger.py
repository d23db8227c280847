"""Finance's ledger of experts' fees per agency and per China month: the sheets the agencies
funded and finance approved, each fee paid (gross, tax, net, the way, the date) and the
totals; and the same as an Excel file with the experts' names in full (the API records that
reading)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from console.app import PageTable, api, render
from console.context import CONSOLE
from console.invoke import fields
from console.xlsx import xlsx
from miniapp_api.routes.fees import declaration
from miniapp_api.routes.fees import ledger as fee_ledger
from services.audit import FEE_LEDGER

pages = PageTable()


def _asked(request: web.Request) -> dict[str, str]:
    month = request.query.get("month", "")
    agency = request.query.get("agency_id", "")
    return {**({"month": month} if declaration.MONTH.match(month) else {}),
            **({"agency_id": agency} if agency.isdigit() and agency != "0" else {})}


@pages.get("/fee-ledger", uses=fee_ledger.fee_ledger)
async def ledger_page(request: web.Request) -> web.Response:
    calls = api(request, back="/console/fee-ledger")
    listed = await calls.call(fee_ledger.fee_ledger, calls.fields(
        fee_ledger.LedgerQuery, _asked(request)))
    return render(request, "fee_ledger.html", listed=listed,
                  agency_id=_asked(request).get("agency_id", ""))


def _date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


@pages.get("/fee-ledger.xlsx", uses=fee_ledger.fee_ledger)
async def ledger_file(request: web.Request) -> web.Response:
    listed = await api(request).call(fee_ledger.fee_ledger, fields(
        fee_ledger.LedgerQuery, {**_asked(request), "unmasked": True}))
    texts = request.app[CONSOLE].texts
    way = {True: texts.render("console/ledger_way.j2", by_bank=True).strip(),
           False: texts.render("console/ledger_way.j2", by_bank=False).strip()}
    state = {s: texts.render("console/ledger_state.j2", funding=s).strip()
             for s in ("submitted", "approved", "returned")}
    total = texts.render("console/ledger_total.j2").strip()
    sheets: list[dict[str, Any]] = []
    fees: list[dict[str, Any]] = []
    for b in listed.agencies:
        sheets += [{"agency": b.agency, "project": s.project, "total": s.total_yuan,
                    "reference": s.reference, "state": state.get(s.state, s.state),
                    "submitted_on": _date(s.submitted_on), "approved_on": _date(s.approved_on)}
                   for s in b.sheets]
        sheets.append({"agency": b.agency, "project": total, "total": b.funded_yuan,
                       "reference": "", "state": "", "submitted_on": "", "approved_on": ""})
        fees += [{"agency": b.agency, "project": f.project, "name": f.name,
                  "gross": f.gross_yuan, "tax": f.tax_yuan, "net": f.net_yuan,
                  "way": way[f.by_bank], "paid_on": _date(f.paid_on), "reference": f.reference}
                 for f in b.fees]
        fees.append({"agency": b.agency, "project": total, "name": "", "gross": b.gross_yuan,
                     "tax": b.tax_yuan, "net": b.net_yuan, "way": "", "paid_on": "",
                     "reference": ""})
    one = next((b.agency for b in listed.agencies), "") if "agency_id" in _asked(request) \
        else ""
    return await xlsx(request, FEE_LEDGER, {"fee_ledger_sheets": sheets,
                                            "fee_ledger_fees": fees},
                      full=True, month=listed.month, agency_name=one)
