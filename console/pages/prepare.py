"""Preparing and running a draw from the desk (seed 004): projects and their sections, a new
activity over sections, and on the activity page its notices, conditions (with the live
count of matching experts), avoidances, the request's evidence and reason, the submission,
and — once verified — the start with the handler's random string, pause, resume and the
forced end with a reason. Every action is the API's endpoint, refusals in its words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from console.app import act, page, person_of, redirect, render
from console.context import CONSOLE
from console.forms import many, text, when

PROJECTS = ("GET", "/draws/projects")
NEW_PROJECT = ("POST", "/draws/projects")
NEW_ACTIVITY = ("POST", "/draws/activities")
ONE = ("GET", "/draws/activities/{activity_id}")
Form = MultiDictProxy[Any]


def _sections(raw: str) -> list[dict[str, str]]:
    """One section a line: its number, then its name (标段编号 名称)."""
    out = []
    for line in raw.splitlines():
        number, _, name = line.strip().partition(" ")
        if number:
            out.append({"number": number, "name": name.strip() or number})
    return out


@page("GET", "/projects", uses=PROJECTS)
async def projects(request: web.Request) -> web.Response:
    listed = await request.app[CONSOLE].endpoints.call(request, person_of(request), *PROJECTS)
    return render(request, "projects.html", projects=listed.projects)


@page("POST", "/projects", uses=NEW_PROJECT)
async def new_project(request: web.Request) -> web.Response:
    form = await request.post()
    body: dict[str, Any] = {k: text(form, k) for k in (
        "name", "number", "kind", "region", "tenderer_name", "tenderer_credit_code")}
    body["sections"] = _sections(text(form, "sections"))
    made = await act(request, "/console/projects", *NEW_PROJECT, body=body)
    return redirect(request, f"/console/activities/new?project_id={made.id}",
                    f"已登记项目「{made.name}」，请为它发起抽取活动。")


@page("GET", "/activities/new", uses=NEW_ACTIVITY)
async def new_activity_page(request: web.Request) -> web.Response:
    listed = await request.app[CONSOLE].endpoints.call(request, person_of(request), *PROJECTS)
    chosen = request.query.get("project_id", "")
    return render(request, "activity_new.html", projects=listed.projects, chosen=chosen)


@page("POST", "/activities/new", uses=NEW_ACTIVITY)
async def new_activity(request: web.Request) -> web.Response:
    form = await request.post()
    body = {"project_id": text(form, "project_id"), "section_ids": many(form, "section_ids"),
            "bid_open_at": when(form, "bid_open_at"), "eval_start": when(form, "eval_start"),
            "eval_end": when(form, "eval_end"), "total": text(form, "total"),
            "response_minutes": text(form, "response_minutes") or "10",
            "on_site": form.get("on_site") == "1"}
    made = await act(request, "/console/activities/new?project_id=" + text(form, "project_id"),
                     *NEW_ACTIVITY, body=body)
    return redirect(request, f"/console/activities/{made.id}",
                    "抽取活动已创建：请添加通知、抽取条件和回避，上传申请附件后提交核验。")


def _notice(form: Form) -> dict[str, Any]:
    return {**{k: text(form, k) for k in ("venue", "city", "district", "street", "room",
                                           "contact_name", "contact_phone", "notes")},
            "gather_at": when(form, "gather_at")}


def _condition(form: Form) -> dict[str, Any]:
    return {"notice_id": text(form, "notice_id"), "regions": many(form, "regions") or
            text(form, "region_list").replace("，", ",").split(","),
            "main_specialty": text(form, "main_specialty"),
            "alternate_specialty": text(form, "alternate_specialty") or None,
            "planned": text(form, "planned")}


def _reason(form: Form) -> dict[str, Any]:
    return {"reason": text(form, "reason")}


# action -> (the endpoint, the body read from the form, what to say when done)
ACTIONS: dict[str, tuple[str, Callable[[Form], dict[str, Any]] | None, str]] = {
    "notice": ("/draws/activities/{activity_id}/notices", _notice, "通知已添加。"),
    "condition": ("/draws/activities/{activity_id}/conditions", _condition, "抽取条件已添加。"),
    "avoid": ("/draws/activities/{activity_id}/avoidances",
              lambda f: {k: text(f, k) for k in ("kind", "name", "code", "reason")},
              "回避已添加。"),
    "import": ("/draws/activities/{activity_id}/avoidances/import",
               lambda f: {"csv": text(f, "csv")}, "回避名单已导入。"),
    "submit": ("/draws/activities/{activity_id}/submit", _reason, "已提交交易中心核验。"),
    "withdraw": ("/draws/activities/{activity_id}/withdraw", None, "已撤回核验申请。"),
    "start": ("/draws/activities/{activity_id}/start", lambda f: {"nonce": text(f, "nonce")},
              "抽取已开始，专家的回复会实时计入。"),
    "pause": ("/draws/activities/{activity_id}/pause", _reason, "抽取已暂停。"),
    "resume": ("/draws/activities/{activity_id}/resume", None, "抽取已继续。"),
    "end": ("/draws/activities/{activity_id}/end", _reason, "抽取已结束。"),
}


@page("POST", "/activities/{activity_id}/do/{action}", uses=ONE)
async def do(request: web.Request) -> web.Response:
    form = await request.post()
    aid = request.match_info["activity_id"]
    back = f"/console/activities/{aid}"
    action = ACTIONS.get(request.match_info["action"])
    if action is None:
        raise web.HTTPNotFound()
    path, read, done = action
    await act(request, back, "POST", path, params={"activity_id": aid},
              body=read(form) if read else None)
    return redirect(request, back, done)


@page("POST", "/activities/{activity_id}/preview", uses=ONE)
async def preview(request: web.Request) -> web.Response:
    """How many experts the condition would find now (names never shown)."""
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}"
    counted = await act(
        request, back, "POST", "/draws/activities/{activity_id}/preview",
        params=dict(request.match_info),
        body={k: v for k, v in _condition(form).items() if k not in ("notice_id", "planned")})
    return redirect(request, back, f"当前符合条件、未被回避的专家：{counted.matching} 人。")


@page("POST", "/activities/{activity_id}/evidence", uses=ONE)
async def evidence(request: web.Request) -> web.Response:
    """The request's attachment (申请附件), uploaded before the submission."""
    form = await request.post()
    aid = request.match_info["activity_id"]
    purpose = text(form, "purpose") or "submission"
    back = f"/console/activities/{aid}" + ("/withdrawal" if purpose == "withdrawal" else "")
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return redirect(request, back, "请选择要上传的申请附件。")
    await act(request, back, "POST", "/draws/activities/{activity_id}/evidence/{purpose}",
              params={"activity_id": aid, "purpose": purpose},
              file=(upload.filename, upload.file.read()))
    return redirect(request, back, "附件已上传。")
