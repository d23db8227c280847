"""GD-DRAW's table of conditions (抽取条件设置): for each condition its planned count
(计划需要抽取人数), the number still needed (实际需要人数), the experts who agreed (同意参评
人数), whether it is a supplementary draw's (补抽) and its state (状态) — counts only, never
names. An expert registered absent still counts as agreed, so no count moves when an absence
is registered (services/draws/news/counts.py says why); a 补抽's conditions are listed
under its evaluation once the results unseal, as the 补抽 itself is (seal.check_hidden)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tortoise.functions import Count

from models.draws import (
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
)
from services.draws.facts.seal import SUPPLEMENT, Seal

NOT_STARTED = (DrawStatus.DRAFT, DrawStatus.REFUSED, DrawStatus.SUBMITTED, DrawStatus.VERIFIED)
AGREED = (InvitationStatus.CONFIRMED, InvitationStatus.ABSENT)
# a condition's state in the table (texts/words/condition_state.j2)
ConditionState = Literal["new", "drawing", "full", "short", "ended", "withdrawn", "cancelled"]


@dataclass(frozen=True)
class ConditionProgress:
    agreed: int  # 同意参评人数
    needed: int  # 实际需要人数: still to be found
    supplement: bool  # 补抽
    state: str  # texts/words/condition_state.j2


def state_of(status: str, condition: Condition, agreed: int) -> str:
    """新建 before the draw, 已满足 once full, 人数不足 when the pools ran out, else the
    draw's own state."""
    if status in NOT_STARTED:
        return "new"
    if status in (DrawStatus.WITHDRAWN, DrawStatus.CANCELLED):
        return str(status)
    if agreed >= condition.planned:
        return "full"
    if condition.exhausted:
        return "short"
    return "ended" if status == DrawStatus.ENDED else "drawing"


class ConditionTable:
    """GD-DRAW's table of conditions: counts only, never names."""

    @staticmethod
    async def agreed_in(conditions: list[Condition]) -> dict[int, int]:
        """The experts who agreed, by condition (one query; none for no conditions)."""
        if not conditions:
            return {}
        return {int(k): int(n) for k, n in await Invitation.filter(
            condition_id__in=[c.id for c in conditions], status__in=list(AGREED)).annotate(
            n=Count("id")).group_by("condition_id").values_list("condition_id", "n")}

    @staticmethod
    def progress_of(activities: list[DrawActivity], conditions: list[Condition],
                    agreed: dict[int, int]) -> dict[int, ConditionProgress]:
        """Each condition's row (by condition id), from the counts of agreed experts."""
        kinds = {a.id: a for a in activities}
        out = {}
        for c in conditions:
            owner = kinds[c.activity_id]
            n = int(agreed.get(c.id, 0))
            out[c.id] = ConditionProgress(n, max(c.planned - n, 0), owner.kind == SUPPLEMENT,
                                          state_of(owner.status, c, n))
        return out

    @staticmethod
    async def supplements_shown(activity: DrawActivity, now: datetime
                                ) -> tuple[list[DrawActivity], list[Condition]]:
        """The 补抽 under this evaluation and their conditions, once the results unseal."""
        if activity.kind == SUPPLEMENT or Seal.check_sealed(activity, now):
            return [], []
        children = await DrawActivity.filter(parent_id=activity.id, kind=SUPPLEMENT).exclude(
            status=DrawStatus.CANCELLED)
        conditions = await Condition.filter(activity_id__in=[c.id for c in children]).order_by(
            "id") if children else []
        return list(children), list(conditions)
