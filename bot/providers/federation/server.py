"""`/federation/v1/...`: what this library answers another that it trusts. Every request is
checked (signature, time, nonce) before anything is read; every answer is signed over the
request's nonce. A refusal says why in Chinese and is not signed (the asker may not be a
peer at all). Each answered read is on the audit trail with the peer's name."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import hdrs, web

from bot.errors import TooLarge
from bot.providers.last_line import guarded
from bot.wechat.callback import read_capped
from services.audit import AuditChain
from services.common.bodies import check_json_type, json_object
from services.common.clock import Clock, china_today
from services.common.errors import BadInput, Conflict, DomainError
from services.common.texts import Texts
from services.federation import (
    SMALL,
    DirectoryReader,
    Incoming,
    NotTrusted,
    Peer,
    PeerAsks,
    PeerLending,
    Trust,
)

log = logging.getLogger(__name__)

PREFIX = "/federation/v1"
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class FederationEdge:
    trust: Trust
    audit: AuditChain
    texts: Texts
    clock: Clock
    directory: DirectoryReader
    lending: PeerLending | None = None
    asking: PeerAsks | None = None  # our conditions another library draws (its rosters)


FEDERATION = web.AppKey("federation", FederationEdge)
# a peer's numbered message applied: (the peer, its request id, the body, now) -> the answer
Apply = Callable[[Peer, str, dict[str, Any], datetime], Awaitable[dict[str, Any]]]
Handler = Callable[[web.Request], Awaitable[web.Response]]


def signed(edge: FederationEdge, incoming: Incoming, data: dict[str, Any],
           status: int = 200) -> web.Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return web.Response(body=body, status=status, content_type="application/json",
                        headers=edge.trust.sign_answer(incoming, status, body))


class Refused(web.HTTPUnauthorized):
    """401 with the reason's code and its words."""

    def __init__(self, edge: FederationEdge, reason: str) -> None:
        super().__init__(text=json.dumps({
            "error": reason, "message": edge.texts.word("federation_refusal", reason)},
            ensure_ascii=False), content_type="application/json")


async def checked(request: web.Request) -> tuple[FederationEdge, Incoming, bytes]:
    """The edge, the checked request and its body; refused first past MAX_BODY (413, in
    words: its hash cannot be checked unread), then unsigned (401)."""
    edge = request.app[FEDERATION]
    try:
        body = await read_capped(request, MAX_BODY)
    except TooLarge:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY, actual_size=MAX_BODY + 1, content_type="application/json",
            text=json.dumps({"error": "too_large", "message": edge.texts.error(BadInput(
                "federation.too_large", kb=MAX_BODY // 1024))}, ensure_ascii=False)) from None
    try:
        incoming = await edge.trust.check_request(request.headers, request.method,
                                                  request.path_qs, body,
                                                  int(edge.clock.now().timestamp()))
    except NotTrusted as exc:
        log.warning("federation request refused: %s from %r", exc.reason,
                    request.headers.get("X-Federation-From", "")[:16])
        raise Refused(edge, exc.reason) from None
    return edge, incoming, body


async def read_directory(request: web.Request) -> web.Response:
    edge, incoming, _ = await checked(request)
    now = edge.clock.now()
    specialty = request.query.get("specialty", "")[:16]
    region = request.query.get("region", "")[:6]
    found = await edge.directory.read(china_today(now), specialty, region)
    await edge.audit.append("federation", now, peer=incoming.peer.code,
                            peer_name=incoming.peer.name, what="directory")
    return signed(edge, incoming, {
        "library": edge.trust.federation.identity.code if edge.trust.federation.identity
        else "", "as_of": found.as_of.isoformat(), "small": SMALL, "total": found.total,
        "asked": found.asked,
        "by_specialty": [{"code": c.code, "name": c.name, "count": c.count}
                         for c in found.by_specialty],
        "by_region": [{"code": c.code, "name": c.name, "count": c.count}
                      for c in found.by_region]})


def refused(edge: FederationEdge, exc: DomainError, status: int = 400) -> web.Response:
    """A request this library will not take, unsigned, with its words."""
    return web.json_response({"error": exc.code.rpartition(".")[2],
                              "message": edge.texts.error(exc)}, status=status)


def _object(request: web.Request, body: bytes) -> dict[str, Any]:
    """The body as a JSON object sent as JSON (services/common/bodies.py); BadInput."""
    check_json_type(request.headers.get(hdrs.CONTENT_TYPE, ""), request.content_type,
                    "federation.content_type")
    return json_object(body, "federation.not_json")


def bad_request(edge: FederationEdge, exc: DomainError) -> web.Response:
    """A message this library cannot take, however it is wrong: HTTP 400 `bad_request` with
    the words of why (docs/federation.md)."""
    return web.json_response({"error": "bad_request", "message": edge.texts.error(exc)},
                             status=400)


def said(edge: FederationEdge, answer: dict[str, Any]) -> dict[str, Any]:
    """A refusal by the standing rule (accept = never) says so in words."""
    if answer["status"] == "refused" and not answer["reason"]:
        answer["reason"] = edge.texts.word("federation_refusal", "never")
    return answer


async def ask_draw(request: web.Request) -> web.Response:
    """Another library asks for experts drawn here (docs/federation.md, draws)."""
    edge, incoming, body = await checked(request)
    if edge.lending is None:
        raise web.HTTPNotFound()
    try:
        data = _object(request, body)
    except BadInput as exc:
        return bad_request(edge, exc)
    now = edge.clock.now()
    try:
        draw = await edge.lending.receive(incoming.peer, data, now)
        return signed(edge, incoming, said(edge, await edge.lending.answer(
            incoming.peer, draw.request_id, now)))
    except DomainError as exc:
        return refused(edge, exc)


async def draw_state(request: web.Request) -> web.Response:
    """Where a request for experts stands, and who confirmed (masked)."""
    edge, incoming, _ = await checked(request)
    if edge.lending is None:
        raise web.HTTPNotFound()
    try:
        return signed(edge, incoming, said(edge, await edge.lending.answer(
            incoming.peer, request.match_info["request_id"], edge.clock.now())))
    except DomainError as exc:
        return refused(edge, exc, 404)


async def cancel_draw(request: web.Request) -> web.Response:
    """The asking library's draw stopped: ours for it stops too; `{"release": why}` (local:
    the asker drew the condition itself; withdrawn: its evaluation withdrawn) releases the
    experts who confirmed, told why. An empty body (the protocol's first version) stops the
    draw only."""
    edge, incoming, body = await checked(request)
    if edge.lending is None:
        raise web.HTTPNotFound()
    request_id, now = request.match_info["request_id"], edge.clock.now()
    try:
        why = _object(request, body).get("release", "") if body.strip() else ""
        if why not in ("", "local", "withdrawn"):
            raise BadInput("federation.bad_request", field="release")
    except BadInput as exc:
        return bad_request(edge, exc)
    try:
        await edge.lending.cancel(incoming.peer, request_id, now, edge.texts.word(
            "federation_release", why) if why else "")
        return signed(edge, incoming, said(edge, await edge.lending.answer(
            incoming.peer, request_id, now)))
    except DomainError as exc:
        return refused(edge, exc, 404)


async def _apply(request: web.Request,
                 pick: Callable[[FederationEdge], Apply | None]) -> web.Response:
    """A peer's message with a JSON object body, applied by the side `pick` names (not this
    library's to hear: 404) and answered signed; refused in words — no such request or sheet
    404, a message it cannot take 400, a state it no longer waits in 409."""
    edge, incoming, body = await checked(request)
    apply = pick(edge)
    if apply is None:
        raise web.HTTPNotFound()
    try:
        data = _object(request, body)
    except BadInput as exc:
        return bad_request(edge, exc)
    try:
        return signed(edge, incoming, await apply(
            incoming.peer, request.match_info["request_id"], data, edge.clock.now()))
    except DomainError as exc:
        return refused(edge, exc, 404 if exc.code.endswith(("no_request", "not_found"))
                       else 409 if isinstance(exc, Conflict) else 400)


async def update_draw(request: web.Request) -> web.Response:
    """The asking library's evaluation changed (moved, its gathering time or 副场 corrected):
    applied once, in the order of its numbers."""
    return await _apply(request, lambda e: None if e.lending is None else e.lending.update)


async def draw_roster(request: web.Request) -> web.Response:
    """The library that drew a condition of ours sends its 副场's roster: applied once, in
    the order of its numbers."""
    return await _apply(request, lambda e: None if e.asking is None
                        else e.asking.rosters.apply)


async def draw_fees(request: web.Request) -> web.Response:
    """The library that lent experts for our 副场 sends their fee sheet: applied once, in
    the order of its numbers."""
    return await _apply(request, lambda e: None if e.asking is None else e.asking.fees.apply)


async def fees_funded(request: web.Request) -> web.Response:
    """The asking agency funded our experts' fee sheet (its bank transfer's reference):
    to our finance, once however often it is said."""
    return await _apply(request, lambda e: None if e.lending is None
                        else e.lending.fees.funded)


async def fees_checkout(request: web.Request) -> web.Response:
    """The asking agency pays our experts' fee sheet by WeChat Pay: our QR code's order (its
    body, `{}`, says nothing more, but must be one)."""
    edge, incoming, body = await checked(request)
    if edge.lending is None:
        raise web.HTTPNotFound()
    try:
        if body.strip():
            _object(request, body)
    except BadInput as exc:
        return bad_request(edge, exc)
    try:
        return signed(edge, incoming, await edge.lending.fees.checkout(
            incoming.peer, request.match_info["request_id"], edge.clock.now()))
    except DomainError as exc:
        return refused(edge, exc, 404 if exc.code.endswith(("no_request", "not_found"))
                       else 409)


def last_line(handler: Handler) -> Handler:
    """The handler, a value the database cannot take answered as a wrong message."""
    return guarded(handler, lambda request, exc: bad_request(request.app[FEDERATION], exc))


def setup_federation_server(app: web.Application) -> None:
    app.router.add_get(f"{PREFIX}/directory", last_line(read_directory))
    app.router.add_post(f"{PREFIX}/draws", last_line(ask_draw))
    app.router.add_get(f"{PREFIX}/draws/{{request_id}}", last_line(draw_state))
    app.router.add_post(f"{PREFIX}/draws/{{request_id}}/cancel", last_line(cancel_draw))
    app.router.add_post(f"{PREFIX}/draws/{{request_id}}/update", last_line(update_draw))
    app.router.add_post(f"{PREFIX}/asks/{{request_id}}/roster", last_line(draw_roster))
    app.router.add_post(f"{PREFIX}/asks/{{request_id}}/fees", last_line(draw_fees))
    app.router.add_post(f"{PREFIX}/draws/{{request_id}}/fees/funded", last_line(fees_funded))
    app.router.add_post(f"{PREFIX}/draws/{{request_id}}/fees/checkout",
                        last_line(fees_checkout))
