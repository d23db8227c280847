"""After a draw (GD-DRAW): absence and the supplementary draw
(services/draws/followups/absences.py), withdrawal (services/draws/followups/withdrawals.py),
and re-draw (重新抽取) and re-evaluation (复评) as new activities to be verified again."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models import column
from models.draws import (
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Section,
)
from services.common.errors import ClosedWindow, Conflict
from services.draws.facts.family import family
from services.draws.facts.oplog import Actor, record
from services.draws.followups.absences import ABSENCE_KINDS
from services.draws.followups.sealed import SealedRequests
from services.draws.followups.supplements import supplement_time_default
from services.draws.followups.withdrawal_report import withdrawal_follow_up
from services.draws.followups.withdrawals import BY_VOICE, MAX_WITHDRAWAL_NOTICES, Withdrawals
from services.draws.setup.activities import require_time_order

__all__ = ["ABSENCE_KINDS", "BY_VOICE", "MAX_WITHDRAWAL_NOTICES", "DrawFollowups"]


class DrawFollowups(SealedRequests, Withdrawals):
    """What follows a draw: absences and 补抽, withdrawal, re-draw and 复评."""

    withdrawal_follow_up = staticmethod(withdrawal_follow_up)  # each expert's notice
    supplement_time_default = staticmethod(supplement_time_default)

    async def clone(self, activity: DrawActivity, kind: str, times: dict[str, datetime],
                    now: datetime, actor: Actor) -> DrawActivity:
        """重新抽取 (the original experts avoided) or 复评 (the original experts invited): a
        new activity with new times, to be verified again."""
        if kind == "redraw" and activity.status not in (DrawStatus.ENDED,
                                                        DrawStatus.WITHDRAWN):
            raise Conflict("draw.redraw_not_ended")
        if kind == "reeval" and activity.status != DrawStatus.ENDED:
            raise Conflict("draw.reeval_not_ended")
        if kind == "reeval" and activity.finished_at is None and now < activity.eval_end:
            # 复评 re-evaluates an evaluation held (GD-DRAW: "复评 / 通知原专家")
            raise ClosedWindow("draw.reeval_before_evaluation", eval_end=activity.eval_end)
        require_time_order(times["bid_open_at"], times["eval_start"], times["eval_end"], now)
        async with in_transaction():
            child = await self._clone(activity, kind, DrawStatus.DRAFT, times,
                                      shift=times["eval_start"] - activity.eval_start)
            await Section.filter(activity_id=activity.id).update(activity_id=child.id)
            if kind == "redraw":
                original = await column(Invitation.filter(
                    activity_id__in=await family(activity),
                    status__in=[InvitationStatus.CONFIRMED, InvitationStatus.ABSENT]
                ), "expert_id")
                await self._avoid_experts(child, set(original), "原抽取专家")
            await record(activity, actor, kind, now, child=child.id)
        return child

