"""Oversight: the system administrator's view of the draws (GD-DRAW's 管理员 monitors every
activity): the day's evaluations across agencies with their status and counts, any
activity's operation log; and the audit administrator's pages (三权分立: theirs alone): the
audit trail with its verification and the record of access to personal data."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, render
from console.paging import asked, pager
from miniapp_api.paging import PageQuery
from miniapp_api.routes.admin import audit as admin_audit
from miniapp_api.routes.draws.facts import log as draw_log
from miniapp_api.routes.rights import retention as admin_retention

pages = PageTable()


@pages.get("/draws", uses=draw_log.day_draws)
async def day(request: web.Request) -> web.Response:
    chosen = request.query.get("day", "")
    calls = api(request, back="/console/draws")
    listed = await calls.call(draw_log.day_draws, calls.fields(
        draw_log.DayQuery, {"day": chosen} if chosen else {}))
    return render(request, "draws_day.html", day=listed.day, draws=listed.draws)


@pages.get("/draws/{activity_id}/log", uses=draw_log.admin_log)
async def log(request: web.Request) -> web.Response:
    entries = await api(request).call(draw_log.admin_log, path=request.match_info)
    return render(request, "log.html", activity=None, entries=entries.entries,
                  activity_id=int(request.match_info["activity_id"]), back_to_day=True)




@pages.get("/access-log", uses=admin_audit.access_log)
async def access_log(request: web.Request) -> web.Response:
    """Who read personal data in full, when and how much (PIPL Art. 51)."""
    filters = asked(request, ("after",))
    calls = api(request, back="/console/access-log")
    listed = await calls.call(admin_audit.access_log, calls.fields(PageQuery, filters))
    return render(request, "access_log.html", entries=listed.entries,
                  pager=pager(request, filters, listed.next))


@pages.get("/audit-trail", uses=admin_audit.audit_trail)
async def audit_trail(request: web.Request) -> web.Response:
    query = {k: request.query.get(k, "") for k in ("action", "days", "day", "before")}
    calls = api(request, back="/console/audit-trail")
    listed = await calls.call(admin_audit.audit_trail, calls.fields(
        admin_audit.TrailQuery, {k: v or None for k, v in query.items() if v or k == "action"}))
    return render(request, "audit_trail.html", trail=listed, action=query["action"],
                  day=query["day"])


@pages.get("/retention", uses=admin_retention.retention_report)
async def retention(request: web.Request) -> web.Response:
    """The declared retention per kind of personal data and each run's report (PIPL Art. 47;
    政府采购法 Art. 42; 网络安全法 Art. 21)."""
    report = await api(request).call(admin_retention.retention_report)
    return render(request, "retention.html", report=report)
