"""After the draw (seed 004): the results once they unseal (30 minutes before the
evaluation) with the printable page, the venue's check-in QR code, who has arrived, urges,
absences found at the venue and the 补抽 that replaces them."""

from __future__ import annotations

from aiohttp import web

from console.app import act, page, person_of, redirect, render, see_other
from console.context import CONSOLE
from console.forms import text

RESULTS = ("GET", "/draws/activities/{activity_id}/results")
ATTENDANCE = ("GET", "/draws/activities/{activity_id}/attendance")
PRINT = ("GET", "/draws/activities/{activity_id}/result-page")
QR = ("GET", "/draws/activities/{activity_id}/checkin-qr")
FOLLOW_UPS = {"urge": ("/draws/activities/{activity_id}/urge", "催促已发出。"),
              "absence": ("/draws/activities/{activity_id}/absences", "已登记。"),
              "supplement": ("/draws/activities/{activity_id}/supplement",
                             "补抽已开始，补抽专家在结果中标 *。")}


@page("GET", "/activities/{activity_id}/results", uses=RESULTS)
async def results(request: web.Request) -> web.Response:
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    params = {"activity_id": request.match_info["activity_id"]}
    shown = await endpoints.call(request, person, *RESULTS, params=params)
    attendance = await endpoints.call(request, person, *ATTENDANCE, params=params)
    activity = await endpoints.call(request, person, "GET", "/draws/activities/{activity_id}",
                                    params=params)
    return render(request, "results.html", activity_id=params["activity_id"], activity=activity,
                  experts=shown.experts, attendance=attendance)


@page("GET", "/activities/{activity_id}/print", uses=PRINT)
async def printable(request: web.Request) -> web.Response:
    """The printable results (a personal link valid one hour)."""
    link = await request.app[CONSOLE].endpoints.call(
        request, person_of(request), *PRINT, params=dict(request.match_info))
    return see_other(link.url)


@page("GET", "/activities/{activity_id}/checkin", uses=QR)
async def checkin(request: web.Request) -> web.Response:
    qr = await request.app[CONSOLE].endpoints.call(request, person_of(request), *QR,
                                                   params=dict(request.match_info))
    return render(request, "checkin.html", qr=qr, activity_id=request.match_info["activity_id"])


@page("POST", "/activities/{activity_id}/after/{action}", uses=RESULTS)
async def follow_up(request: web.Request) -> web.Response:
    form = await request.post()
    aid = request.match_info["activity_id"]
    action = FOLLOW_UPS.get(request.match_info["action"])
    if action is None:
        raise web.HTTPNotFound()
    path, done = action
    body = {"urge": {"invitation_id": text(form, "invitation_id")},
            "absence": {"key": text(form, "key"), "kind": text(form, "kind") or "缺席"},
            "supplement": {}}[request.match_info["action"]]
    made = await act(request, f"/console/activities/{aid}/results", "POST", path,
                     params={"activity_id": aid}, body=body)
    if request.match_info["action"] == "supplement":
        return redirect(request, f"/console/activities/{made.id}", done)
    return redirect(request, f"/console/activities/{aid}/results", done)
