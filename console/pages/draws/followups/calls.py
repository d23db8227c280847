"""Calls through a middle number at the agency's desk (虚拟呼叫, GD-DRAW): the 复评 notice
(通知原专家: call each original expert, record attend with the agreed gathering time or decline,
submit once), the virtual urge of an expert who has not arrived, and the call to an expert
whose withdrawal notice was not delivered. The staff type their own phone; the page shows the
middle number to dial, never the expert's phone."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text, when
from miniapp_api.routes.draws.followups import virtual_calls
from miniapp_api.routes.draws.setup import prep as draw_prep

pages = PageTable()

PURPOSES = ("recall", "urge", "withdrawal")


def _aid(request: web.Request) -> dict[str, str]:
    return {"activity_id": request.match_info["activity_id"]}


@pages.get("/activities/{activity_id}/recall", uses=virtual_calls.recall_state)
async def recall(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=_aid(request))
    state = await calls.call(virtual_calls.recall_state, path=_aid(request))
    made = await calls.call(virtual_calls.list_calls, path=_aid(request))
    return render(request, "recall.html", activity=shown, state=state,
                  calls=[c for c in made.calls if c.purpose == "recall"])


@pages.get("/activities/{activity_id}/calls", uses=virtual_calls.list_calls)
async def calls_page(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=_aid(request))
    made = await calls.call(virtual_calls.list_calls, path=_aid(request))
    purpose = request.query.get("purpose", "")
    target = request.query.get("target", "")
    return render(request, "calls.html", activity=shown, calls=made.calls,
                  purpose=purpose if purpose in ("urge", "withdrawal") else "",
                  target=target if target.isdigit() else "")


def _back(request: web.Request, purpose: str) -> str:
    aid = request.match_info["activity_id"]
    return f"/console/activities/{aid}/{'recall' if purpose == 'recall' else 'calls'}"


@pages.post("/activities/{activity_id}/calls", uses=virtual_calls.place_call)
async def place(request: web.Request) -> web.Response:
    form = await request.post()
    purpose = text(form, "purpose")
    back = _back(request, purpose)
    calls = api(request, back=back)
    made = await calls.call(virtual_calls.place_call, calls.fields(virtual_calls.PlaceIn, {
        "purpose": purpose, "target": text(form, "target"),
        "staff_phone": text(form, "staff_phone")}), path=_aid(request))
    return redirect(request, back, done(request, "call_placed", middle=made.middle_number,
                                         staff=made.staff_phone, expert=made.expert))


@pages.post("/activities/{activity_id}/calls/{call_id}/outcome",
            uses=virtual_calls.call_outcome)
async def outcome(request: web.Request) -> web.Response:
    form = await request.post()
    back = _back(request, text(form, "purpose"))
    calls = api(request, back=back)
    ended = await calls.call(virtual_calls.call_outcome, calls.fields(virtual_calls.OutcomeIn, {
        "outcome": text(form, "outcome"), "gather_at": when(form, "gather_at") or None,
        "note": text(form, "note")}), path=request.match_info)
    return redirect(request, back, done(request, "call_outcome", expert=ended.expert))


@pages.post("/activities/{activity_id}/recall/start", uses=virtual_calls.recall_start)
async def start(request: web.Request) -> web.Response:
    back = f"/console/activities/{request.match_info['activity_id']}"
    await api(request, back=back).call(virtual_calls.recall_start, path=_aid(request))
    return redirect(request, back + "/recall", done(request, "recall_start"))


@pages.post("/activities/{activity_id}/recall/submit", uses=virtual_calls.recall_submit)
async def submit(request: web.Request) -> web.Response:
    back = _back(request, "recall")
    state = await api(request, back=back).call(virtual_calls.recall_submit,
                                               path=_aid(request))
    # who attends, and by name who does not: the committee may now be short
    attend = sum(1 for e in state.experts if e.outcome == "attend")
    declined = [e.name for e in state.experts if e.outcome == "decline"]
    return redirect(request, f"/console/activities/{request.match_info['activity_id']}",
                    done(request, "recall_submit", attend=attend, declined=declined))
