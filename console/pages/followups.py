"""What follows a draw at the agency's desk (seed 004): the operation log (操作记录), the
experts' fees (专家费), a re-draw (重新抽取: the original experts avoided) or a
re-evaluation (复评: the original experts invited) as a new activity to be verified, and the
withdrawal (退选: a request with reason and evidence, verified by the trading centre, then
each expert's notice followed — calls, SMS, acknowledgement — with outcomes obtained another
way recorded by hand)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from aiohttp import web

from console.app import act, page, person_of, redirect, render
from console.context import CONSOLE
from console.forms import text, when

ONE = ("GET", "/draws/activities/{activity_id}")
LOG = ("GET", "/draws/activities/{activity_id}/log")
FEES = ("GET", "/draws/activities/{activity_id}/fees")
FEE = ("PUT", "/draws/activities/{activity_id}/fees/{invitation_id}")
WITHDRAWAL = ("GET", "/draws/activities/{activity_id}/withdrawal")
EXPERTS = ("GET", "/draws/activities/{activity_id}/withdrawal/experts")
OUTCOME = ("POST", "/draws/activities/{activity_id}/withdrawal/experts/{invitation_id}")
CLONES = {"redraw": ("/draws/activities/{activity_id}/redraw",
                     "重新抽取活动已创建（原专家自动回避）：请核对通知和条件后提交核验。"),
          "reeval": ("/draws/activities/{activity_id}/reeval",
                     "复评活动已创建：提交核验通过后通知原专家。")}


def _aid(request: web.Request) -> dict[str, str]:
    return {"activity_id": request.match_info["activity_id"]}


@page("GET", "/activities/{activity_id}/log", uses=LOG)
async def operation_log(request: web.Request) -> web.Response:
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    shown = await endpoints.call(request, person, *ONE, params=_aid(request))
    entries = await endpoints.call(request, person, *LOG, params=_aid(request))
    return render(request, "log.html", activity=shown, entries=entries.entries)


@page("GET", "/activities/{activity_id}/fees", uses=FEES)
async def fees(request: web.Request) -> web.Response:
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    shown = await endpoints.call(request, person, *ONE, params=_aid(request))
    rows = await endpoints.call(request, person, *FEES, params=_aid(request))
    return render(request, "fees.html", activity=shown, experts=rows.experts)


@page("POST", "/activities/{activity_id}/fees/{invitation_id}", uses=FEE)
async def fee(request: web.Request) -> web.Response:
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}/fees"
    try:
        amount = Decimal(text(form, "amount_yuan") or "x")
    except InvalidOperation:
        return redirect(request, back, "专家费：请填写金额（元），例如 800 或 800.50。")
    await act(request, back, *FEE, params=dict(request.match_info),
              body={"amount_yuan": str(amount), "paid": form.get("paid") == "1"})
    return redirect(request, back, "专家费已记录。")


@page("POST", "/activities/{activity_id}/clone/{kind}", uses=ONE)
async def clone(request: web.Request) -> web.Response:
    form = await request.post()
    aid = request.match_info["activity_id"]
    chosen = CLONES.get(request.match_info["kind"])
    if chosen is None:
        raise web.HTTPNotFound()
    path, done = chosen
    made = await act(request, f"/console/activities/{aid}", "POST", path,
                     params={"activity_id": aid},
                     body={k: when(form, k) for k in ("bid_open_at", "eval_start",
                                                      "eval_end")})
    return redirect(request, f"/console/activities/{made.id}", done)


@page("GET", "/activities/{activity_id}/withdrawal", uses=WITHDRAWAL)
async def withdrawal(request: web.Request) -> web.Response:
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    shown = await endpoints.call(request, person, *ONE, params=_aid(request))
    state = await endpoints.call(request, person, *WITHDRAWAL, params=_aid(request))
    experts = await endpoints.call(request, person, *EXPERTS, params=_aid(request))
    return render(request, "withdrawal.html", activity=shown, state=state,
                  experts=experts.experts)


@page("POST", "/activities/{activity_id}/withdrawal/{action}", uses=WITHDRAWAL)
async def withdrawal_action(request: web.Request) -> web.Response:
    form = await request.post()
    aid, action = request.match_info["activity_id"], request.match_info["action"]
    back = f"/console/activities/{aid}/withdrawal"
    if action == "request":
        await act(request, back, "POST", "/draws/activities/{activity_id}/withdrawal",
                  params={"activity_id": aid}, body={"reason": text(form, "reason")})
        return redirect(request, back, "退选申请已提交交易中心核验。")
    if action == "take-back":
        await act(request, back, "POST", "/draws/activities/{activity_id}/withdrawal/take-back",
                  params={"activity_id": aid})
        return redirect(request, back, "退选申请已撤回。")
    if action == "outcome":
        await act(request, back, *OUTCOME, params={
            "activity_id": aid, "invitation_id": text(form, "invitation_id")},
                  body={"note": text(form, "note")})
        return redirect(request, back, "已登记通知结果。")
    raise web.HTTPNotFound()
