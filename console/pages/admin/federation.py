"""Another library's directory in the console: the system administrator picks a library
this one trusts and, if they like, a specialty and a place (by name, with the same pickers
as a draw's condition), and reads how many experts that library could draw — counts only,
as the library answered them over the signed protocol. A refusal (federation off, the
library refused or did not answer) comes back on the page in words, with the choice kept."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.context import CONSOLE
from console.invoke import fields
from miniapp_api.routes.admin import federation as peers_api
from services.common.errors import DomainError

pages = PageTable()


def _typed(request: web.Request) -> dict[str, str]:
    return {k: request.query.get(k, "").strip()[:16] for k in ("peer", "specialty", "region")}


@pages.get("/federation", uses=peers_api.peers)
async def federation(request: web.Request) -> web.Response:
    typed = _typed(request)
    listed = await api(request).call(peers_api.peers)
    if not typed["peer"] and len(listed.peers) == 1:
        typed["peer"] = listed.peers[0].code
    found, refusal = None, None
    if typed["peer"]:
        regions = request.app[CONSOLE].domain.reference.regions
        region = regions.to_gb(typed["region"]) if typed["region"] else ""
        try:
            found = await api(request).call(
                peers_api.directory, fields(peers_api.DirectoryQuery, {
                    "specialty": typed["specialty"], "region": region}),
                path={"peer_code": typed["peer"]})
        except DomainError as exc:
            refusal = request.app[CONSOLE].texts.error(exc)
    return render(request, "federation.html", listed=listed, typed=typed, found=found,
                  refusal=refusal)


@pages.get("/federation-requests", uses=peers_api.lent_requests)
async def lent_requests(request: web.Request) -> web.Response:
    return await _requests_page(request)


async def _requests_page(request: web.Request, refusal: str | None = None,
                         typed: dict[str, str] | None = None, status: int = 200
                         ) -> web.Response:
    listed = await api(request).call(peers_api.lent_requests)
    return render(request, "federation_requests.html", status=status,
                  listed=listed.requests, refusal=refusal, typed=typed or {})


@pages.post("/federation-requests/{request_id}", uses=peers_api.decide)
async def decide(request: web.Request) -> web.Response:
    """Accept, or refuse with a reason; a refusal refused (no reason) comes back on the page
    with what was typed."""
    form = await request.post()
    accept = form.get("accept") == "1"
    reason = str(form.get("reason", "")).strip()[:200]
    try:
        made = await api(request).call(peers_api.decide, fields(peers_api.DecisionIn, {
            "accept": accept, "reason": reason}), path=request.match_info)
    except DomainError as exc:
        return await _requests_page(request, request.app[CONSOLE].texts.error(exc),
                                    {"id": request.match_info["request_id"],
                                     "reason": reason}, 409)
    return redirect(request, "/console/federation-requests", done(
        request, "peer_request", peer=made.peer_name, accepted=accept))
