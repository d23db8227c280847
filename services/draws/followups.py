"""After a draw (GD-DRAW): absence and leave registration, the supplementary draw (补抽),
re-draw (重新抽取) and re-evaluation (复评) as clones, and withdrawal (退选) with a notice every
expert acknowledges in chat."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import column
from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawEvidence,
    DrawLog,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    Section,
)
from models.people import Person
from services.common.clock import china_time
from services.common.errors import BadInput, ClosedWindow, Conflict, Locked, NotFound
from services.draws.calls import cancel_calls
from services.draws.engine import DrawEngine
from services.draws.evidence import notify_verifiers, require_evidence
from services.draws.family import family, open_places, serving
from services.draws.notices import answer_params, notice_contact, notice_of
from services.draws.oplog import Actor, record, require_reason
from services.draws.seal import check_sealed
from services.draws.setup import notify_agency, require_cities, require_time_order
from services.notifications.outbox import Change, Outbox

WITHDRAW_MIN = timedelta(hours=5)  # 退选 only if the evaluation starts at least 5 h later
MAX_WITHDRAWAL_NOTICES = 3
BY_VOICE = "voice"  # acknowledged_by of a withdrawal notice whose call was answered
# registrations by phone before the results unseal, per activity
PHONE_ATTEMPTS, PHONE_ATTEMPTS_PER = 5, timedelta(hours=1)
# GD-DRAW: leave, absence, and an avoidance found at the venue
ABSENCE_KINDS = ("请假", "缺席", "现场回避")
RENOTIFY_AFTER = timedelta(minutes=10)
NOTICE_FIELDS = ("venue", "city", "district", "street", "room", "gather_at", "contact_name",
                 "contact_phone", "notes")
CONDITION_FIELDS = ("region_mode", "regions", "main_specialty", "alternate_specialty",
                    "title_level", "qualification", "industry", "planned")


class DrawFollowups:
    def __init__(self, outbox: Outbox, engine: DrawEngine) -> None:
        self.outbox = outbox
        self.engine = engine

    # -- absence and the supplementary draw ------------------------------------------------
    async def register_absence(self, activity: DrawActivity, key: str, kind: str,
                               now: datetime, actor: Actor) -> Invitation | None:
        """An expert who will not come (请假 / 缺席 / 现场回避), found by verification code or
        by phone (GD-DRAW). By phone before the results unseal, the answer is the same
        whether or not the phone is a confirmed expert's (None): it takes effect only if it
        is, that expert is told at once (a false registration is caught), attempts are
        limited and every one is logged. So the seal holds."""
        if kind not in ABSENCE_KINDS:
            raise BadInput("draw.absence_kind")
        key = key.strip()
        by_phone = key.isdigit() and len(key) == 11
        sealed = by_phone and check_sealed(activity, now)
        if sealed and await DrawLog.filter(
                activity_id=activity.id, action="absence_phone",
                at__gte=now - PHONE_ATTEMPTS_PER).count() >= PHONE_ATTEMPTS:
            raise Locked("draw.absence_phone_limit", limit=PHONE_ATTEMPTS,
                         minutes=int(PHONE_ATTEMPTS_PER.total_seconds() // 60))
        query = Invitation.filter(activity_id__in=await family(activity),
                                  status=InvitationStatus.CONFIRMED)
        found = await query.filter(code=key).first() if len(key) <= 8 else None
        if found is None and by_phone:
            person = await Person.get_or_none(phone=key)
            if person is not None:
                found = await query.filter(person_id=person.id).first()
        async with self.outbox.change(now) as change:
            await record(activity, actor, "absence_phone" if by_phone else "absence", now,
                         kind, matched=found is not None)
            if found is None:
                if sealed:
                    return None
                raise NotFound("draw.no_such_expert")
            found.status, found.absence = InvitationStatus.ABSENT, kind
            await found.save(update_fields=["status", "absence"])
            notice = await notice_of(found)
            await change.notify("draw.absence_registered", {
                "kind": kind, "eval_start": china_time(activity.eval_start),
                "contact": notice_contact(notice)}, person_id=found.person_id)
        return None if sealed else found

    async def supplement(self, activity: DrawActivity, now: datetime, actor: Actor,
                         regions: list[str] | None = None,
                         gather_at: datetime | None = None) -> DrawActivity:
        """补抽: a new draw for the absent experts' places, with the original conditions or
        other regions, optionally a new gathering time; everyone already invited is avoided."""
        if activity.kind == "supplement" or activity.status != DrawStatus.ENDED:
            raise Conflict("draw.supplement_not_ended")
        if regions is not None:
            require_cities(regions)
        ids = await family(activity)
        need = (await open_places([activity.id])).get(activity.id, {})
        if not need:
            raise Conflict("draw.nothing_to_supplement")
        async with in_transaction():
            child = await self._clone(activity, "supplement", DrawStatus.VERIFIED,
                                      {"bid_open_at": activity.bid_open_at,
                                       "eval_start": activity.eval_start,
                                       "eval_end": activity.eval_end},
                                      need=need, regions=regions, gather_at=gather_at)
            invited = await column(Invitation.filter(activity_id__in=ids), "expert_id")
            await self._avoid_experts(child, set(invited), "原抽取已邀请")
        try:
            started = await self.engine.start(child.id, now, actor)
            await record(activity, actor, "supplement", now, child=child.id,
                         places=sum(need.values()))
            return started
        except BaseException:
            # a 补抽 that could not start leaves nothing behind: its places are still open
            await self._discard(child)
            raise

    @staticmethod
    async def _discard(child: DrawActivity) -> None:
        async with in_transaction():
            await Invitation.filter(activity_id=child.id).delete()
            await Condition.filter(activity_id=child.id).delete()
            await Notice.filter(activity_id=child.id).delete()
            await Avoidance.filter(activity_id=child.id).delete()
            await child.delete()

    # -- clones ----------------------------------------------------------------------------
    async def clone(self, activity: DrawActivity, kind: str, times: dict[str, datetime],
                    now: datetime, actor: Actor) -> DrawActivity:
        """重新抽取 (the original experts avoided) or 复评 (the original experts invited): a
        new activity with new times, to be verified again."""
        if kind == "redraw" and activity.status not in (DrawStatus.ENDED,
                                                        DrawStatus.WITHDRAWN):
            raise Conflict("draw.redraw_not_ended")
        if kind == "reeval" and activity.status != DrawStatus.ENDED:
            raise Conflict("draw.reeval_not_ended")
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

    async def _clone(self, activity: DrawActivity, kind: str, status: DrawStatus,
                     times: dict[str, datetime], *, need: dict[int, int] | None = None,
                     regions: list[str] | None = None, gather_at: datetime | None = None,
                     shift: timedelta = timedelta(0)) -> DrawActivity:
        child = await DrawActivity.create(
            project_id=activity.project_id,
            agency_id=activity.agency_id, handler_id=activity.handler_id, kind=kind,
            parent_id=activity.id, status=status, on_site=activity.on_site,
            supervisors=activity.supervisors, response_minutes=activity.response_minutes,
            total=sum(need.values()) if need else activity.total,
            bid_open_at=times["bid_open_at"], eval_start=times["eval_start"],
            eval_end=times["eval_end"])
        for item in await Avoidance.filter(activity_id=activity.id):
            await Avoidance.create(activity=child, kind=item.kind, name=item.name,
                                   credit_code=item.credit_code, id_hash=item.id_hash,
                                   expert_id=item.expert_id, fixed=item.fixed,
                                   reason=item.reason)
        notices: dict[int, Notice] = {}
        for notice in await Notice.filter(activity_id=activity.id):
            values = {f: getattr(notice, f) for f in NOTICE_FIELDS}
            values["gather_at"] = gather_at or notice.gather_at + shift
            notices[notice.id] = await Notice.create(activity=child, **values)
        for condition in await Condition.filter(activity_id=activity.id).order_by("id"):
            if need is not None and condition.id not in need:
                continue
            values = {f: getattr(condition, f) for f in CONDITION_FIELDS}
            if need is not None:
                values["planned"] = need[condition.id]
            if regions:
                values["regions"] = regions
            await Condition.create(activity=child, source_id=condition.id,
                                   notice=notices[condition.notice_id],
                                   **values)
        return child

    @staticmethod
    async def _avoid_experts(activity: DrawActivity, expert_ids: set[int], reason: str) -> None:
        for expert_id in sorted(expert_ids):
            await Avoidance.create(activity=activity, kind="person", name=f"专家#{expert_id}",
                                   expert_id=expert_id, fixed=True, reason=reason)

    # -- withdrawal (退选) ------------------------------------------------------------------
    async def request_withdrawal(self, activity: DrawActivity, reason: str,
                                 now: datetime, actor: Actor) -> DrawActivity:
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
            await activity.save(update_fields=["withdraw_reason", "withdraw_requested_at"])
            await record(activity, actor, "withdrawal_request", now, why)
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
            await record(activity, actor, "withdrawal_take_back", now)
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
            await record(activity, actor, "withdrawal_refuse", now, why)
            await notify_agency(change, activity, "draw.withdrawal_refused", reason=why)
        return activity

    @staticmethod
    def _require_withdrawal_time(activity: DrawActivity, now: datetime) -> None:
        if activity.eval_start - now < WITHDRAW_MIN:
            raise ClosedWindow("draw.withdrawal_too_late", eval_start=activity.eval_start,
                               hours=int(WITHDRAW_MIN.total_seconds() // 3600))

    async def approve_withdrawal(self, activity_id: int, actor: Actor,
                                 now: datetime) -> DrawActivity:
        """Verified: the activity and its supplementary draws are withdrawn, open invitations
        cancelled, and every expert who confirmed for any of them is told (and asked to
        acknowledge)."""
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.withdraw_requested_at is None or activity.status == DrawStatus.WITHDRAWN:
                raise Conflict("draw.no_withdrawal_request")
            self._require_withdrawal_time(activity, now)
            activity.status, activity.ended_at, activity.end_reason = \
                DrawStatus.WITHDRAWN, now, "withdrawn"
            activity.verifier_id = actor.person_id
            await record(activity, actor, "withdrawal_approve", now)
            await activity.save(update_fields=["status", "ended_at", "end_reason",
                                               "verifier_id"])
            ids = await family(activity)
            await DrawActivity.filter(id__in=ids[1:]).exclude(
                status=DrawStatus.WITHDRAWN).update(status=DrawStatus.WITHDRAWN, ended_at=now,
                                                   end_reason="withdrawn")
            still_open = await column(Invitation.filter(activity_id__in=ids,
                                                        status=InvitationStatus.SENT), "id")
            await Invitation.filter(id__in=still_open).update(status=InvitationStatus.CANCELLED)
            for invitation_id in still_open:  # no "请按键" call after the withdrawal
                await cancel_calls(invitation_id)
            await Section.filter(activity_id=activity.id).update(activity_id=None)
            for item in await serving(activity):
                await self._tell(change, activity, item)
            await notify_agency(change, activity, "draw.withdrawn",
                                reason=activity.withdraw_reason or "")
        return activity

    async def _tell(self, change: Change, activity: DrawActivity, item: Invitation) -> None:
        item.withdrawal_notices += 1
        await item.save(update_fields=["withdrawal_notices"])
        await change.notify("draw.cancelled", {
            "eval_start": china_time(activity.eval_start), "reason": activity.withdraw_reason
            or "不可抗力", "attempt": str(item.withdrawal_notices), "invitation": str(item.id),
            **answer_params(self.engine.answer_link, item.id)},
            person_id=item.person_id)

    async def acknowledge(self, person_id: int, now: datetime) -> Invitation | None:
        """The expert's 收到 in chat: the withdrawal notice was delivered."""
        item = await Invitation.filter(person_id=person_id, status=InvitationStatus.CONFIRMED,
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
                status=InvitationStatus.CONFIRMED, activity__status=DrawStatus.WITHDRAWN,
                acknowledged_at=None, withdrawal_notices__lt=MAX_WITHDRAWAL_NOTICES
        ).prefetch_related("activity").limit(200):
            withdrawn_at = item.activity.ended_at  # set when the activity is withdrawn
            if withdrawn_at and now >= withdrawn_at + RENOTIFY_AFTER * item.withdrawal_notices:
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
        item = next((r for r in await serving(activity) if r.id == invitation_id), None)
        if item is None:
            raise NotFound("urge.not_in_activity")
        if item.acknowledged_at is not None:
            raise Conflict("draw.already_acknowledged", at=item.acknowledged_at)
        async with in_transaction():
            item.acknowledged_at, item.acknowledged_by = now, actor.shown
            item.acknowledged_note = why
            await item.save(update_fields=["acknowledged_at", "acknowledged_by",
                                           "acknowledged_note"])
            await record(activity, actor, "manual_outcome", now, why, invitation=item.id)
        return item

    async def withdrawal_status(self, activity: DrawActivity) -> tuple[int, int]:
        """(delivered, undelivered) withdrawal notices: counts only, never names."""
        rows = [r.acknowledged_at for r in await serving(activity)]
        delivered = sum(1 for r in rows if r is not None)
        return delivered, len(rows) - delivered
