"""What follows a draw at the agency's desk (GD-DRAW): the operation log (操作记录), a
re-draw (重新抽取: the original experts avoided) or a
re-evaluation (复评: the original experts invited) as a new activity to be verified, and the
withdrawal (退选: a request with reason and evidence, verified by the trading centre, then
each expert's notice followed — calls, SMS, acknowledgement — with outcomes obtained another
way recorded by hand)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import committee, text, when
from miniapp_api.routes.draws.facts import log as draw_log
from miniapp_api.routes.draws.followups import followups as draw_followups
from miniapp_api.routes.draws.setup import prep as draw_prep
from miniapp_api.routes.draws.setup import terminals

pages = PageTable()

CLONES = {"redraw": draw_followups.redraw, "reeval": draw_followups.reeval}


def _aid(request: web.Request) -> dict[str, str]:
    return {"activity_id": request.match_info["activity_id"]}


@pages.get("/activities/{activity_id}/log", uses=draw_log.agency_log)
async def operation_log(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=_aid(request))
    entries = await calls.call(draw_log.agency_log, path=_aid(request))
    return render(request, "log.html", activity=shown, entries=entries.entries)


@pages.post("/activities/{activity_id}/clone/{kind}", uses=draw_prep.show)
async def clone(request: web.Request) -> web.Response:
    form = await request.post()
    kind = request.match_info["kind"]
    handler = CLONES.get(kind)
    if handler is None:
        raise web.HTTPNotFound()
    calls = api(request, back=f"/console/activities/{request.match_info['activity_id']}")
    times = {k: when(form, k) for k in ("bid_open_at", "eval_start", "eval_end")}
    if handler is draw_followups.redraw:  # 重新抽取 may record its committee anew
        made = await calls.call(draw_followups.redraw, calls.fields(
            draw_followups.RedrawIn, {**times, **committee(form)}), path=_aid(request))
    else:
        made = await calls.call(draw_followups.reeval, calls.fields(
            draw_followups.CloneIn, times), path=_aid(request))
    return redirect(request, f"/console/activities/{made.id}", done(request, kind))


@pages.get("/activities/{activity_id}/withdrawal", uses=draw_followups.withdrawal_status)
async def withdrawal(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=_aid(request))
    state = await calls.call(draw_followups.withdrawal_status, path=_aid(request))
    experts = await calls.call(draw_followups.withdrawal_follow_up, path=_aid(request))
    # 选择提交终端 on the request form (GD-DRAW's 退选申请), the activity's centre first
    asking = not state.requested and shown.status != "withdrawn"
    centres = await calls.call(terminals.terminals, path=_aid(request)) if asking else None
    return render(request, "withdrawal.html", activity=shown, state=state,
                  experts=experts.experts, centres=centres)


@pages.post("/activities/{activity_id}/withdrawal/{action}",
            uses=draw_followups.withdrawal_status)
async def withdrawal_action(request: web.Request) -> web.Response:
    form = await request.post()
    aid, action = request.match_info["activity_id"], request.match_info["action"]
    back = f"/console/activities/{aid}/withdrawal"
    calls = api(request, back=back)
    if action == "request":
        await calls.call(draw_followups.request_withdrawal, calls.fields(
            draw_followups.WithdrawalIn, {"reason": text(form, "reason"),
                                          "terminal": text(form, "terminal") or None}),
            path=_aid(request))
        return redirect(request, back, done(request, "withdrawal_request"))
    if action == "start":
        await calls.call(draw_followups.start_withdrawal, path=_aid(request))
        return redirect(request, back, done(request, "withdrawal_start"))
    if action == "take-back":
        await calls.call(draw_followups.take_back_withdrawal, path=_aid(request))
        return redirect(request, back, done(request, "withdrawal_take_back"))
    if action == "outcome":
        await calls.call(draw_followups.record_outcome, calls.fields(
            draw_followups.OutcomeIn, {"note": text(form, "note")}),
            path={"activity_id": aid, "invitation_id": text(form, "invitation_id")})
        return redirect(request, back, done(request, "withdrawal_outcome"))
    raise web.HTTPNotFound()
