"""GD-DRAW's 模板下载 at the desk: the four application forms and the avoidance template,
each a file of the API's (the front page lists them; each page links the one it uses)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api
from miniapp_api.routes.draws.setup import templates

pages = PageTable()


@pages.get("/templates/{kind}/file", uses=templates.download_template)
async def template_file(request: web.Request) -> web.StreamResponse:
    """One blank template, downloaded."""
    return await api(request).call(templates.download_template, path=request.match_info)
