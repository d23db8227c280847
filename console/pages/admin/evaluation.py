"""The trading centres' evaluation systems in the console (docs/evaluation-systems.md), and
what their scores made: the month's proposals by agency and specialty, an expert's portrait. The
system administrator registers a system (its code, name, the centres it serves picked by
name, its public key and address), stops or starts one, reads this library's public key
for the system's operator, and sets the thresholds the scores are read by. A refusal comes
back on the page in words with what was typed."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.context import CONSOLE
from console.forms import many, said, text
from console.invoke import fields
from miniapp_api.routes.evaluation import portrait as portrait_api
from miniapp_api.routes.evaluation import systems as systems_api
from services.common.errors import DomainError, NotFound

pages = PageTable()
NUMBER = re.compile(r"[A-Za-z0-9-]+")  # an expert number, as the register writes them
PAGE = "/console/evaluation-systems"


async def _page(request: web.Request, refusal: str | None = None,
                typed: dict[str, Any] | None = None, status: int = 200) -> web.Response:
    listed = await api(request).call(systems_api.listing)
    return render(request, "evaluation_systems.html", status=status, listed=listed,
                  refusal=refusal, typed=typed or {})


@pages.get("/evaluation-systems", uses=systems_api.listing)
async def listing(request: web.Request) -> web.Response:
    return await _page(request)


def _typed(form: Any) -> dict[str, Any]:
    return {"code": text(form, "code"), "name": text(form, "name"),
            "centres": many(form, "centres"), "public_key": text(form, "public_key"),
            "url": text(form, "url"), "active": form.get("active", "1") == "1",
            "key_rotate_by": text(form, "key_rotate_by") or None}


@pages.post("/evaluation-systems", uses=systems_api.register)
async def register(request: web.Request) -> web.Response:
    typed = _typed(await request.post())
    try:
        await api(request).call(systems_api.register, fields(systems_api.SystemIn, typed))
    except DomainError as exc:
        return await _page(request, said(request.app[CONSOLE].texts, exc),
                           {**typed, "form": "new"}, 400)
    return redirect(request, PAGE, done(request, "evaluation_system", name=typed["name"]))


@pages.post("/evaluation-systems/{system_id}", uses=systems_api.change)
async def change(request: web.Request) -> web.Response:
    typed = _typed(await request.post())
    try:
        await api(request).call(systems_api.change, fields(systems_api.SystemIn, typed),
                                path=request.match_info)
    except DomainError as exc:
        return await _page(request, said(request.app[CONSOLE].texts, exc),
                           {**typed, "form": request.match_info["system_id"]}, 400)
    return redirect(request, PAGE, done(request, "evaluation_system", name=typed["name"]))


@pages.post("/evaluation-thresholds", uses=systems_api.thresholds)
async def thresholds(request: web.Request) -> web.Response:
    form = await request.post()
    typed = {"deviation_percent": text(form, "deviation_percent"),
             "leaning_sample": text(form, "leaning_sample")}
    try:
        await api(request).call(systems_api.thresholds,
                                fields(systems_api.ThresholdsIn, typed))
    except DomainError as exc:
        return await _page(request, said(request.app[CONSOLE].texts, exc),
                           {**typed, "form": "thresholds"}, 400)
    return redirect(request, PAGE, done(request, "evaluation_thresholds"))


@pages.get("/portraits", uses=portrait_api.flags)
async def portraits(request: web.Request) -> web.Response:
    """The month's proposals by agency and specialty, and an expert's portrait by number or
    by name (one expert of that name: theirs; several: each to choose by number)."""
    month = request.query.get("month", "").strip()[:7]
    who = (request.query.get("who") or request.query.get("number") or "").strip()[:32]
    number, namesakes = who, None
    calls = api(request)
    refusal = None
    try:
        flags = await calls.call(portrait_api.flags, fields(portrait_api.FlagsQuery,
                                                           {"month": month}))
    except DomainError as exc:
        refusal = said(request.app[CONSOLE].texts, exc)
        flags = await calls.call(portrait_api.flags, fields(portrait_api.FlagsQuery, {}))
    found = None
    if who and not NUMBER.fullmatch(who):  # a name: the experts of that name
        namesakes = (await calls.call(portrait_api.named, fields(
            portrait_api.NameQuery, {"name": who}))).experts
        number = namesakes[0].number if len(namesakes) == 1 else ""
        if not namesakes:
            refusal = said(request.app[CONSOLE].texts, NotFound("portrait.no_one_named",
                                                                name=who))
    if number:
        try:
            found = await calls.call(portrait_api.of_expert, fields(
                portrait_api.PortraitQuery, {"number": number}))
        except DomainError as exc:
            refusal = said(request.app[CONSOLE].texts, exc)
    return render(request, "evaluation_portraits.html", flags=flags, portrait=found,
                  typed={"month": month, "who": who}, refusal=refusal,
                  namesakes=namesakes if namesakes and len(namesakes) > 1 else None)
