"""A batch's training at the administrator's desk: the material its applicants download
before the exam (HN-APPLY 资料下载), uploaded for the batch or one of its exams; the training
sessions (XJ-SIGNUP: 按照规定时间参加培训) and who attended each."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import many, text, when
from console.signed import Flash
from miniapp_api.routes.admin import batches as admin_desk
from miniapp_api.routes.education import materials
from miniapp_api.routes.education import training as sessions_api

pages = PageTable()


def _back(request: web.Request) -> str:
    return f"/console/batches/{request.match_info['batch_id']}/training"


@pages.get("/batches/{batch_id}/training", uses=materials.batch_materials)
async def training(request: web.Request) -> web.Response:
    calls = api(request)  # no such batch: the refusal's page (404)
    listed = await calls.call(materials.batch_materials, path=request.match_info)
    sessions = await calls.call(sessions_api.batch_sessions, path=request.match_info)
    batches = await calls.call(admin_desk.list_batches)
    batch = next(b for b in batches.batches if b.id == int(request.match_info["batch_id"]))
    return render(request, "training.html", batch=batch, materials=listed.materials,
                  note=listed.note, sessions=sessions.sessions)


@pages.post("/batches/{batch_id}/training-sessions", uses=sessions_api.schedule)
async def schedule(request: web.Request) -> web.Response:
    form = await request.post()
    back = _back(request)
    calls = api(request, back=back)
    made = await calls.call(sessions_api.schedule, calls.fields(sessions_api.SessionIn, {
        **{k: text(form, k) for k in ("title", "place", "online_url", "note")},
        **{k: when(form, k) for k in ("starts_at", "ends_at")}}), path=request.match_info)
    return redirect(request, back, done(request, "training_session", title=made.title))


@pages.post("/batches/{batch_id}/training-sessions/{session_id}/attendance",
            uses=sessions_api.attendance)
async def attendance(request: web.Request) -> web.Response:
    form = await request.post()
    back = _back(request)
    calls = api(request, back=back)
    await calls.call(sessions_api.attendance, calls.fields(sessions_api.AttendanceIn, {
        "present": many(form, "present")}), path={
        "session_id": request.match_info["session_id"]})
    return redirect(request, back, done(request, "training_attendance"))


@pages.post("/batches/{batch_id}/materials", uses=materials.upload)
async def upload(request: web.Request) -> web.Response:
    form = await request.post()
    back = _back(request)
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return redirect(request, back, Flash(done(request, "no_material_file"), "refused"))
    calls = api(request, back=back)
    made = await calls.call(materials.upload, calls.fields(materials.MaterialQuery, {
        "title": text(form, "title"), "exam_id": text(form, "exam_id") or None}),
        path=request.match_info, file=(upload.filename, upload.file.read()))
    return redirect(request, back, done(request, "material", title=made.title))


@pages.post("/batches/{batch_id}/materials/{material_id}/delete", uses=materials.remove)
async def remove(request: web.Request) -> web.Response:
    back = _back(request)
    await api(request, back=back).call(materials.remove, path={
        "material_id": request.match_info["material_id"]})
    return redirect(request, back, done(request, "material_removed"))


@pages.get("/materials/{material_id}/file", uses=materials.admin_download)
async def material_file(request: web.Request) -> web.StreamResponse:
    return await api(request).call(materials.admin_download, path=request.match_info)
