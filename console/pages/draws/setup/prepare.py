"""Preparing and running a draw from the desk (GD-DRAW): projects and their sections, a new
activity over sections, and on the activity page its notices, conditions (with the live
count of matching experts), avoidances, the request's evidence and reason, the submission,
and — once verified — the start with the handler's random string, pause, resume and the
forced end with a reason. Every action is the API's endpoint, refusals in its words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from pydantic import BaseModel

from console.app import PageTable, api, done, redirect, render
from console.forms import committee, many, text, when
from console.signed import Flash
from miniapp_api.routes.draws.running import drawing
from miniapp_api.routes.draws.setup import drafts as draw_drafts
from miniapp_api.routes.draws.setup import prep as draw_prep
from miniapp_api.routes.draws.setup import projects

pages = PageTable()

Form = MultiDictProxy[Any]


def wan(raw: str) -> object:
    """万元 as typed (GD-DRAW's unit for investments) in yuan; what is not a number goes on
    as typed, for the API to refuse in its words."""
    try:
        return round(float(raw) * 10000, 2)
    except ValueError:
        return raw


def _sections(raw: str) -> list[dict[str, Any]]:
    """One section a line: its number, its name, and its investment in 万元 if given
    (标段编号 名称 标段投资额)."""
    out: list[dict[str, Any]] = []
    for line in raw.splitlines():
        parts = line.split()
        if not parts:
            continue
        number, rest = parts[0], parts[1:]
        invested = wan(rest[-1]) if len(rest) > 1 else ""
        if isinstance(invested, float):
            rest = rest[:-1]
        out.append({"number": number, "name": " ".join(rest) or number,
                    "investment_yuan": invested if isinstance(invested, float) else 0})
    return out


PROJECT_TEXT = ("name", "number", "kind", "region", "funding", "approval_no", "tender_method",
                "organisation", "tenderer_type", "investment_code", "tenderer_name",
                "tenderer_credit_code", "contact_name", "contact_phone")


def project_body(form: Form) -> dict[str, Any]:
    """GD-DRAW's 招标项目信息 as typed (the investment in 万元)."""
    return {**{k: text(form, k) for k in PROJECT_TEXT},
            "investment_yuan": wan(text(form, "investment_wan"))}


@pages.get("/projects", uses=projects.projects)
async def project_list(request: web.Request) -> web.Response:
    calls = api(request)
    listed = await calls.call(projects.projects)
    edit = request.query.get("edit", "")
    # a project linked to an activity is not offered for editing (GD-DRAW: 不能修改)
    editing = next((p for p in listed.projects if str(p.id) == edit and not p.locked), None)
    return render(request, "projects.html", projects=listed.projects, editing=editing,
                  options=await calls.call(projects.options))


@pages.post("/projects", uses=projects.create_project)
async def new_project(request: web.Request) -> web.Response:
    form = await request.post()
    body: dict[str, Any] = {**project_body(form), **{k: text(form, k) for k in (
        "supervisor_name", "supervisor_credit_code")}}
    body["sections"] = _sections(text(form, "sections"))
    calls = api(request, back="/console/projects")
    made = await calls.call(projects.create_project, calls.fields(projects.ProjectIn, body))
    return redirect(request, f"/console/activities/new?project_id={made.id}",
                    done(request, "project", name=made.name))


@pages.get("/activities/new", uses=draw_prep.create_activity)
async def new_activity_page(request: web.Request) -> web.Response:
    calls = api(request)
    listed = await calls.call(projects.projects)
    chosen = request.query.get("project_id", "")
    return render(request, "activity_new.html", projects=listed.projects, chosen=chosen,
                  options=await calls.call(projects.options))


INFO_TEXT = ("name", "media", "bid_open_region", "remarks", "handler_name", "handler_phone",
             "handler_id_number")


def info_body(form: Form) -> dict[str, Any]:
    """GD-DRAW's 活动信息 besides the times: 是否进场项目 as chosen (not chosen: left out,
    for the API to ask for), the supervisors' rows that have anything typed in them."""
    body: dict[str, Any] = {k: text(form, k) for k in INFO_TEXT}
    on_site = {"1": True, "0": False}.get(text(form, "on_site"))
    if on_site is not None:
        body["on_site"] = on_site
    rows = zip(*(form.getall(f"supervisor_{k}", []) for k in ("name", "phone", "department")),
               strict=False)
    body["supervisors"] = [{"name": str(n).strip(), "phone": str(p).strip(),
                            "department": str(d).strip()}
                           for n, p, d in rows if any(str(v).strip() for v in (n, p, d))]
    return body


@pages.post("/activities/new", uses=draw_prep.create_activity)
async def new_activity(request: web.Request) -> web.Response:
    form = await request.post()
    body = {"project_id": text(form, "project_id"), "section_ids": many(form, "section_ids"),
            "bid_open_at": when(form, "bid_open_at"), "eval_start": when(form, "eval_start"),
            "eval_end": when(form, "eval_end"), "total": text(form, "total") or None,
            **committee(form),
            "response_minutes": text(form, "response_minutes") or "10", **info_body(form)}
    calls = api(request, back="/console/activities/new?project_id=" + text(form, "project_id"))
    made = await calls.call(draw_prep.create_activity, calls.fields(draw_prep.ActivityIn, body))
    return redirect(request, f"/console/activities/{made.id}", done(request, "activity"))


def notice_body(form: Form) -> dict[str, Any]:
    """A venue picked from the centre's (its record's id, shown by name) or, "other", typed."""
    picked = text(form, "venue_id")
    venue = {"venue_id": picked} if picked else {"venue": text(form, "venue")}
    return {**{k: text(form, k) for k in ("city", "district", "street", "room",
                                           "contact_name", "contact_phone", "notes")},
            **venue, "gather_at": when(form, "gather_at"), "role": text(form, "role") or "main"}


def condition_body(form: Form) -> dict[str, Any]:
    # the picker's codes, comma-separated in one field (or several fields, or typed)
    typed = ",".join(many(form, "regions") + many(form, "region_list")).replace("，", ",")
    return {"notice_id": text(form, "notice_id"),
            "regions": [r.strip() for r in typed.split(",") if r.strip()],
            "region_mode": text(form, "region_mode") or "residence",
            "main_specialty": text(form, "main_specialty"),
            "alternate_specialty": text(form, "alternate_specialty") or None,
            **{k: text(form, k) or None for k in ("title_level", "qualification", "industry")},
            "planned": text(form, "planned")}


def _reason(form: Form) -> dict[str, Any]:
    return {"reason": text(form, "reason")}


def _fields(*names: str) -> Callable[[Form], dict[str, Any]]:
    return lambda form: {k: text(form, k) for k in names}


Handler = Callable[..., Awaitable[Any]]
Body = tuple[type[BaseModel], Callable[[Form], dict[str, Any]]]
# action -> the endpoint, its body and how the form gives it (done: texts/console/done/<action>)
ACTIONS: dict[str, tuple[Handler, Body | None]] = {
    "notice": (draw_prep.add_notice, (draw_prep.NoticeIn, notice_body)),
    "condition": (draw_prep.add_condition, (draw_prep.ConditionIn, condition_body)),
    "avoid": (draw_prep.add_avoidance,
              (draw_prep.AvoidanceIn, _fields("kind", "name", "code", "reason"))),
    "submit": (draw_prep.draw_submit, (draw_prep.SubmitIn, lambda form: {
        "reason": text(form, "reason"), "terminal": text(form, "terminal") or None})),
    "withdraw": (draw_prep.draw_withdraw, None),
    "start": (drawing.draw_start, (drawing.StartIn, _fields("nonce"))),
    "pause": (drawing.draw_pause, (drawing.ReasonIn, _reason)),
    "resume": (drawing.draw_resume, None),
    "end": (drawing.draw_end, (drawing.ReasonIn, _reason)),
}


@pages.post("/activities/{activity_id}/do/{action}", uses=draw_prep.show)
async def do(request: web.Request) -> web.Response:
    form = await request.post()
    aid = request.match_info["activity_id"]
    back = f"/console/activities/{aid}"
    what = request.match_info["action"]
    action = ACTIONS.get(what)
    if action is None:
        raise web.HTTPNotFound()
    handler, body = action
    calls, path = api(request, back=back), {"activity_id": aid}
    if body is None:
        await calls.call(handler, path=path)
    else:
        model, read = body
        await calls.call(handler, calls.fields(model, read(form)), path=path)
    return redirect(request, back, done(request, what))


@pages.post("/activities/{activity_id}/preview", uses=draw_prep.show)
async def preview(request: web.Request) -> web.Response:
    """How many experts the condition would find now (names never shown)."""
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}"
    values = {k: v for k, v in condition_body(form).items() if k != "planned"}
    # the chosen notice's venue decides who is 异地 (those who declined it are not counted)
    values["notice_id"] = values["notice_id"] or None
    calls = api(request, back=back)
    counted = await calls.call(draw_drafts.preview, calls.fields(draw_drafts.PreviewIn, values),
                               path=request.match_info)
    # the condition form comes back as typed: the preview is a step before adding it
    return redirect(request, back, Flash(done(request, "preview", matching=counted.matching,
                                              willing=counted.willing),
                                         "kept"))


@pages.post("/activities/{activity_id}/evidence", uses=draw_prep.show)
async def evidence(request: web.Request) -> web.Response:
    """The request's attachment (申请附件), uploaded before the submission."""
    form = await request.post()
    aid = request.match_info["activity_id"]
    purpose = text(form, "purpose") or "submission"
    back = f"/console/activities/{aid}" + ("/withdrawal" if purpose == "withdrawal" else "")
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return redirect(request, back, Flash(done(request, "no_file"), "refused"))
    await api(request, back=back).call(
        draw_prep.upload_evidence, path={"activity_id": aid, "purpose": purpose},
        file=(upload.filename, upload.file.read()))
    return redirect(request, back, done(request, "uploaded"))


@pages.post("/activities/{activity_id}/avoidances/import", uses=draw_prep.show)
async def import_avoidances(request: web.Request) -> web.Response:
    """The filled-in avoidance template: what was imported, and each row refused with why
    (a page of its own: a long list does not fit a message)."""
    form = await request.post()
    aid = request.match_info["activity_id"]
    back = f"/console/activities/{aid}"
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return redirect(request, back, Flash(done(request, "no_template_file"), "refused"))
    result = await api(request, back=back).call(
        draw_prep.import_avoidances, path={"activity_id": aid},
        file=(upload.filename, upload.file.read()))
    return render(request, "avoidance_import.html", result=result,
                  activity=result.activity, filename=upload.filename)
