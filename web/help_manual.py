"""`/help/manual`: the desks' 操作手册 in the 帮助中心 — for each desk (代理机构法人, 经办人,
核验员, 审核人, 财务, 客服, the administrators), every page of its menu with what the page is
for (texts/help/manual_pages.j2), the page's own explanation and its screenshot, as
tools/manual.py generated them from the console itself (texts/help/manual.json)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from aiohttp import web

from web.context import TEXTS
from web.pages import add_page, render

CACHE = "public, max-age=300"


@functools.cache
def _manual(texts_dir: Path) -> list[dict[str, Any]]:
    """The generated manual, read once a process (tools/manual.py writes it at release)."""
    found: list[dict[str, Any]] = json.loads(
        (texts_dir / "help/manual.json").read_text(encoding="utf-8"))["desks"]
    return found


async def desks(request: web.Request) -> web.Response:
    texts = request.app[TEXTS]
    listed = [{"desk": d["desk"], "title": texts.word("role", d["role"]),
               "pages": len(d["pages"])} for d in _manual(texts.directory)]
    response = render(request, "help_manual.html", desks=listed, desk=None)
    response.headers["Cache-Control"] = CACHE
    return response


async def desk(request: web.Request) -> web.Response:
    texts = request.app[TEXTS]
    found = next((d for d in _manual(texts.directory)
                  if d["desk"] == request.match_info["desk"]), None)
    if found is None:
        raise web.HTTPNotFound()
    pages = [{**p, "purpose": texts.render("help/manual_pages.j2", key=p["path"]).strip()}
             for p in found["pages"]]
    response = render(request, "help_manual.html", desks=None,
                      desk={"title": texts.word("role", found["role"]), "pages": pages})
    response.headers["Cache-Control"] = CACHE
    return response


def setup_help_manual(app: web.Application) -> None:
    add_page(app, "GET", "/help/manual", desks)
    add_page(app, "GET", "/help/manual/{desk}", desk)
