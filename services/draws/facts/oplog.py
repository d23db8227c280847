"""The operation log of every draw activity (GD-DRAW keeps 操作记录 and 审核记录): who did
what to a draw, when, and why where the seed asks for a reason (pause and force end, a
refusal, a withdrawal). Each entry is written in the transaction of the change it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.draws import ActorRole, DrawActivity, DrawLog
from services.common.errors import BadInput
from services.common.metrics import DRAW_EVENTS
from services.common.pii import mask_name
from services.draws.facts.family import Family

# every action the log knows (its words: texts/draw/action.j2)
ACTIONS = frozenset({
    "submit", "take_back", "verify", "refuse", "start", "pause", "resume", "force_end",
    "gathering", "absence", "absence_phone", "supplement", "redraw", "reeval", "withdrawal_request",
    "withdrawal_take_back", "withdrawal_approve", "withdrawal_refuse", "urge", "auto_urge",
    "auto_absence", "manual_outcome", "cancel", "fee", "not_arrived", "absence_undo",
    "withdrawal_start", "supplement_request", "supplement_start", "virtual_call", "call_outcome",
    "recall_start", "recall_submit", "performance", "performance_review", "performance_due",
    "fee_channel", "payout", "payout_cancel", "payout_result", "payout_account_ask",
    "payout_account_read", "payout_account_paid", "sanction_release", "kin_release",
    "funding_submit", "fee_forfeit",
    "funding_approve", "funding_return", "funding_pay", "funding_paid_apart",
    "staff_checkout", "staff_checkin", "urgency_ask", "urgency_drop"})
# (auto_absence: the entries of the time absence was inferred from the clock, kept as they are)


@dataclass(frozen=True)
class Actor:
    """Who acts: a person in a role, or the system."""

    role: ActorRole
    person_id: int | None
    name: str

    @property
    def shown(self) -> str:
        return mask_name(self.name) if self.person_id is not None else self.name


SYSTEM = Actor("system", None, "系统")


def require_reason(reason: str, code: str) -> str:
    """The reason an action must give (BadInput `code` without one), trimmed to 200."""
    why = reason.strip()
    if not why:
        raise BadInput(code)
    return why[:200]


class OperationLog:
    """The log as the contexts above draws write to it (experts' fees): their actions are
    listed in ACTIONS like the draw's own."""

    SYSTEM = SYSTEM

    @staticmethod
    async def write(activity: DrawActivity | int, actor: Actor, action: str, now: datetime,
                    reason: str | None = None, **detail: Any) -> DrawLog:
        """One entry; call it inside the change's transaction."""
        return await OperationLog.record(activity, actor, action, now, reason, **detail)

    @staticmethod
    async def record(activity: DrawActivity | int, actor: Actor, action: str, now: datetime,
                     reason: str | None = None, **detail: Any) -> DrawLog:
        """One entry; call it inside the change's transaction."""
        assert action in ACTIONS, action
        activity_id = activity if isinstance(activity, int) else activity.id
        DRAW_EVENTS.labels(action).inc()
        return await DrawLog.create(activity_id=activity_id, at=now, role=actor.role,
                                    actor_id=actor.person_id, actor_name=actor.shown,
                                    action=action, reason=reason or None, detail=detail)

    @staticmethod
    async def log_of(activity: DrawActivity) -> list[DrawLog]:
        """The log of the evaluation: the activity and its supplementary draws, oldest first."""
        return await DrawLog.filter(activity_id__in=await Family.family(activity)).order_by("at",
                                                                                            "id")

    @staticmethod
    async def log_export(activity: DrawActivity) -> list[dict[str, Any]]:
        """The log as the audit export carries it."""
        return [{"activity_id": e.activity_id, "at": e.at.isoformat(), "role": e.role,
                 "actor": e.actor_name, "action": e.action, "reason": e.reason,
                 "detail": e.detail} for e in await OperationLog.log_of(activity)]
