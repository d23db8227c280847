"""Absence at the venue and its replacement (GD-DRAW: "如出现专家在评标前人工请假、缺席或现场回避
等情况，可进行项目补抽。补抽专家时需要输入专家的验证码或者手机号码，登记专家缺席原因并提交缺席登记后，
项目活动状态变更为待补抽的状态"): registering an absence, undoing one registered by mistake,
and the supplementary draw (补抽)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from tortoise.transactions import in_transaction

from models import column
from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawLog,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
)
from models.people import Person
from services.common.clock import china_time
from services.common.errors import BadInput, ClosedWindow, Conflict, Locked, NotFound
from services.draws.clones import Cloning
from services.draws.family import family, open_places, root_of
from services.draws.notices import invitation_params, notice_contact, notice_of
from services.draws.oplog import Actor, record, require_reason
from services.draws.seal import SEAL_BEFORE, check_sealed, require_unsealed, unseal_at
from services.draws.setup import require_cities
from services.notifications.outbox import Change


class Scheduled(Protocol):
    """An activity as a list or a page has it."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def eval_start(self) -> datetime: ...
    @property
    def eval_end(self) -> datetime: ...


# registrations by phone before the results unseal, per activity
PHONE_ATTEMPTS, PHONE_ATTEMPTS_PER = 5, timedelta(hours=1)
# GD-DRAW: leave, absence, and an avoidance found at the venue
ABSENCE_KINDS = ("请假", "缺席", "现场回避")
# the new gathering time a 补抽 after the original one offers by default (ours)
SUPPLEMENT_AHEAD = timedelta(hours=1)


def supplement_time_default(notices: list[Notice], now: datetime) -> datetime | None:
    """What a 补抽 form offers: the original gathering time while it is ahead, else an hour
    from now (on a five-minute mark)."""
    if notices and all(n.gather_at > now for n in notices):
        return min(n.gather_at for n in notices)
    ahead = now + SUPPLEMENT_AHEAD
    return ahead.replace(minute=ahead.minute - ahead.minute % 5, second=0, microsecond=0)


def require_supplement_time(activity: DrawActivity, notices: list[Notice],
                            gather_at: datetime | None, now: datetime) -> None:
    """A 补抽's gathering time: the original one only while it is ahead; a new one in the
    future and before the evaluation ends."""
    if gather_at is None:
        if any(n.gather_at <= now for n in notices):
            raise BadInput("draw.supplement_new_time",
                           suggested=supplement_time_default(notices, now))
        return
    if gather_at <= now:
        raise BadInput("draw.supplement_time_past", suggested=supplement_time_default(
            notices, now))
    if gather_at >= activity.eval_end:
        raise BadInput("draw.supplement_time_after_end", eval_end=activity.eval_end)


class Absences(Cloning):
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
        sealed = check_sealed(activity, now)
        if sealed and not by_phone:
            raise ClosedWindow("draw.absence_code_sealed", unseal=unseal_at(activity))
        if sealed and await DrawLog.filter(
                activity_id=activity.id, action="absence_phone",
                at__gte=now - PHONE_ATTEMPTS_PER).count() >= PHONE_ATTEMPTS:
            raise Locked("draw.absence_phone_limit", limit=PHONE_ATTEMPTS,
                         minutes=int(PHONE_ATTEMPTS_PER.total_seconds() // 60))
        if sealed:  # out of sight: the same work and the same answer for any phone
            person = await Person.get_or_none(phone=key)
            entry = await record(activity, actor, "absence_phone", now, kind,
                                 pending=person.id if person else 0)
            await self.engine.schedule("draw_sealed_requests", now, (), f"sealed:{entry.id}")
            return None
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
                raise NotFound("draw.no_such_expert")
            await self._absent(change, activity, found, kind)
        return found

    @staticmethod
    async def _absent(change: Change, activity: DrawActivity, found: Invitation,
                      kind: str) -> None:
        """The registration itself: the expert is told at once (a false one is caught)."""
        found.status, found.absence = InvitationStatus.ABSENT, kind
        await found.save(update_fields=["status", "absence"])
        notice = await notice_of(found)
        await change.notify("draw.absence_registered", {
            "kind": kind, "eval_start": china_time(activity.eval_start),
            "contact": notice_contact(notice)}, person_id=found.person_id)

    async def undo_absence(self, activity: DrawActivity, invitation_id: int, reason: str,
                           now: datetime, actor: Actor) -> Invitation:
        """An absence registered by mistake (the expert has arrived after all): undone with a
        reason, logged, the expert told — unless a 补抽 has already filled the place."""
        require_unsealed(activity, now)
        why = require_reason(reason, "draw.undo_reason")
        item = await Invitation.get_or_none(id=invitation_id, status=InvitationStatus.ABSENT,
                                            activity_id__in=await family(activity))
        if item is None:
            raise NotFound("draw.no_such_absence")
        root = await root_of(activity)
        condition = await Condition.get(id=item.condition_id)
        original = condition.id if condition.activity_id == root.id else condition.source_id
        if (await open_places([root.id])).get(root.id, {}).get(original or 0, 0) < 1:
            raise Conflict("draw.absence_covered")
        async with self.outbox.change(now) as change:
            if not await Invitation.filter(id=item.id, status=InvitationStatus.ABSENT).update(
                    status=InvitationStatus.CONFIRMED, absence=None):
                raise NotFound("draw.no_such_absence")
            await record(activity, actor, "absence_undo", now, why, invitation=item.id,
                         kind=item.absence)
            notice = await notice_of(item)
            await change.notify("draw.absence_undone", {
                **invitation_params(notice, item, 0), "kind": item.absence or "缺席",
                "verification_code": item.code or ""}, person_id=item.person_id)
        return await Invitation.get(id=item.id)

    @staticmethod
    async def awaiting_supplement(activities: Sequence[Scheduled], now: datetime) -> set[int]:
        """GD-DRAW's 待补抽: the evaluations (ended draws, still ahead, results unsealed) with
        an absence registered whose place no 补抽 has covered yet. Before the results unseal
        no one is shown waiting: an absence registered by phone stays invisible until then."""
        candidates = [a.id for a in activities if a.status == DrawStatus.ENDED
                      and a.kind != "supplement" and a.eval_end > now
                      and now >= a.eval_start - SEAL_BEFORE]
        return set(await open_places(candidates)) if candidates else set()

    async def supplement(self, activity: DrawActivity, now: datetime, actor: Actor,
                         regions: list[str] | None = None,
                         gather_at: datetime | None = None,
                         nonce: str = "") -> DrawActivity:
        """补抽: a new draw for the absent experts' places, with the original conditions or
        other regions (GD-DRAW: "按原条件处理"、"更换条件处理（抽取地区）"); a new gathering time
        when asked ("并选择是否更新集合时间"), and always once the original one has passed
        (an expert invited now cannot gather in the past); everyone already invited is
        avoided; the handler's value is mixed into its order as in any draw."""
        if activity.kind == "supplement" or activity.status != DrawStatus.ENDED:
            raise Conflict("draw.supplement_not_ended")
        if regions is not None:
            require_cities(regions)
        if check_sealed(activity, now):  # out of sight: the same answer, places or none
            require_supplement_time(activity, await Notice.filter(activity_id=activity.id),
                                    gather_at, now)
            entry = await record(activity, actor, "supplement_request", now, pending=1,
                                 regions=regions, nonce=nonce,
                                 gather_at=gather_at.isoformat() if gather_at else None,
                                 by=[actor.role, actor.person_id, actor.shown])
            await self.engine.schedule("draw_sealed_requests", now, (), f"sealed:{entry.id}")
            return activity
        need = (await open_places([activity.id])).get(activity.id, {})
        if not need:
            raise Conflict("draw.nothing_to_supplement")
        notices = await Notice.filter(conditions__id__in=list(need)).distinct()
        require_supplement_time(activity, notices, gather_at, now)
        return await self._supplement(activity, need, regions, gather_at, nonce, actor, now)

    async def _supplement(self, activity: DrawActivity, need: dict[int, int],
                          regions: list[str] | None, gather_at: datetime | None, nonce: str,
                          actor: Actor, now: datetime, logged: bool = True) -> DrawActivity:
        """The 补抽 itself; `logged` False when its request's entry tells what came of it."""
        ids = await family(activity)
        async with in_transaction():
            child = await self._clone(activity, "supplement", DrawStatus.VERIFIED,
                                      {"bid_open_at": activity.bid_open_at,
                                       "eval_start": activity.eval_start,
                                       "eval_end": activity.eval_end},
                                      need=need, regions=regions, gather_at=gather_at)
            invited = await column(Invitation.filter(activity_id__in=ids), "expert_id")
            await self._avoid_experts(child, set(invited), "原抽取已邀请")
        try:
            started = await self.engine.start(child.id, now, actor, nonce)
            if logged:
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

