"""After the draw (GD-DRAW): the results once they unseal (30 minutes before the
evaluation) with the printable page, the venue's check-in QR code, who has arrived, urges,
absences found at the venue and the 补抽 that replaces them."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render, see_other
from console.forms import text, when
from miniapp_api.routes.draws.followups import followups as draw_followups
from miniapp_api.routes.draws.running import drawing
from miniapp_api.routes.draws.setup import prep as draw_prep
from miniapp_api.routes.draws.venue import attendance

pages = PageTable()


@pages.get("/activities/{activity_id}/results", uses=drawing.results)
async def results(request: web.Request) -> web.Response:
    calls = api(request)
    path = {"activity_id": request.match_info["activity_id"]}
    shown = await calls.call(drawing.results, path=path)
    seen = await calls.call(attendance.attendance, path=path)
    activity = await calls.call(draw_prep.show, path=path)
    return render(request, "results.html", activity_id=path["activity_id"], activity=activity,
                  experts=shown.experts, attendance=seen)


@pages.get("/activities/{activity_id}/print", uses=drawing.result_page)
async def printable(request: web.Request) -> web.Response:
    """The printable results (a personal link valid one hour)."""
    link = await api(request).call(drawing.result_page, path=request.match_info)
    return see_other(link.url)


@pages.get("/activities/{activity_id}/checkin", uses=attendance.checkin_qr)
async def checkin(request: web.Request) -> web.Response:
    qr = await api(request).call(attendance.checkin_qr, path=request.match_info)
    return render(request, "checkin.html", qr=qr, activity_id=request.match_info["activity_id"])


@pages.post("/activities/{activity_id}/after/{action}", uses=drawing.results)
async def follow_up(request: web.Request) -> web.Response:
    form = await request.post()
    aid, action = request.match_info["activity_id"], request.match_info["action"]
    back = f"/console/activities/{aid}/results"
    calls, path = api(request, back=back), {"activity_id": aid}
    if action == "urge":
        await calls.call(attendance.urge, calls.fields(attendance.UrgeIn, {
            "invitation_id": text(form, "invitation_id")}), path=path)
        return redirect(request, back, done(request, "urged"))
    if action == "absence":
        await calls.call(draw_followups.register_absence, calls.fields(
            draw_followups.AbsenceIn, {"key": text(form, "key"),
                                       "kind": text(form, "kind") or "缺席"}), path=path)
        return redirect(request, back, done(request, "absence"))
    if action == "supplement":
        regions = [r for r in text(form, "regions").replace("，", ",").split(",") if r.strip()]
        made = await calls.call(draw_followups.supplement, calls.fields(
            draw_followups.SupplementIn, {
                "regions": [r.strip() for r in regions] or None,
                "gather_at": when(form, "gather_at") or None}), path=path)
        if made.id == int(aid):  # the results are sealed: applied out of sight
            return redirect(request, f"/console/activities/{aid}",
                            done(request, "supplement_sealed"))
        return redirect(request, f"/console/activities/{made.id}", done(request, "supplement"))
    if action == "supplement-start":
        made = await calls.call(draw_followups.start_supplement, calls.fields(
            draw_followups.SupplementStartIn, {"nonce": text(form, "nonce")}), path=path)
        return redirect(request, f"/console/activities/{made.id}",
                        done(request, "supplement_started" if made.id != int(aid)
                             else "supplement_start_sealed"))
    if action == "undo":
        await calls.call(draw_followups.undo_absence, calls.fields(
            draw_followups.UndoIn, {"reason": text(form, "reason")}),
            path={**path, "invitation_id": text(form, "invitation_id")})
        return redirect(request, back, done(request, "absence_undone"))
    raise web.HTTPNotFound()


@pages.get("/activities/{activity_id}/contacts", uses=drawing.contacts)
async def contacts(request: web.Request) -> web.Response:
    """How each drawn expert was reached and answered (names once confirmed and unsealed)."""
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=request.match_info)
    reached = await calls.call(drawing.contacts, path=request.match_info)
    return render(request, "contacts.html", activity=shown, invitations=reached.invitations)


@pages.get("/activities/{activity_id}/audit", uses=drawing.audit_view)
async def audit(request: web.Request) -> web.Response:
    """随机性核对: the committed hashes, the seed once revealed, and the check's result."""
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=request.match_info)
    checked = await calls.call(drawing.audit_view, path=request.match_info)
    return render(request, "audit.html", activity=shown, audit=checked)
