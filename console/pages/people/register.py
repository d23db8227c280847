"""The administrator moves an existing expert register in: the template, a sheet checked or
imported by a worker while the page shows its progress, the rows refused and why."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.invoke import fields
from console.signed import Flash
from miniapp_api.routes.people import register as admin_register

pages = PageTable()

BACK = "/console/register"


@pages.get("/register", uses=admin_register.list_imports)
async def register(request: web.Request) -> web.Response:
    listed = await api(request).call(admin_register.list_imports)
    return render(request, "register.html", imports=listed.imports)


@pages.get("/register/template.xlsx", uses=admin_register.register_template)
async def template(request: web.Request) -> web.Response:
    return await api(request).call(admin_register.register_template)


@pages.post("/register", uses=admin_register.start_import)
async def upload(request: web.Request) -> web.Response:
    form = await request.post()
    sheet = form.get("file")
    if not isinstance(sheet, web.FileField):
        return redirect(request, BACK, Flash(done(request, "no_sheet"), "refused"))
    calls = api(request, back=BACK)
    started = await calls.call(admin_register.start_import, fields(
        admin_register.ImportQuery, {"dry_run": text(form, "action") == "check"}),
        file=(sheet.filename, sheet.file.read()))
    return redirect(request, f"{BACK}/imports/{started.id}")


@pages.get("/register/imports/{import_id}", uses=admin_register.show_import, touch=False)
async def progress(request: web.Request) -> web.Response:
    run = await api(request).call(admin_register.show_import, path=request.match_info)
    return render(request, "register_import.html", run=run)


@pages.post("/register/imports/{import_id}/resume", uses=admin_register.resume_import)
async def resume(request: web.Request) -> web.Response:
    back = f"{BACK}/imports/{request.match_info['import_id']}"
    await api(request, back=back).call(admin_register.resume_import, path=request.match_info)
    return redirect(request, back, done(request, "import_resumed"))
