"""The asking agency's performance records of the experts another library drew for its 副场
(CK-198: the agency records each expert's performance; FG-807: one evaluation in two places):
kept by the expert's verification code and sent with the evaluation's changes; the lending
library writes them on its experts' own records, where they reply and appeal at home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.federated_draws import PeerAsk
from services.audit import AuditChain
from services.common.errors import BadInput, NotFound
from services.standing import ConductCatalogue

SCORE = (0, 100)  # 百分制, as our own records
TEXT_MAX = 500
SHOWN = ("done", "short")


@dataclass(frozen=True)
class LentExpert:
    code: str
    name: str  # masked, as the other library told
    library: str
    absent: bool
    absence: str
    record: dict[str, Any] | None


class AskRecords:
    def __init__(self, audit: AuditChain) -> None:
        self.audit = audit

    @staticmethod
    async def lent(activity_id: int) -> list[LentExpert]:
        """The lent experts of the activity, each with the agency's record if made."""
        out = []
        for ask in await PeerAsk.filter(activity_id=activity_id, status__in=SHOWN,
                                        release="").order_by("id"):
            for e in ask.experts:
                code = str(e.get("code", ""))
                out.append(LentExpert(code, str(e.get("name", "")), ask.peer_name,
                                      e.get("state") == "absent", str(e.get("absence") or ""),
                                      (ask.records or {}).get(code)))
        return out

    async def record(self, activity_id: int, code: str, late: bool, left_early: bool,
                     conduct: list[str], score: int | None, comment: str, now: datetime,
                     person_id: int) -> LentExpert:
        """The agency's record of one lent expert, checked as its own experts' are (an
        absence registered there is the record: no ticks, no score)."""
        found = [(a, e) for a in await PeerAsk.filter(activity_id=activity_id,
                                                      status__in=SHOWN, release="")
                 for e in a.experts if str(e.get("code", "")) == code]
        if not found:
            raise NotFound("performance.not_served")
        ask, expert = found[0]
        absent = expert.get("state") == "absent"
        if absent:
            late, left_early, conduct, score = False, False, [], None
        elif score is None:
            raise BadInput("performance.score_required", least=SCORE[0], most=SCORE[1])
        elif not SCORE[0] <= score <= SCORE[1]:
            raise BadInput("performance.score", least=SCORE[0], most=SCORE[1])
        comment = " ".join(comment.split())
        if len(comment) > TEXT_MAX:
            raise BadInput("performance.too_long", most=TEXT_MAX)
        known = {i.code: i.name for i in await ConductCatalogue.items(active_only=True)}
        if any(c not in known for c in conduct):
            raise BadInput("performance.conduct_unknown")
        record = {"late": late, "left_early": left_early,
                  "conduct": [{"code": c, "name": known[c]} for c in dict.fromkeys(conduct)],
                  "score": score, "comment": comment, "absent": absent}
        await PeerAsk.filter(id=ask.id).update(records={**(ask.records or {}), code: record})
        await self.audit.append("federation", now, person_id=person_id, peer=ask.peer_code,
                                peer_name=ask.peer_name, what="ask_record",
                                request=ask.request_id, activity=ask.activity_id)
        return LentExpert(code, str(expert.get("name", "")), ask.peer_name, absent,
                          str(expert.get("absence") or ""), record)
