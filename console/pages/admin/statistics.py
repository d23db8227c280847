"""The system administrator's statistics in the console: a range of months, the tables, bar
charts drawn on the server (console/charts.py), and the same figures as an Excel download.
A month refused comes back on the page with what was typed and the refusal in words."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from console.app import PageTable, api, render
from console.charts import chart
from console.context import CONSOLE
from console.invoke import fields
from miniapp_api.routes.admin import statistics as figures
from services.common.errors import DomainError

pages = PageTable()

MONTHS = ("from_month", "to_month")


def _typed(request: web.Request) -> dict[str, str]:
    return {k: request.query.get(k, "").strip()[:20] for k in MONTHS}


def _query(typed: dict[str, str]) -> figures.StatisticsQuery:
    return fields(figures.StatisticsQuery, {k: v or None for k, v in typed.items()})


@pages.get("/statistics", uses=figures.statistics)
async def statistics(request: web.Request) -> web.Response:
    typed = _typed(request)
    try:
        found = await api(request).call(figures.statistics, _query(typed))
    except DomainError as exc:  # a month refused: the form again, as typed
        texts = request.app[CONSOLE].texts
        wrong = exc.params.get("field")
        marked = {wrong} if wrong else set(MONTHS) if exc.code != "statistics.month" else set()
        return render(request, "statistics.html", status=400, found=None, typed=typed,
                      refusal=texts.error(exc), marked=marked)
    months = [(m.month_title, m) for m in found.months]
    rows = {
        "draws": [(t, [m.draws]) for t, m in months],
        "rates": [(t, [m.decline_rate, m.absence_rate]) for t, m in months],
        "fees": [(t, [m.fees_recorded_yuan, m.fees_paid_yuan]) for t, m in months],
        "regions": [(r.region_name, [r.draws]) for r in found.regions],
        "most": [(e.name, [e.evaluations]) for e in found.most_drawn]}
    download = "/console/statistics.xlsx?" + urlencode(
        {"from_month": found.from_month, "to_month": found.to_month})
    return render(request, "statistics.html", found=found, rows=rows, chart=chart,
                  typed={"from_month": found.from_month, "to_month": found.to_month},
                  download=download, refusal=None, marked=set())


@pages.get("/statistics.xlsx", uses=figures.statistics_xlsx)
async def statistics_xlsx(request: web.Request) -> web.StreamResponse:
    return await api(request).call(figures.statistics_xlsx, _query(_typed(request)))
