"""The agency asks the committee to re-check its scores while the report is unsigned
(GPL-87-64, Art. 45 (八): the agency "核对评标结果，有本办法第六十四条规定情形的，要求评标委员会
复核或者书面说明理由"): what the analysis found — each objective score that differs from the
committee's and each deviation, by the expert's verification code, never a name — with the
agency's words, pushed signed to the evaluation system that posted the table (`POST
{address}/reviews/{activity_id}`), again after 15 s doubling up to 10 minutes until it
answers `{"review": n, "received": true}`, and no more once the report is signed. The
committee answers with a correction (corrections.py) or its written reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.draws import DrawActivity, Invitation
from models.evaluation.scores import RecordProposal, ScoreReview, ScoreTable
from models.evaluation.systems import EvaluationSystem
from services.audit import AuditChain
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict
from services.common.pending import Pending
from services.draws.facts import Actor, Family
from services.evaluation.trust import SystemTrust, peer_of
from services.evaluation.watch import CLAIM, SystemClient, backoff
from services.federation import PeerRefused, PeerUnavailable

REASON_MAX = 200
FLAGGED = ("objective", "deviation")  # the analysis' kinds a re-check is asked about


async def flagged(activity: DrawActivity) -> list[dict[str, Any]]:
    """What stood out in the evaluation's current table, as the system is told it."""
    # what the agency dismissed with a reason is not asked about again
    proposals = await RecordProposal.filter(activity_id=activity.id, kind__in=FLAGGED
                                            ).exclude(status="dismissed").order_by("id")
    codes = dict(await Invitation.filter(id__in={p.invitation_id for p in proposals}
                                         ).values_list("id", "code"))
    return [{"expert": str(codes.get(p.invitation_id) or ""), "kind": p.kind,
             "bidder": s["bidder"], "criterion": s["criterion"], "value": s["value"],
             "median": s["median"]} for p in proposals for s in p.detail.get("scores", [])]


class ScoreReviews:
    # `sweep`'s own filter (services/common/pending.py): a request not acknowledged, due
    PENDING = Pending("score_reviews", "EXISTS (SELECT 1 FROM evaluation_score_review "
                                       "WHERE acked_at IS NULL AND next_at <= ?)")

    def __init__(self, trust: SystemTrust, audit: AuditChain,
                 client: SystemClient | None = None) -> None:
        self.trust = trust
        self.audit = audit
        self.client = client

    @staticmethod
    async def ask(activity: DrawActivity, reason: str, actor: Actor, now: datetime
                  ) -> ScoreReview:
        """The agency's request, refused in words: no table yet, the report signed, nothing
        that stood out, an earlier request not yet received, no reason."""
        root = await Family.root_of(activity)
        kept = await ScoreTable.get_or_none(activity_id=root.id)
        if kept is None:
            raise Conflict("evaluation.no_table")
        if kept.signed_at is not None:
            raise Conflict("evaluation.report_signed", signed=china_time(kept.signed_at))
        why = " ".join(reason.split())
        if not why or len(why) > REASON_MAX:
            raise BadInput("evaluation.reason_required", most=REASON_MAX)
        if await ScoreReview.exists(activity_id=root.id, acked_at=None):
            raise Conflict("evaluation.review_pending")
        items = await flagged(root)
        if not items:
            raise Conflict("evaluation.nothing_to_review")
        number = await ScoreReview.filter(activity_id=root.id).count() + 1
        return await ScoreReview.create(
            activity_id=root.id, system_id=kept.system_id, number=number, items=items,
            reason=why, asked_by=actor.person_id, asked_at=now, next_at=now)

    @staticmethod
    async def of(activity: DrawActivity) -> list[ScoreReview]:
        root = await Family.root_of(activity)
        return list(await ScoreReview.filter(activity_id=root.id).order_by("id"))

    async def sweep(self, now: datetime) -> int:
        """Send the requests due; how many were sent."""
        sent = 0
        for review in await ScoreReview.filter(acked_at=None, next_at__lte=now
                                               ).order_by("id").limit(50):
            kept = await ScoreTable.get_or_none(activity_id=review.activity_id)
            if kept is None or kept.signed_at is not None:  # signed: too late to re-check
                await ScoreReview.filter(id=review.id).update(
                    next_at=None, last_error="评标报告已签署，复核要求未送达")
                continue
            system = await EvaluationSystem.get_or_none(id=review.system_id, active=True)
            if system is None or not system.url or self.client is None or not self.trust.on:
                continue
            if not await ScoreReview.filter(id=review.id, next_at=review.next_at).update(
                    next_at=now + CLAIM):
                continue  # another worker's sweep has it
            await self._send(system, review, now)
            sent += 1
        return sent

    async def _send(self, system: EvaluationSystem, review: ScoreReview,
                    now: datetime) -> None:
        assert self.client is not None
        call = self.client(self.trust.trust_for(system))
        body = {"review": review.number, "activity_id": review.activity_id,
                "asked_at": review.asked_at.isoformat(), "reason": review.reason,
                "items": review.items}
        try:
            answer = await call(peer_of(system), "POST", f"/reviews/{review.activity_id}",
                                int(now.timestamp()), None, body)
            if answer.get("review") != review.number or answer.get("received") is not True:
                raise PeerUnavailable("answer without the review's number")
        except (PeerUnavailable, PeerRefused) as exc:
            await ScoreReview.filter(id=review.id).update(
                tries=review.tries + 1, next_at=now + backoff(review.tries),
                last_error=str(exc)[:200])
            return
        await ScoreReview.filter(id=review.id).update(acked_at=now, next_at=None,
                                                      last_error="")
        await self.audit.append("evaluation", now, peer=system.code, peer_name=system.name,
                                what="review_sent", activity=review.activity_id,
                                review=review.number)
