"""Correcting a request before the trading centre has it (GD-DRAW: the request can be changed
until it is submitted): a notice or a condition edited or deleted, an avoidance or an
attachment removed, the activity's times and count changed, the draft cancelled; and, while
a draw is paused (GD-DRAW's reason to pause), the gathering time moved. Each is the API's
endpoint, refused in its words with the form kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from console.app import PageTable, api, done, redirect
from console.forms import committee, text, when
from console.pages.draws.setup.prepare import (
    Form,
    condition_body,
    info_body,
    notice_body,
    project_body,
    wan,
)
from miniapp_api.routes.draws.setup import drafts as draw_drafts
from miniapp_api.routes.draws.setup import peer_draws, projects
from miniapp_api.routes.draws.setup import prep as draw_prep

pages = PageTable()

Body = tuple[type[BaseModel], Callable[[Form], dict[str, Any]]]


# (item, operation) -> the endpoint, the path parameter naming the item, the body
ITEMS: dict[tuple[str, str], tuple[Callable[..., Awaitable[Any]], str, Body | None]] = {
    ("notice", "edit"): (draw_drafts.edit_notice, "notice_id",
                         (draw_drafts.NoticeEdit, notice_body)),
    ("notice", "delete"): (draw_drafts.delete_notice, "notice_id", None),
    ("notice", "gathering"): (draw_prep.change_gathering, "notice_id",
                              (draw_prep.GatheringIn,
                               lambda form: {"gather_at": when(form, "gather_at")})),
    ("condition", "edit"): (draw_drafts.edit_condition, "condition_id",
                            (draw_drafts.ConditionEdit, condition_body)),
    ("condition", "delete"): (draw_drafts.delete_condition, "condition_id", None),
    # drawn by another library for a 副场 in its region (docs/federation.md), or here
    ("condition", "peer"): (peer_draws.pick_peer, "condition_id",
                            (peer_draws.PeerPick,
                             lambda form: {"peer_code": text(form, "peer_code")})),
    ("condition", "unpeer"): (peer_draws.drop_peer, "condition_id", None),
    ("condition", "local"): (peer_draws.draw_here, "condition_id", None),
    ("condition", "peer-supplement"): (peer_draws.ask_supplement, "condition_id", None),
    ("avoidance", "delete"): (draw_prep.remove_avoidance, "avoidance_id", None),
    ("evidence", "delete"): (draw_prep.delete_evidence, "evidence_id", None),
}


@pages.post("/activities/{activity_id}/items/{kind}/{item_id}/{op}", uses=draw_prep.show)
async def item(request: web.Request) -> web.Response:
    form = await request.post()
    aid, kind, op = (request.match_info[k] for k in ("activity_id", "kind", "op"))
    found = ITEMS.get((kind, op))
    if found is None:
        raise web.HTTPNotFound()
    handler, name, body = found
    page_path = f"/console/activities/{aid}"
    # refused, back to the form it came from (an edit: the item's form, as it was typed)
    calls = api(request, back=f"{page_path}?edit={kind}-{request.match_info['item_id']}"
                if op == "edit" else page_path)
    path = {"activity_id": aid, name: request.match_info["item_id"]}
    if body is None:
        await calls.call(handler, path=path)
    else:
        model, read = body
        await calls.call(handler, calls.fields(model, read(form)), path=path)
    return redirect(request, page_path, done(request, f"{kind}_{op}"))


@pages.post("/activities/{activity_id}/times", uses=draw_drafts.edit_activity)
async def times(request: web.Request) -> web.Response:
    """开标 and 评标 times and the number of experts, before submission."""
    form = await request.post()
    aid = request.match_info["activity_id"]
    calls = api(request, back=f"/console/activities/{aid}?edit=times")
    await calls.call(draw_drafts.edit_activity, calls.fields(draw_drafts.ActivityEdit, {
        **{k: when(form, k) for k in ("bid_open_at", "eval_start", "eval_end")},
        "total": text(form, "total") or None, **committee(form)}), path=request.match_info)
    return redirect(request, f"/console/activities/{aid}", done(request, "times"))


@pages.post("/activities/{activity_id}/info", uses=draw_drafts.edit_activity)
async def info(request: web.Request) -> web.Response:
    """GD-DRAW's 活动信息, 经办人 and 监督人员, before submission (the handler's numbers are
    shown masked: left blank, they stay)."""
    form = await request.post()
    aid = request.match_info["activity_id"]
    body = {k: v for k, v in info_body(form).items()
            if v or k not in ("handler_name", "handler_phone", "handler_id_number")}
    calls = api(request, back=f"/console/activities/{aid}?edit=info")
    await calls.call(draw_drafts.edit_activity, calls.fields(draw_drafts.ActivityEdit, body),
                     path=request.match_info)
    return redirect(request, f"/console/activities/{aid}", done(request, "info"))


@pages.post("/activities/{activity_id}/cancel", uses=draw_drafts.cancel_activity)
async def cancel(request: web.Request) -> web.Response:
    """A draft given up: its sections are free for a new activity."""
    aid = request.match_info["activity_id"]
    await api(request, back=f"/console/activities/{aid}").call(
        draw_drafts.cancel_activity, path=request.match_info)
    return redirect(request, "/console/activities", done(request, "cancelled"))




@pages.post("/projects/{project_id}/{op}", uses=draw_drafts.edit_project)
async def project(request: web.Request) -> web.Response:
    """A project corrected (before its activities are submitted) or deleted (none yet)."""
    form, pid, op = await request.post(), request.match_info["project_id"], \
        request.match_info["op"]
    path = {"project_id": pid}
    calls = api(request, back=f"/console/projects?edit={pid}" if op == "edit"
                else "/console/projects")
    if op == "edit":
        await calls.call(draw_drafts.edit_project, calls.fields(
            draw_drafts.ProjectEdit, {k: v or None for k, v in project_body(form).items()}),
            path=path)
    elif op == "delete":
        await calls.call(draw_drafts.delete_project, path=path)
    elif op == "section":
        await calls.call(draw_drafts.add_section, calls.fields(projects.SectionIn, {
            "number": text(form, "number"), "name": text(form, "name"),
            "investment_yuan": wan(text(form, "investment_wan") or "0")}), path=path)
    else:
        raise web.HTTPNotFound()
    return redirect(request, "/console/projects", done(request, f"project_{op}"))


@pages.post("/projects/{project_id}/sections/{section_id}/delete",
            uses=draw_drafts.remove_section)
async def section_delete(request: web.Request) -> web.Response:
    await api(request, back="/console/projects").call(draw_drafts.remove_section,
                                                      path=request.match_info)
    return redirect(request, "/console/projects", done(request, "section_delete"))
