"""The administrator's reference data: the specialty catalogue's versions, a new one checked
(every refused row shown with its row and column) and loaded, and which one is current; the
register of units, searched and its duplicates merged."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.context import CONSOLE
from console.forms import text
from console.invoke import fields
from console.signed import Flash
from miniapp_api.audit import handed_out
from miniapp_api.routes.reference import catalogues as admin_reference
from miniapp_api.routes.reference import pickers as reference
from miniapp_api.routes.reference import unit_requests
from miniapp_api.routes.reference.pickers import UnitsQuery

pages = PageTable()

BACK = "/console/catalogues"


@pages.get("/catalogues", uses=admin_reference.catalogues)
async def catalogues(request: web.Request) -> web.Response:
    listed = await api(request).call(admin_reference.catalogues)
    return render(request, "catalogues.html", catalogues=listed.catalogues, report=None,
                  version_name="")


@pages.post("/catalogues", uses=admin_reference.import_file)
async def load(request: web.Request) -> web.Response:
    """Checked, and saved unless 只检查 was chosen or a row is refused: the report is shown
    on the page, with the name typed kept."""
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return redirect(request, BACK, Flash(done(request, "no_sheet"), "refused"))
    action = text(form, "action")
    calls = api(request, back=BACK)
    query = calls.fields(admin_reference.CatalogueImportQuery, {
        "name": text(form, "name"), "dry_run": action == "check",
        "make_current": action == "current"})
    report = await calls.call(admin_reference.import_file, query,
                              file=(upload.filename, upload.file.read()))
    listed = await calls.call(admin_reference.catalogues)
    return render(request, "catalogues.html", catalogues=listed.catalogues, report=report,
                  version_name=query.name, filename=upload.filename, checked=action == "check")


@pages.post("/catalogues/current", uses=admin_reference.set_current)
async def set_current(request: web.Request) -> web.Response:
    calls = api(request, back=BACK)
    made = await calls.call(admin_reference.set_current, calls.fields(
        admin_reference.VersionIn, {"version": text(await request.post(), "version")}))
    name = next(c.name for c in made.catalogues if c.current)
    return redirect(request, BACK, done(request, "catalogue_current", name=name))


@pages.get("/catalogues/template.csv", uses=admin_reference.catalogues)
async def template(request: web.Request) -> web.Response:
    """The header row and a few example rows (UTF-8 with a BOM, so Excel reads it)."""
    body = request.app[CONSOLE].texts.render("console/examples/catalogue.j2") + "\n"
    handed_out(request)  # example rows of specialties: nobody's personal data
    return web.Response(body=("\ufeff" + body).encode(), content_type="text/csv",
                        charset="utf-8", headers={
                            "Content-Disposition": "attachment; filename*=UTF-8''"
                            "%E4%B8%93%E4%B8%9A%E7%9B%AE%E5%BD%95%E6%A8%A1%E6%9D%BF.csv"})


@pages.get("/units", uses=admin_reference.units)
async def units(request: web.Request) -> web.Response:
    """Found by name or code; duplicates merged from the list found."""
    q = request.query.get("q", "").strip()[:64]
    found = (await api(request).call(admin_reference.units, fields(
        UnitsQuery, {"q": q}))).units if q else []
    asked = await api(request).call(unit_requests.requests, fields(
        unit_requests.RequestsQuery, {"status": "waiting"}))
    return render(request, "units.html", q=q, units=found, asked=asked.requests)


@pages.post("/units/merge", uses=admin_reference.merge_units)
async def merge(request: web.Request) -> web.Response:
    form = await request.post()
    q = text(form, "q")
    back = "/console/units" + (f"?{urlencode({'q': q})}" if q else "")
    calls = api(request, back=back)
    keep = text(form, "keep")
    merged = await calls.call(admin_reference.merge_units, calls.fields(
        admin_reference.MergeIn, {"keep": keep, "merge": [
            v for v in form.getall("merge", []) if isinstance(v, str) and v != keep]}))
    return redirect(request, back, done(request, "units_merged", name=merged.kept.name,
                                        experts=merged.experts))


@pages.get("/units/find", uses=reference.find_units, touch=False)
async def find_units(request: web.Request) -> web.Response:
    """The unit picker's suggestions (JSON): units whose name or credit code matches."""
    typed = request.query.get("q", "").strip()[:64]
    if not typed:
        return web.json_response({"units": []})
    found = await api(request).call(reference.find_units, fields(UnitsQuery, {"q": typed}))
    return web.json_response({"units": [
        {"name": u.name, "credit_code": u.credit_code or "", "region": u.region or ""}
        for u in found.units[:20]]}, headers={"Cache-Control": "no-store"},
        dumps=lambda d: json.dumps(d, ensure_ascii=False))
