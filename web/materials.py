"""`GET /materials/<id>?t=...`: a training file from the link the chat gives (HN-APPLY 资料
下载), signed for one applicant of its batch and valid a week."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from services.common.errors import NotFound
from web.context import DOMAIN
from web.pages import add_page, bad_link


async def material_file(request: web.Request) -> web.Response:
    raw = request.match_info["material_id"]
    materials = request.app[DOMAIN].materials
    person_id = materials.linked_person(int(raw), request.query.get("t", ""))
    if person_id is None:
        return bad_link(request, "material")
    try:
        item, body = await materials.file_for(int(raw), person_id)
    except NotFound:
        return bad_link(request, "material")
    name = quote(request.app[DOMAIN].materials.saved_as(item.title, item.filename))
    return web.Response(body=body, content_type=item.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "Cache-Control": "private, no-store"})


def setup_material_files(app: web.Application) -> None:
    add_page(app, "GET", r"/materials/{material_id:[0-9]{1,18}}", material_file)
