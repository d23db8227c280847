"""Desk actions into the audit trail (services/audit/chain.py): each change (any call
but a GET) and each export (a file download) made by a person holding a desk role, through
the API or the console alike, with the operation and its path values — never a body, which
may carry personal data."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from models.people import DESK_ROLES

log = logging.getLogger("expertbot.audit")

DESK = DESK_ROLES


async def audit_call(call: Any, ep: Any, params: Mapping[str, str],
                     refused: str | None = None) -> None:
    """One entry for a desk's change or export (`call`, `ep`: the framework's Call and
    Endpoint, which import this module), with its outcome (GB/T 22239-2019 安全审计 b):
    "事件是否成功"): done, or refused with the refusal's code."""
    person = call.caller.person
    if person is None or not call.caller.has(*DESK):
        return
    if ep.method == "GET" and not ep.files:
        return
    outcome = {"outcome": "refused", "error": refused} if refused else {"outcome": "done"}
    await call.domain.audit.append(
        "export" if ep.method == "GET" else "change", call.now, person_id=person.id,
        name=person.name, op=f"{ep.method} {ep.path}", title=ep.summary[:60],
        params=dict(params), **outcome)


async def audit_refusal(call: Any, ep: Any, params: Mapping[str, str], code: str) -> None:
    """A refused change on the trail too; never in the way of the refusal's own answer."""
    try:
        await audit_call(call, ep, params, refused=code)
    except Exception:
        log.warning("audit: a refused %s %s was not recorded", ep.method, ep.path,
                    exc_info=True)


async def audit_denied(domain: Any, person: Any, roles: Any, op: str, title: str,
                       now: Any) -> None:
    """A desk person refused at another role's work (an endpoint or a console page): on the
    trail, as level 3 asks of access control; an expert or applicant refused is not (they
    reach no desk work at all, and their mistakes would drown the desk's)."""
    if person is None or not DESK & set(roles):
        return
    try:
        await domain.audit.append("access_denied", now, person_id=person.id, name=person.name,
                                  op=op, title=title[:60], outcome="refused")
    except Exception:
        log.warning("audit: a refused access to %s was not recorded", op, exc_info=True)
