"""Each expert's account of a finished year in the console (年度考核, BJ-EXAM Art. 18): the
administrator picks a year and reads every expert's, page by page."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from console.app import PageTable, api, render
from console.paging import asked, pager
from miniapp_api.routes.standing import yearly_accounts
from services.common.clock import china_today

pages = PageTable()


@pages.get("/yearly-accounts", uses=yearly_accounts.of_year)
async def year_list(request: web.Request) -> web.Response:
    last = china_today(datetime.now(UTC)).year - 1
    asked_year = request.query.get("year", "").strip()
    year = int(asked_year) if asked_year.isdigit() and 2000 <= int(asked_year) <= 2100 \
        else last
    calls = api(request, back="/console/yearly-accounts")
    filters = {"year": str(year), **asked(request, ("after",))}
    listed = await calls.call(yearly_accounts.of_year, calls.fields(
        yearly_accounts.YearQuery, filters))
    return render(request, "yearly_accounts.html", year=year, years=range(last, last - 5, -1),
                  listed=listed, pager=pager(request, filters, listed.next))
