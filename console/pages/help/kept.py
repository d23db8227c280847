"""The administrator keeps the knowledge base (常见问题, 办理指南): the list, an entry's form
(title, who it is for, keywords, words, withdrawn) with every earlier version below it."""

from __future__ import annotations

import re

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.context import CONSOLE
from console.forms import text
from miniapp_api.routes.help import keeping
from services.help import Audience

pages = PageTable()
SPLIT = re.compile(r"[,，、;；\s]+")


@pages.get("/help-entries", uses=keeping.kept)
async def entries(request: web.Request) -> web.Response:
    calls = api(request)
    listed = await calls.call(keeping.kept)
    asked = await calls.call(keeping.unanswered)
    return render(request, "help_entries.html", entries=listed.entries, asked=asked)


@pages.get("/help-entries/{key}", uses=keeping.history)
async def entry(request: web.Request) -> web.Response:
    calls = api(request)
    listed = await calls.call(keeping.kept)
    found = next((e for e in listed.entries if e.key == request.match_info["key"]), None)
    if found is None:
        raise web.HTTPNotFound()
    history = await calls.call(keeping.history, path=request.match_info)
    words = request.app[CONSOLE].texts
    return render(request, "help_entry.html", entry=found, versions=history.versions,
                  audiences=[(str(a), words.word("help_audience", a)) for a in Audience])


@pages.post("/help-entries/{key}", uses=keeping.edit)
async def edit(request: web.Request) -> web.Response:
    form = await request.post()
    key = request.match_info["key"]
    calls = api(request, back=f"/console/help-entries/{key}")
    body = {"title": text(form, "title"), "body": text(form, "body"),
            "audiences": [str(a) for a in form.getall("audiences", [])],
            "keywords": [w for w in SPLIT.split(text(form, "keywords")) if w],
            "similar": [q.strip() for q in text(form, "similar").splitlines() if q.strip()],
            "retired": form.get("retired") == "1", "note": text(form, "note")}
    saved = await calls.call(keeping.edit, calls.fields(keeping.EntryIn, body),
                             path=request.match_info)
    return redirect(request, f"/console/help-entries/{key}",
                    done(request, "help_entry_saved", version=saved.version,
                         retired=saved.retired))
