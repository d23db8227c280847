"""`GET /fee-standard`: the experts' fee standard in force today, any version published to
apply later, and how experts' fees are paid (FG-807: each library publishes its fee standard
and payment method), for anyone, without signing in. The mini-program's GET /fee-standards
answers the same from the same texts.

The page is the same for every reader, so a browser or proxy may keep it for a minute: a
version just published shows at most that much later (a standard applies from a day on, so
a minute never decides a fee)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aiohttp import web

from models.fees import FeeStandard
from services.common.clock import china_today
from services.fees import FeeStandards
from web.context import DOMAIN, TEXTS
from web.pages import add_page, render

CACHE = "public, max-age=60"


def china_day(day: date) -> str:
    """2026年1月1日"""
    return f"{day.year}年{day.month}月{day.day}日"


async def page(request: web.Request) -> web.Response:
    texts = request.app[TEXTS]
    today = china_today(datetime.now(UTC))
    current, later = await request.app[DOMAIN].fees.standards.published(today)

    def shown(s: FeeStandard) -> dict[str, str]:
        return {"name": s.name, "since": china_day(s.effective_from),
                "text": texts.render("draw/fee_standard_terms.j2", s=s).strip()}

    payment = texts.render("draw/fee_payment.j2",
                           transfers=request.app[DOMAIN].fees.payouts.available)
    response = render(
        request, "fee_standard.html", today=china_day(today),
        intro=texts.render("web/fee_standard/intro.j2").strip(),
        current=shown(current) if current else None, later=[shown(s) for s in later],
        notice="" if current else texts.render("draw/fee_standard_none.j2",
                                               later=bool(later)).strip(),
        payment=[line.strip() for line in payment.splitlines() if line.strip()])
    response.headers["Cache-Control"] = CACHE
    return response


def setup_fee_standard_page(app: web.Application) -> None:
    add_page(app, "GET", FeeStandards.PAGE_PATH, page)
