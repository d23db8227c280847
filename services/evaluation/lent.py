"""The experts another library lent to an evaluation here (FG-807: one committee from two
libraries), as the score analysis meets them: known here only by their verification code and
the name the lending library told (masked), never a person or an invitation of ours. What
the analysis finds about one is proposed here like any other; once the agency confirms it,
it travels to the lending library with the agency's reason, with the evaluation's changes
(services/federation/ask_updates.py), and becomes a proposal there on the expert's own
record, where the expert replies and appeals. This side keeps only the code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.draws import DrawActivity
from models.evaluation.scores import RecordProposal
from models.federated_draws import PeerAsk
from services.draws.facts import Family

SHOWN = ("done", "short")  # the other library's draw ended: its experts are the committee's


async def lent_codes(activity: DrawActivity, codes: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The lent experts among the codes: {code: {code, name, library, ask}}."""
    out: dict[str, dict[str, Any]] = {}
    for ask in await PeerAsk.filter(activity_id__in=await Family.family(activity),
                                    status__in=SHOWN, release=""):
        for e in ask.experts:
            code = str(e.get("code", ""))
            if code in codes:
                out[code] = {"code": code, "name": str(e.get("name", "")),
                             "library": ask.peer_name, "ask": ask.id}
    return out


def key_of(p: RecordProposal) -> str:
    """Whose proposal: our invitation's id, or "lent:<code>" for a lent expert."""
    lent = p.detail.get("lent")
    return f"lent:{lent['code']}" if isinstance(lent, dict) else str(p.invitation_id)


async def send_home(p: RecordProposal, mark_name: str, now: datetime) -> None:
    """A confirmed proposal about a lent expert kept to go with the evaluation's changes
    (sent once: the same proposal again replaces itself)."""
    lent = p.detail.get("lent")
    if not isinstance(lent, dict):
        return
    ask = await PeerAsk.get_or_none(id=int(lent["ask"]))
    if ask is None:
        return
    code = str(lent["code"])
    sent = {"id": p.id, "kind": p.kind,
            "detail": {k: v for k, v in p.detail.items() if k != "lent"},
            "mark": p.mark, "mark_name": mark_name, "reason": p.reason,
            "at": now.isoformat()}
    mine = [x for x in (ask.proposals or {}).get(code, []) if x.get("id") != p.id]
    await PeerAsk.filter(id=ask.id).update(
        proposals={**(ask.proposals or {}), code: [*mine, sent]})
