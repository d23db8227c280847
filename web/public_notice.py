"""`GET /public-notice`: the published 公示 (JL-GP: "经财政公示无异议后进入政府采购评审专家库")
for anyone, without signing in — each batch's applicants in their notice by name, work unit
and evaluation specialties, each with the notice's period, and how to raise an objection. The
mini-program's GET /public-notices answers the same from the same service and texts.

The page is the same for every reader, so a browser or proxy may keep it for a minute."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from services.common.pii import public
from services.common.texts import china_date
from web.context import DOMAIN, PAGE_REDIS, TEXTS
from web.pages import add_page, render

PAGE_PATH = "/public-notice"
CACHE = "public, max-age=60"


def period(since: datetime, until: datetime) -> str:
    """2026年06月01日至2026年06月06日"""
    return f"{china_date(since)}至{china_date(until)}"


async def page(request: web.Request) -> web.Response:
    texts = request.app[TEXTS]
    now = request.app[PAGE_REDIS].clock.now()
    batches = [{
        "name": group.batch.name,
        # the office's contact is the library's own, published to be called: not masked
        "objection": texts.render("review/public_notice_objection.j2", online=True,
                                  contact=public(group.batch.objection_contact)
                                  if group.batch.objection_contact else "").strip(),
        "entries": [{"name": e.name, "unit": e.work_unit, "specialties": "、".join(e.specialties),
                     "period": period(e.since, e.until), "id": e.application_id}
                    for e in group.entries],
    } for group in await request.app[DOMAIN].public_notice.notice_board(now)]
    response = render(request, "public_notice.html", batches=batches,
                      intro=texts.render("review/public_notice_intro.j2").strip(),
                      today=china_date(now))
    response.headers["Cache-Control"] = CACHE
    return response


def setup_public_notice_page(app: web.Application) -> None:
    add_page(app, "GET", PAGE_PATH, page)
