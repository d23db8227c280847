"""Withdrawal (退选, GD-DRAW): "因流标、不能预见、不能避免并不能克服的客观情况等不可抗力原因导致
评标不能如期开展的，可进行退选专家操作" — asked at least 5 hours before the evaluation starts,
with a reason and evidence, verified by the trading centre; then 启动退选 tells every expert
(calls, SMS, the chat), who acknowledges; outcomes the agency obtained another way are
recorded by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import column
from models.draw_evidence import DrawEvidence
from models.draws import (
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Section,
)
from services.common.clock import china_time
from services.common.errors import ClosedWindow, Conflict, NotFound
from services.draws.facts.family import Family, serving_seen
from services.draws.facts.oplog import Actor, OperationLog, require_reason
from services.draws.news.agency_news import notify_agency
from services.draws.news.notices import answer_params
from services.draws.running.calls import cancel_calls
from services.draws.setup.evidence import notify_verifiers, require_evidence
from services.notifications import Change, Outbox

WITHDRAW_MIN = timedelta(hours=5)  # 退选 only if the evaluation starts at least 5 h later
MAX_WITHDRAWAL_NOTICES = 3
BY_VOICE = "voice"  # acknowledged_by of a withdrawal notice whose call was answered
RENOTIFY_AFTER = timedelta(minutes=10)
# who is told: every expert who confirmed, one registered absent too (true for them, and the
# counts the agency sees stay those of the draw: docs/seal.md)
TOLD = (InvitationStatus.CONFIRMED, InvitationStatus.ABSENT)


async def _withdraw(activity: DrawActivity, now: datetime, *saved: str) -> None:
    """The activity and its 补抽s withdrawn, their open invitations cancelled (and their
    calls), its sections free to be drawn again; `saved`: more fields set by the caller."""
    activity.status, activity.ended_at, activity.end_reason = \
        DrawStatus.WITHDRAWN, now, "withdrawn"
    await activity.save(update_fields=["status", "ended_at", "end_reason", *saved])
    ids = await Family.family(activity)
    await DrawActivity.filter(id__in=ids[1:]).exclude(status=DrawStatus.WITHDRAWN).update(
        status=DrawStatus.WITHDRAWN, ended_at=now, end_reason="withdrawn")
    still_open = await column(Invitation.filter(activity_id__in=ids,
                                                status=InvitationStatus.SENT), "id")
    await Invitation.filter(id__in=still_open).update(status=InvitationStatus.CANCELLED)
    for invitation_id in still_open:  # no "请按键" call after the withdrawal
        await cancel_calls(invitation_id)
    await Section.filter(activity_id=activity.id).update(activity_id=None)


class Withdrawals:
    """退选: asked, verified, started, told, acknowledged and followed up."""

    def __init__(self, outbox: Outbox, answer_link: Callable[[int], str] | None = None
                 ) -> None:
        self.outbox = outbox
        self.answer_link = answer_link  # the invitation's answer page, in the notice

    async def request_withdrawal(self, activity: DrawActivity, reason: str,
                                 now: datetime, actor: Actor, terminal: str = ""
                                 ) -> DrawActivity:
        """The request with its reason and evidence, to the trading centre chosen (GD-DRAW:
        "填写退选原因并上传证明材料至抽取终端审核"; `terminal`: a centre offered for the
        project, setup/terminals.py's chosen_terminal, "" to keep the activity's): that
        centre's verifiers are told and decide it."""
        if activity.status not in (DrawStatus.VERIFIED, DrawStatus.DRAWING,
                                   DrawStatus.PAUSED, DrawStatus.ENDED):
            raise Conflict("draw.not_withdrawable")
        self._require_withdrawal_time(activity, now)
        why = require_reason(reason, "draw.withdrawal_reason")
        if activity.withdraw_requested_at is not None:
            raise Conflict("draw.withdrawal_pending")
        await require_evidence(activity, "withdrawal")
        async with self.outbox.change(now) as change:
            activity.withdraw_reason, activity.withdraw_requested_at = why, now
            activity.terminal = terminal or activity.terminal
            await activity.save(update_fields=["withdraw_reason", "withdraw_requested_at",
                                               "terminal"])
            await OperationLog.record(activity, actor, "withdrawal_request", now, why)
            await notify_verifiers(change, activity, "withdrawal")
        return activity

    async def take_back_withdrawal(self, activity: DrawActivity, now: datetime,
                                   actor: Actor) -> DrawActivity:
        """The agency takes back a withdrawal request the verifier has not decided."""
        if activity.withdraw_requested_at is None or activity.status == DrawStatus.WITHDRAWN:
            raise Conflict("draw.no_withdrawal_request")
        async with in_transaction():
            activity.withdraw_requested_at = None
            await activity.save(update_fields=["withdraw_requested_at"])
            await DrawEvidence.filter(activity_id=activity.id, purpose="withdrawal").delete()
            await OperationLog.record(activity, actor, "withdrawal_take_back", now)
        return activity

    async def refuse_withdrawal(self, activity_id: int, actor: Actor, reason: str,
                                now: datetime) -> DrawActivity:
        """The verifier refuses, saying why: the activity goes on, the agency is told."""
        why = require_reason(reason, "verify.reason_required")
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.withdraw_requested_at is None or activity.status == DrawStatus.WITHDRAWN:
                raise Conflict("draw.no_withdrawal_request")
            activity.withdraw_requested_at = None
            await activity.save(update_fields=["withdraw_requested_at"])
            await OperationLog.record(activity, actor, "withdrawal_refuse", now, why)
            await notify_agency(change, activity, "draw.withdrawal_refused", reason=why)
        return activity

    @staticmethod
    def _require_withdrawal_time(activity: DrawActivity, now: datetime) -> None:
        if activity.eval_start - now < WITHDRAW_MIN:
            raise ClosedWindow("draw.withdrawal_too_late", eval_start=activity.eval_start,
                               hours=int(WITHDRAW_MIN.total_seconds() // 3600))

    async def approve_withdrawal(self, activity_id: int, actor: Actor,
                                 now: datetime) -> DrawActivity:
        """Verified: the activity and its supplementary draws are withdrawn (their experts'
        time free for other draws at once), open invitations cancelled, and the agency told
        to start the notices (启动退选). The 5-hour rule was checked when the agency asked: a
        verifier deciding later does not undo a timely request, but once the evaluation has
        begun nothing is withdrawn (the experts came and serve; their fees stay fees): the
        verifier is told the agency registers absences instead."""
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.withdraw_requested_at is None or activity.status == DrawStatus.WITHDRAWN:
                raise Conflict("draw.no_withdrawal_request")
            if now >= activity.eval_start:
                raise ClosedWindow("draw.withdrawal_after_start",
                                   eval_start=activity.eval_start)
            activity.verifier_id = actor.person_id
            await OperationLog.record(activity, actor, "withdrawal_approve", now)
            await _withdraw(activity, now, "verifier_id")
            await notify_agency(change, activity, "draw.withdrawn",
                                reason=activity.withdraw_reason or "")
        return activity

    async def release_for_asker(self, activity_id: int, reason: str, now: datetime,
                                actor: Actor) -> int:
        """Another library's draw made here is no longer wanted there (its condition drawn
        there instead, its evaluation withdrawn): withdrawn as a 退选 is, without the 5-hour
        rule (the asking library decided), and every expert who confirmed told at once with
        the reason and asked to acknowledge (renotified as any 退选). Once: asked again, it
        answers how many were told."""
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.status != DrawStatus.WITHDRAWN:
                activity.withdraw_reason, activity.withdrawal_started_at = reason[:200], now
                await _withdraw(activity, now, "withdraw_reason", "withdrawal_started_at")
                for item in await Family.serving(activity, *TOLD):
                    await self._tell(change, activity, item)
                await OperationLog.record(activity, actor, "withdrawal_start", now, reason[:200])
            return len(await Family.serving(activity, *TOLD))

    async def start_withdrawal(self, activity: DrawActivity, now: datetime,
                               actor: Actor) -> DrawActivity:
        """启动退选 (GD-DRAW: "核验通过后系统上点击“启动退选”即会对应拨打专家电话"): every
        expert who confirmed for the evaluation or its 补抽s is told (a call, an SMS, the
        chat) and asked to acknowledge; once."""
        async with self.outbox.change(now) as change:
            locked = await DrawActivity.select_for_update().get(id=activity.id)
            if locked.status != DrawStatus.WITHDRAWN:
                raise Conflict("draw.not_withdrawn")
            if locked.withdrawal_started_at is not None:
                raise Conflict("draw.withdrawal_started", at=locked.withdrawal_started_at)
            locked.withdrawal_started_at = now
            await locked.save(update_fields=["withdrawal_started_at"])
            for item in await Family.serving(locked, *TOLD):
                await self._tell(change, locked, item)
            await OperationLog.record(locked, actor, "withdrawal_start", now)
        return locked

    async def _tell(self, change: Change, activity: DrawActivity, item: Invitation) -> None:
        item.withdrawal_notices += 1
        await item.save(update_fields=["withdrawal_notices"])
        await change.notify("draw.cancelled", {
            "eval_start": china_time(activity.eval_start), "reason": activity.withdraw_reason
            or "不可抗力", "attempt": str(item.withdrawal_notices), "invitation": str(item.id),
            **answer_params(self.answer_link, item.id)},
            person_id=item.person_id)

    async def acknowledge(self, person_id: int, now: datetime) -> Invitation | None:
        """The expert's 收到 in chat: the withdrawal notice was delivered."""
        item = await Invitation.filter(person_id=person_id, status__in=list(TOLD),
                                       activity__status=DrawStatus.WITHDRAWN,
                                       acknowledged_at=None).order_by("-id").first()
        if item is not None:
            item.acknowledged_at = now
            await item.save(update_fields=["acknowledged_at"])
        return item

    @staticmethod
    async def acknowledge_invitation(invitation_id: int, person_id: int, now: datetime,
                                     by: str | None = None) -> bool:
        """This invitation's withdrawal notice reached the expert: 收到 on its page (`by`
        None), or its call answered (BY_VOICE; GD-DRAW: 接听电话后...语音通知状态显示为
        “已送达”...系统将自动将该专家退选状态调整为“已确认”)."""
        item = await Invitation.get_or_none(id=invitation_id, person_id=person_id,
                                            acknowledged_at=None).prefetch_related("activity")
        if item is None or item.activity.status != DrawStatus.WITHDRAWN:
            return False
        return bool(await Invitation.filter(id=item.id, acknowledged_at=None).update(
            acknowledged_at=now, acknowledged_by=by))

    async def renotify(self, now: datetime) -> int:
        """Up to 3 notices, 10 minutes apart, to experts who have not acknowledged."""
        sent = 0
        for item in await Invitation.filter(
                status__in=list(TOLD), activity__status=DrawStatus.WITHDRAWN,
                acknowledged_at=None, withdrawal_notices__gte=1,
                withdrawal_notices__lt=MAX_WITHDRAWAL_NOTICES
        ).prefetch_related("activity").limit(200):
            started = (await Family.root_of(item.activity)).withdrawal_started_at
            if started and now >= started + RENOTIFY_AFTER * item.withdrawal_notices:
                async with self.outbox.change(now) as change:
                    await self._tell(change, item.activity, item)
                sent += 1
        return sent

    async def record_outcome(self, activity: DrawActivity, invitation_id: int, note: str,
                             now: datetime, actor: Actor) -> Invitation:
        """The agency reached an expert another way (by phone, say): the notice counts as
        acknowledged, with who recorded it and when."""
        why = require_reason(note, "draw.outcome_note")[:100]
        if activity.status != DrawStatus.WITHDRAWN:
            raise Conflict("draw.not_withdrawn")
        item = next((r for r in await Family.serving(activity, *TOLD) if r.id == invitation_id),
                    None)
        if item is None:
            raise NotFound("urge.not_in_activity")
        if item.acknowledged_at is not None:
            raise Conflict("draw.already_acknowledged", at=item.acknowledged_at)
        async with in_transaction():
            item.acknowledged_at, item.acknowledged_by = now, actor.shown
            item.acknowledged_note = why
            await item.save(update_fields=["acknowledged_at", "acknowledged_by",
                                           "acknowledged_note"])
            await OperationLog.record(activity, actor, "manual_outcome", now, why,
                                      invitation=item.id)
        return item

    async def withdrawal_status(self, activity: DrawActivity, now: datetime
                                ) -> tuple[int, int]:
        """(delivered, undelivered) withdrawal notices: counts only, never names."""
        rows = [r.acknowledged_at for r in await serving_seen(activity, now, *TOLD)]
        delivered = sum(1 for r in rows if r is not None)
        return delivered, len(rows) - delivered
