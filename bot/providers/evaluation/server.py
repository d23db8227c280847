"""`/evaluation/v1/...`: what a registered evaluation system may call. Every request is
checked (signature, time, nonce, the system registered and active) before anything is read;
every answer is signed over the request's nonce; a refusal says why in Chinese, unsigned.
Each call answered is on the audit trail with the system's name."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiohttp import hdrs, web

from bot.errors import TooLarge
from bot.providers.last_line import guarded
from bot.wechat.callback import read_capped
from services.audit import AuditChain
from services.common.bodies import check_json_type, json_object
from services.common.clock import Clock, china_today
from services.common.errors import (
    HTTP_STATUS,
    BadInput,
    ClosedWindow,
    DomainError,
    http_status,
)
from services.common.texts import Texts
from services.evaluation import (
    EVALUATION_PROTOCOL,
    Caller,
    CommitteeReads,
    CommitteeWatches,
    Corrections,
    EventDesk,
    ScoreDesk,
    SystemTrust,
)
from services.federation import NotTrusted

log = logging.getLogger(__name__)

PREFIX = "/evaluation/v1"
MAX_BODY = 2 * 1024 * 1024  # a table of 20,000 scores


@dataclass(frozen=True)
class EvaluationEdge:
    trust: SystemTrust
    audit: AuditChain
    texts: Texts
    clock: Clock
    scores: ScoreDesk
    watches: CommitteeWatches
    committees: CommitteeReads
    events: EventDesk
    corrections: Corrections


EVALUATION = web.AppKey("evaluation", EvaluationEdge)
Handler = Callable[[web.Request], Awaitable[web.Response]]


def _signed(edge: EvaluationEdge, caller: Caller, data: dict[str, Any],
            status: int = 200) -> web.Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return web.Response(body=body, status=status, content_type="application/json",
                        headers=edge.trust.sign_answer(caller, status, body))


# The contract's statuses (docs/evaluation-systems.md): 400 the message is wrong, 404 no such
# activity, 409 a state that does not allow it — a time that has not come or has passed (the
# committee still sealed, the evaluation not ended, the records closed) is a state: a system
# built to the contract tries a 409 again later and never a 400
STATUS = {**HTTP_STATUS, ClosedWindow: 409}


def _refused(edge: EvaluationEdge, exc: DomainError) -> web.Response:
    return web.json_response({"error": exc.code.rpartition(".")[2],
                              "message": edge.texts.error(exc)},
                             status=http_status(exc, STATUS))


async def _checked(request: web.Request) -> tuple[EvaluationEdge, Caller, bytes]:
    """The edge, the registered system that signed the request, and its body; refused first
    past MAX_BODY (413, in words: its hash cannot be checked unread), then unsigned (401)."""
    edge = request.app[EVALUATION]
    try:
        body = await read_capped(request, MAX_BODY)
    except TooLarge:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY, actual_size=MAX_BODY + 1, content_type="application/json",
            text=json.dumps({"error": "too_large", "message": edge.texts.error(BadInput(
                "evaluation.too_large", mb=MAX_BODY // 1024 // 1024))}, ensure_ascii=False)
        ) from None
    try:
        caller = await edge.trust.check(request.headers, request.method, request.path_qs, body,
                                        int(edge.clock.now().timestamp()))
    except NotTrusted as exc:
        log.warning("evaluation request refused: %s from %r", exc.reason,
                    request.headers.get(EVALUATION_PROTOCOL.names()[0], "")[:16])
        raise web.HTTPUnauthorized(text=json.dumps({
            "error": exc.reason, "message": edge.texts.word("evaluation_refusal", exc.reason)},
            ensure_ascii=False), content_type="application/json") from None
    return edge, caller, body


def _object(request: web.Request, body: bytes) -> dict[str, Any]:
    """The body as a JSON object sent as JSON (services/common/bodies.py); BadInput."""
    check_json_type(request.headers.get(hdrs.CONTENT_TYPE, ""), request.content_type,
                    "evaluation.content_type")
    return json_object(body, "evaluation.not_json")


def _activity_id(request: web.Request) -> int:
    raw = request.match_info["activity_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise BadInput("evaluation.bad_field", field="activity_id")
    return int(raw)


async def _trail(edge: EvaluationEdge, caller: Caller, what: str, **detail: Any) -> None:
    await edge.audit.append("evaluation", edge.clock.now(), peer=caller.system.code,
                            peer_name=caller.system.name, what=what, **detail)


async def activities(request: web.Request) -> web.Response:
    """The system's centres' evaluations of a day (China time; today by default)."""
    edge, caller, _ = await _checked(request)
    now = edge.clock.now()
    try:
        raw = request.query.get("date", "")[:10]
        day = date.fromisoformat(raw) if raw else china_today(now)
    except ValueError:
        return _refused(edge, BadInput("evaluation.bad_field", field="date"))
    listed = await edge.committees.on_day(caller.system, day, now)
    await _trail(edge, caller, "activities", day=day.isoformat())
    return _signed(edge, caller, {"date": day.isoformat(), "activities": [{
        "activity_id": a.activity_id, "number": a.number, "project": a.project,
        "project_number": a.project_number, "eval_start": a.eval_start.isoformat(),
        "eval_end": a.eval_end.isoformat(), "venues": list(a.venues),
        "unsealed": a.unsealed} for a in listed]})


async def read_committee(request: web.Request) -> web.Response:
    edge, caller, _ = await _checked(request)
    now = edge.clock.now()
    try:
        activity = await edge.committees.evaluation_for(caller.system, _activity_id(request))
        board = await edge.committees.committee(activity, now)
        seq = await edge.watches.read(caller.system, board, now)
    except DomainError as exc:
        return _refused(edge, exc)
    await _trail(edge, caller, "committee", activity=activity.id, seq=seq)
    return _signed(edge, caller, board.body(seq))


async def put_bidders(request: web.Request) -> web.Response:
    edge, caller, body = await _checked(request)
    try:
        count = await edge.scores.declare_bidders(caller.system, _activity_id(request),
                                                  _object(request, body), edge.clock.now())
    except DomainError as exc:
        return _refused(edge, exc)
    await _trail(edge, caller, "bidders", activity=int(request.match_info["activity_id"]),
                 count=count)
    return _signed(edge, caller, {"bidders": count})


async def post_scores(request: web.Request) -> web.Response:
    edge, caller, body = await _checked(request)
    try:
        kept = await edge.scores.post_table(caller.system, _activity_id(request),
                                            _object(request, body), edge.clock.now())
    except DomainError as exc:
        return _refused(edge, exc)
    if not kept.replayed:
        await _trail(edge, caller, "scores", activity=int(request.match_info["activity_id"]),
                     table=kept.table_id, proposals=kept.proposals)
    return _signed(edge, caller, {"table_id": kept.table_id, "kept": True,
                                  "replayed": kept.replayed, "experts": kept.experts,
                                  "bidders": kept.bidders, "proposals": kept.proposals})


async def post_event(request: web.Request) -> web.Response:
    edge, caller, body = await _checked(request)
    try:
        made, fresh = await edge.events.post(caller.system, _activity_id(request),
                                             _object(request, body), edge.clock.now())
    except DomainError as exc:
        return _refused(edge, exc)
    if fresh:
        await _trail(edge, caller, "event", activity=made.activity_id, event=made.event_id)
    return _signed(edge, caller, {"event_id": made.event_id, "kept": True,
                                  "replayed": not fresh})


async def post_correction(request: web.Request) -> web.Response:
    """A corrected table, its Art. 64 case and the committee's reason (until signed)."""
    edge, caller, body = await _checked(request)
    try:
        made = await edge.corrections.correct(caller.system, _activity_id(request),
                                              _object(request, body), edge.clock.now())
    except DomainError as exc:
        return _refused(edge, exc)
    if not made.replayed:
        await _trail(edge, caller, "correction", activity=int(request.match_info[
            "activity_id"]), correction=made.correction_id, case=made.case,
            changed=made.changed)
    return _signed(edge, caller, {"correction_id": made.correction_id, "kept": True,
                                  "replayed": made.replayed, "changed": made.changed,
                                  "proposals": made.proposals})


async def post_signed(request: web.Request) -> web.Response:
    """The evaluation report signed: no correction after it."""
    edge, caller, body = await _checked(request)
    try:
        _object(request, body)  # `{}`: a JSON object, as every message is
        at, replayed = await edge.corrections.sign(caller.system, _activity_id(request),
                                                   edge.clock.now())
    except DomainError as exc:
        return _refused(edge, exc)
    if not replayed:
        await _trail(edge, caller, "signed", activity=int(request.match_info["activity_id"]))
    return _signed(edge, caller, {"signed": True, "signed_at": at.isoformat(),
                                  "replayed": replayed})


def last_line(handler: Handler) -> Handler:
    """The handler, a value the database cannot take answered as a wrong message."""
    return guarded(handler, lambda request, exc: _refused(request.app[EVALUATION], exc))


def setup_evaluation_server(app: web.Application) -> None:
    app.router.add_get(f"{PREFIX}/activities", last_line(activities))
    app.router.add_get(f"{PREFIX}/activities/{{activity_id}}/committee",
                       last_line(read_committee))
    app.router.add_put(f"{PREFIX}/activities/{{activity_id}}/bidders", last_line(put_bidders))
    app.router.add_post(f"{PREFIX}/activities/{{activity_id}}/scores", last_line(post_scores))
    app.router.add_post(f"{PREFIX}/activities/{{activity_id}}/events", last_line(post_event))
    app.router.add_post(f"{PREFIX}/activities/{{activity_id}}/scores/corrections",
                        last_line(post_correction))
    app.router.add_post(f"{PREFIX}/activities/{{activity_id}}/report", last_line(post_signed))
