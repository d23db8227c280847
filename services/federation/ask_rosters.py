"""The 副场's roster the lending library sends (docs/federation.md, rosters): applied once
and in order to the condition it drew — who serves, who is absent and why, who arrived and
left at the 副场 — for the agency's activity page, its printed record and its day. Each
expert as the protocol allows and nothing else, capped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.draws import DrawActivity
from models.federated_draws import PeerAsk
from services.audit import AuditChain
from services.common.clock import china_time
from services.common.errors import BadInput, NotFound
from services.draws.news import AgencyNews
from services.federation.keys import Peer

EXPERTS_MAX = 50
STATES = ("serving", "absent")
ABSENCES = ("", "请假", "缺席", "现场回避", "受处理")
SHOWN = ("drawing", "done", "short")  # a condition the other library staffs
# ... or staffs before this library has heard so (its answer late or lost, its decision not
# yet asked about): its roster is the news, kept, never acknowledged and dropped
UNTOLD = ("asked", "pending", "unreachable")


def _moment(value: Any) -> str | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value)[:40])
    except ValueError:
        raise BadInput("federation.bad_request", field="experts") from None
    if moment.tzinfo is None:
        raise BadInput("federation.bad_request", field="experts")
    return moment.isoformat()


def read_roster(body: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    seq, rows = body.get("seq"), body.get("experts")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise BadInput("federation.bad_request", field="seq")
    if not isinstance(rows, list) or len(rows) > EXPERTS_MAX or not all(
            isinstance(r, dict) for r in rows):
        raise BadInput("federation.bad_request", field="experts")
    out = []
    for row in rows:
        if row.get("state") not in STATES or row.get("absence", "") not in ABSENCES:
            raise BadInput("federation.bad_request", field="experts")
        out.append({**{k: str(row.get(k, ""))[:n] for k, n in (
            ("name", 16), ("specialty", 16), ("specialty_name", 64), ("code", 8))},
            "state": row["state"], "absence": row.get("absence", ""),
            "checkin_at": _moment(row.get("checkin_at")),
            "checkout_at": _moment(row.get("checkout_at"))})
    return seq, out


class AskRosters:
    """The asking side of the rosters (the server's edge calls it): applied, and the agency
    told when a lent expert newly cannot serve (no name: the place is the other's to fill)."""

    def __init__(self, audit: AuditChain, news: AgencyNews) -> None:
        self.audit = audit
        self.news = news

    async def apply(self, peer: Peer, request_id: str, body: dict[str, Any],
                    now: datetime) -> dict[str, Any]:
        before = await PeerAsk.get_or_none(peer_code=peer.code, request_id=request_id[:40])
        said = await apply_roster(self.audit, peer, request_id, body, now)
        if before is None or not said["applied"]:
            return said
        was = {e.get("code"): e.get("state") for e in before.experts}
        after = await PeerAsk.get(id=before.id)
        for e in after.experts:
            if e["state"] == "absent" and was.get(e["code"]) != "absent":
                activity = await DrawActivity.get(id=after.activity_id)
                await self.news.tell(
                    after.activity_id, "draw.lent_absent", now, library=after.peer_name,
                    absence=e["absence"] or "缺席", eval_start=china_time(activity.eval_start))
        return said


async def apply_roster(audit: AuditChain, peer: Peer, request_id: str,
                       body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A number above the last applied replaces the condition's experts; one at or below
    changes nothing (a replay, or an answer lost on the way). A roster for a condition this
    library has not yet heard was taken is applied too: acknowledged, it is never sent
    again."""
    ask = await PeerAsk.get_or_none(peer_code=peer.code, request_id=request_id[:40])
    if ask is None:
        raise NotFound("federation.no_request")
    seq, experts = read_roster(body)
    if seq <= ask.roster_seq or ask.status not in SHOWN + UNTOLD or ask.release:
        return {"request_id": ask.request_id, "seq": max(seq, ask.roster_seq),
                "applied": False}
    if not await PeerAsk.filter(id=ask.id, roster_seq=ask.roster_seq).update(
            roster_seq=seq, experts=experts):
        return {"request_id": ask.request_id, "seq": seq, "applied": False}
    await audit.append("federation", now, person_id=0, peer=ask.peer_code,
                       peer_name=ask.peer_name, what="ask_roster", request=ask.request_id,
                       activity=ask.activity_id, seq=seq)
    return {"request_id": ask.request_id, "seq": seq, "applied": True}
