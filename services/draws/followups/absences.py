"""Absence at the venue and its replacement (GD-DRAW: "如出现专家在评标前人工请假、缺席或现场回避
等情况，可进行项目补抽。补抽专家时需要输入专家的验证码或者手机号码，登记专家缺席原因并提交缺席登记后，
项目活动状态变更为待补抽的状态"): registering an absence and undoing one registered by mistake;
the supplementary draw that follows is services/draws/followups/supplements.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.draws import (
    Condition,
    DrawActivity,
    DrawLog,
    Invitation,
    InvitationStatus,
)
from models.people import Person, phone_is
from services.common.clock import china_time
from services.common.errors import BadInput, ClosedWindow, Conflict, Locked, NotFound
from services.common.schedule import Schedule
from services.draws.candidates.rules import KIN, SANCTIONED
from services.draws.facts.family import Family, open_places
from services.draws.facts.oplog import Actor, OperationLog, require_reason
from services.draws.facts.seal import Seal, require_unsealed, unseal_at
from services.draws.news.notices import Notices
from services.notifications import Change, Outbox
from services.standing import CreditDesk

# registrations by phone before the results unseal, per activity
PHONE_ATTEMPTS, PHONE_ATTEMPTS_PER = 5, timedelta(hours=1)
# GD-DRAW: leave, absence, and an avoidance found at the venue
ABSENCE_KINDS = ("请假", "缺席", "现场回避")


class Absences:
    """请假 / 缺席 / 现场回避 registered by the agency, and undone when registered by mistake."""

    def __init__(self, outbox: Outbox, schedule: Schedule) -> None:
        self.outbox = outbox
        self.schedule = schedule  # a sealed registration's job

    async def register_absence(self, activity: DrawActivity, key: str, kind: str,
                               now: datetime, actor: Actor) -> Invitation | None:
        """An expert who will not come (请假 / 缺席 / 现场回避), found by verification code or
        by phone (GD-DRAW). By phone before the results unseal, the answer is the same
        whether or not the phone is a confirmed expert's (None): it takes effect only if it
        is, that expert is told at once (a false registration is caught), attempts are
        limited and every one is logged. The codes are shown only once the results unseal,
        so before that a code is refused whatever it is. So the seal holds."""
        if kind not in ABSENCE_KINDS:
            raise BadInput("draw.absence_kind")
        key = key.strip()
        by_phone = key.isdigit() and len(key) == 11
        sealed = Seal.check_sealed(activity, now)
        if sealed and not by_phone:
            raise ClosedWindow("draw.absence_code_sealed", unseal=unseal_at(activity))
        if sealed and await DrawLog.filter(
                activity_id=activity.id, action="absence_phone",
                at__gte=now - PHONE_ATTEMPTS_PER).count() >= PHONE_ATTEMPTS:
            raise Locked("draw.absence_phone_limit", limit=PHONE_ATTEMPTS,
                         minutes=int(PHONE_ATTEMPTS_PER.total_seconds() // 60))
        if sealed:  # out of sight: the same work and the same answer for any phone
            person = await Person.filter(phone_is(key)).first()
            entry = await OperationLog.record(activity, actor, "absence_phone", now, kind,
                                              pending=person.id if person else 0)
            await self.schedule("draw_sealed_requests", now, (), f"sealed:{entry.id}")
            return None
        query = Invitation.filter(activity_id__in=await Family.family(activity),
                                  status=InvitationStatus.CONFIRMED)
        found = await query.filter(code=key).first() if len(key) <= 8 else None
        if found is None and by_phone:
            person = await Person.filter(phone_is(key)).first()
            if person is not None:
                found = await query.filter(person_id=person.id).first()
        async with self.outbox.change(now) as change:
            await OperationLog.record(activity, actor, "absence_phone" if by_phone else "absence",
                                      now,
                                      kind, matched=found is not None)
            if found is None:
                raise NotFound("draw.no_such_expert")
            await Absences.absent(change, activity, found, kind, now)
        return found

    @staticmethod
    async def absent(change: Change, activity: DrawActivity, found: Invitation,
                     kind: str, now: datetime) -> None:
        """The registration itself: the expert is told at once (a false one is caught), and
        their credit follows it (standing's reaction `CreditDesk.on_absence`)."""
        found.status, found.absence = InvitationStatus.ABSENT, kind
        await found.save(update_fields=["status", "absence"])
        await CreditDesk.on_absence(found.expert_id, now)
        notice = await Notices.notice_of(found)
        await change.notify("draw.absence_registered", {
            "kind": kind, "eval_start": china_time(activity.eval_start),
            "contact": Notices.notice_contact(notice)}, person_id=found.person_id)

    async def undo_absence(self, activity: DrawActivity, invitation_id: int, reason: str,
                           now: datetime, actor: Actor) -> Invitation:
        """An absence registered by mistake (the expert has arrived after all): undone with a
        reason, logged, the expert told — unless a 补抽 has already filled the place."""
        require_unsealed(activity, now)
        why = require_reason(reason, "draw.undo_reason")
        item = await Invitation.get_or_none(id=invitation_id, status=InvitationStatus.ABSENT,
                                            activity_id__in=await Family.family(activity))
        if item is None:
            raise NotFound("draw.no_such_absence")
        if item.absence == SANCTIONED:  # the sanction's, not the agency's: not theirs to undo
            raise Conflict("draw.absence_sanctioned")
        if item.absence == KIN:  # the library's (GD-CG-1 Art. 21), not the agency's either
            raise Conflict("draw.absence_kin")
        root = await Family.root_of(activity)
        condition = await Condition.get(id=item.condition_id)
        original = condition.id if condition.activity_id == root.id else condition.source_id
        if (await open_places([root.id])).get(root.id, {}).get(original or 0, 0) < 1:
            raise Conflict("draw.absence_covered")
        async with self.outbox.change(now) as change:
            if not await Invitation.filter(id=item.id, status=InvitationStatus.ABSENT).update(
                    status=InvitationStatus.CONFIRMED, absence=None):
                raise NotFound("draw.no_such_absence")
            await OperationLog.record(activity, actor, "absence_undo", now, why, invitation=item.id,
                                      kind=item.absence)
            notice = await Notices.notice_of(item)
            await change.notify("draw.absence_undone", {
                **Notices.invitation_params(notice, item, 0), "kind": item.absence or "缺席",
                "verification_code": item.code or ""}, person_id=item.person_id)
            await CreditDesk.on_absence(item.expert_id, now)
        return await Invitation.get(id=item.id)
