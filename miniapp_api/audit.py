"""Desk actions into the audit trail (services/audit/chain.py): each change (any call
but a GET) and each download made by a person holding a desk role, through the API or the
console alike, with the operation, its path values and the record they name in words
(services/admin/trail_subjects.py) — never a body, which may carry personal data; and each
reading of personal data in full. A download says how many people's personal data it
handed out (PIPL Art. 51, 个人信息访问记录): one with none (a blank template, statistics) is
a download, not an access to personal data."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from models.people import DESK_ROLES

log = logging.getLogger("expertbot.audit")

DESK = DESK_ROLES
# the request's note of the personal data it handed out
HANDED_OUT = web.RequestKey("audit_handed_out", dict[str, Any])


def handed_out(request: web.Request, *, people: int | None = None, rows: int | None = None,
               full: bool = False, held: list[list[str]] | None = None,
               why: str = "") -> None:
    """What the request's reading or file holds: `people` distinct persons' personal data,
    or `rows` records each naming a person (a person may have several: orders, invoices);
    `full`: the register's names and phones unmasked; `held`: the kinds of personal data
    it holds, as its declaration says (services/audit/exports.py: [kind, shown] each), and
    `why` the purpose. Neither count: none at all."""
    request[HANDED_OUT] = {k: v for k, v in (("people", people), ("rows", rows))
                           if v is not None} | ({"full": True} if full else {}) | (
        {"held": held, "why": why} if held else {})


async def audit_call(call: Any, ep: Any, params: Mapping[str, str],
                     refused: str | None = None) -> None:
    """One entry for a desk's change or download (`call`, `ep`: the framework's Call and
    Endpoint, which import this module), with its outcome (GB/T 22239-2019 安全审计 b):
    "事件是否成功"): done, or refused with the refusal's code; or a reading its handler
    noted as personal data in full (the register unmasked); a change whose handler showed
    personal data in full (an expert's bank account number) is that reading, an access."""
    person = call.caller.person
    if person is None or not call.caller.has(*DESK):
        return
    if ep.method == "GET":
        await audit_reading(call.domain, person, call.request, f"GET {ep.path}", params,
                            call.now, file=bool(ep.files), refused=refused)
        return
    outcome = {"outcome": "refused", "error": refused} if refused else {"outcome": "done"}
    noted: dict[str, Any] = call.request.get(HANDED_OUT) or {}
    read = "held" in noted and not refused  # a number shown in full: an access, not a change
    action = "read_full" if read else "look" if call.looked and not refused else "change"
    about = {**await call.domain.trail_words.named(params, call.noted), **call.decided}
    await call.domain.audit.append(
        action, call.now, person_id=person.id, name=person.name,
        op=f"{ep.method} {ep.path}", params=dict(params), about=about,
        **outcome, **(noted if read else {}))


async def audit_reading(domain: Any, person: Any, request: web.Request, op: str,
                        params: Mapping[str, str], now: datetime, *, file: bool,
                        refused: str | None = None) -> None:
    """A download (`file`), or a reading its handler noted as personal data in full: an
    export holding people's personal data (an access, listed in 个人信息访问记录), a
    download holding none, the register read unmasked, another reading in full (the kinds
    it held noted). A refused download handed out nothing."""
    noted: dict[str, Any] | None = request.get(HANDED_OUT)
    held = noted or {}
    if not file and not ((held.get("full") or held.get("held")) and not refused):
        return
    if refused:
        action, held = "download", {"outcome": "refused", "error": refused}
    elif not file:
        action = "read_full" if held.get("held") else "unmask_register"
    else:  # a download whose handler noted nothing is counted as personal data: listed
        action = "download" if noted is not None and not held.get("people") \
            and not held.get("rows") else "export"
    about = await domain.trail_words.named(params) if file or action == "read_full" else {}
    await domain.audit.append(action, now, person_id=person.id, name=person.name, op=op,
                              params=dict(params), about=about, **held)


async def audit_refusal(call: Any, ep: Any, params: Mapping[str, str], code: str) -> None:
    """A refused change on the trail too; never in the way of the refusal's own answer."""
    try:
        await audit_call(call, ep, params, refused=code)
    except Exception:
        log.warning("audit: a refused %s %s was not recorded", ep.method, ep.path,
                    exc_info=True)


async def audit_denied(domain: Any, person: Any, roles: Any, op: str, now: Any, *,
                       area: str = "", page: str = "") -> None:
    """A desk person refused at another role's work (an endpoint, by its area, or a console
    page, by its menu name): on the trail, as level 3 asks of access control; an expert or
    applicant refused is not (they reach no desk work at all, and their mistakes would
    drown the desk's)."""
    if person is None or not DESK & set(roles):
        return
    try:
        await domain.audit.append("access_denied", now, person_id=person.id, name=person.name,
                                  op=op, area=area[:32], page=page, outcome="refused")
    except Exception:
        log.warning("audit: a refused access to %s was not recorded", op, exc_info=True)
