"""Each expert's account of a finished year in the console (年度考核, BJ-EXAM Art. 18): the
administrator picks a year and reads every expert's, page by page, or downloads them all
(names masked, each expert by number)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from console.app import PageTable, api, render
from console.invoke import fields
from console.paging import asked, pager
from console.xlsx import xlsx
from miniapp_api.routes.standing import yearly_accounts
from services.audit import YEARLY_ACCOUNTS
from services.common.clock import china_today

pages = PageTable()
FILE_PAGE = "1000"  # accounts read per call for the download


def _year(request: web.Request) -> tuple[int, int]:
    """The year asked for (the last one by default), and the last one."""
    last = china_today(datetime.now(UTC)).year - 1
    asked_year = request.query.get("year", "").strip()
    year = int(asked_year) if asked_year.isdigit() and 2000 <= int(asked_year) <= 2100 \
        else last
    return year, last


@pages.get("/yearly-accounts", uses=yearly_accounts.of_year)
async def year_list(request: web.Request) -> web.Response:
    year, last = _year(request)
    calls = api(request, back="/console/yearly-accounts")
    filters = {"year": str(year), **asked(request, ("after",))}
    listed = await calls.call(yearly_accounts.of_year, calls.fields(
        yearly_accounts.YearQuery, filters))
    return render(request, "yearly_accounts.html", year=year, years=range(last, last - 5, -1),
                  listed=listed, pager=pager(request, filters, listed.next))


@pages.get("/yearly-accounts.xlsx", uses=yearly_accounts.of_year)
async def year_file(request: web.Request) -> web.Response:
    year, _ = _year(request)
    keys = YEARLY_ACCOUNTS.sheets[0].keys
    rows: list[dict[str, object]] = []
    after: str | None = None
    while True:
        listed = await api(request).call(yearly_accounts.of_year, fields(
            yearly_accounts.YearQuery, {"year": str(year), "limit": FILE_PAGE,
                                        **({"after": after} if after else {})}))
        rows += [{k: getattr(a, k) for k in keys} for a in listed.accounts]
        if not (after := listed.next):
            break
    return await xlsx(request, YEARLY_ACCOUNTS, {"yearly_accounts": rows}, people=len(rows),
                      year=year)
