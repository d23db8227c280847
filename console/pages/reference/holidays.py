"""The holiday calendar in the console (「节假日」): the system administrator reads a year's
national days off (放假) and make-up working days (调休上班) with their source, makes or
withdraws the centre's own change of a day (with why), or enters a State Council notice for a
year the package does not know yet; working days are counted by it."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.reference import holidays

pages = PageTable()

BACK = "/console/holidays"


def said_day(day: str) -> str:
    """2026-10-12 as people write it (the API has accepted it by then)."""
    d = date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日"


def back_to(year: str) -> str:
    return f"{BACK}?year={year}" if year.isdigit() else BACK


@pages.get("/holidays", uses=holidays.calendar)
async def calendar(request: web.Request) -> web.Response:
    calls = api(request)
    year = request.query.get("year", "").strip()[:4]
    got = await calls.call(holidays.calendar, calls.fields(
        holidays.YearQuery, {"year": year} if year.isdigit() else {}))
    return render(request, "holidays.html", calendar=got)


@pages.post("/holidays", uses=holidays.set_day)
async def set_day(request: web.Request) -> web.Response:
    form = await request.post()
    day = text(form, "day")
    calls = api(request, back=back_to(day[:4]))
    await calls.call(holidays.set_day, calls.fields(holidays.DayIn, {
        "day": day, "off": text(form, "off") == "1", "name": text(form, "name"),
        "reason": text(form, "reason")}))
    return redirect(request, back_to(day[:4]), done(request, "holiday", day=said_day(day)))


@pages.post("/holidays/remove", uses=holidays.remove_day)
async def remove_day(request: web.Request) -> web.Response:
    form = await request.post()
    day = text(form, "day")
    calls = api(request, back=back_to(day[:4]))
    await calls.call(holidays.remove_day, calls.fields(holidays.RemoveIn, {"day": day}))
    return redirect(request, back_to(day[:4]), done(request, "holiday_removed", day=said_day(day)))


@pages.post("/holidays/import", uses=holidays.import_days)
async def import_days(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    got = await calls.call(holidays.import_days, calls.fields(holidays.ImportIn, {
        "document": text(form, "document"), "issued_on": text(form, "issued_on"),
        "csv": text(form, "csv")}))
    return redirect(request, back_to(str(got.year)),
                    done(request, "holiday_import", count=got.imported))
