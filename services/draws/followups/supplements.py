"""The supplementary draw (补抽, GD-DRAW: "可进行项目补抽…选择“按原条件处理”、“更换条件处理
（抽取地区）”，并选择是否更新集合时间"), in two steps like any draw: prepared (a new activity for
the places absences left open, its seed and pools committed and their hashes published), then
started with the handler's value. While the results are sealed both steps are applied out of
sight (services/draws/followups/sealed.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from tortoise.transactions import in_transaction

from models import column
from models.draw_handler import UrgentPool
from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
)
from services.common.errors import BadInput, Conflict
from services.common.schedule import Schedule
from services.draws.facts.family import Family, open_places
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.seal import SEAL_BEFORE, SUPPLEMENT, Seal
from services.draws.followups.clones import Clones
from services.draws.randomness.commit import commit
from services.draws.running.lifecycle import Lifecycle
from services.draws.setup.activities import require_regions

# the new gathering time a 补抽 after the original one offers by default (ours)
SUPPLEMENT_AHEAD = timedelta(hours=1)


def require_supplement_time(activity: DrawActivity, notices: Sequence[Notice],
                            gather_at: datetime | None, now: datetime) -> None:
    """A 补抽's gathering time: the original one only while it is ahead; a new one in the
    future and before the evaluation ends."""
    if gather_at is None:
        if any(n.gather_at <= now for n in notices):
            raise BadInput("draw.supplement_new_time",
                           suggested=Supplements.supplement_time_default(notices, now))
        return
    if gather_at <= now:
        raise BadInput("draw.supplement_time_past", suggested=Supplements.supplement_time_default(
            notices, now))
    if gather_at >= activity.eval_end:
        raise BadInput("draw.supplement_time_after_end", eval_end=activity.eval_end)


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


class Supplements:
    """补抽: prepared for the places absences left open, then started as any draw is."""

    def __init__(self, schedule: Schedule, lifecycle: Lifecycle) -> None:
        self.schedule = schedule  # a sealed request's job
        self.lifecycle = lifecycle  # the start

    @staticmethod
    async def awaiting_supplement(activities: Sequence[Scheduled], now: datetime) -> set[int]:
        """GD-DRAW's 待补抽: the evaluations (ended draws, still ahead, results unsealed) with
        an absence registered whose place no 补抽 has covered yet. Before the results unseal
        no one is shown waiting: an absence registered by phone stays invisible until then."""
        candidates = [a.id for a in activities if a.status == DrawStatus.ENDED
                      and a.kind != SUPPLEMENT and a.eval_end > now
                      and now >= a.eval_start - SEAL_BEFORE]
        return set(await open_places(candidates)) if candidates else set()

    async def supplement(self, activity: DrawActivity, now: datetime, actor: Actor,
                         regions: list[str] | None = None,
                         gather_at: datetime | None = None) -> DrawActivity:
        """补抽 prepared: a new activity for the absent experts' places, with the original
        conditions or other regions; a new gathering time when asked, and always once the
        original one has passed (an expert invited now cannot gather in the past); everyone
        already invited avoided; its seed and pools committed before the handler's value is
        known. A preparation not yet started is replaced by a new one."""
        if activity.kind == SUPPLEMENT or activity.status != DrawStatus.ENDED:
            raise Conflict("draw.supplement_not_ended")
        if regions is not None:
            regions = require_regions(regions)
        if Seal.check_sealed(activity, now):  # out of sight: the same answer, places or none
            require_supplement_time(activity, await Notice.filter(activity_id=activity.id),
                                    gather_at, now)
            entry = await OperationLog.record(
                activity, actor, "supplement_request", now, pending=1, regions=regions,
                gather_at=gather_at.isoformat() if gather_at else None)
            await self.schedule("draw_sealed_requests", now, (), f"sealed:{entry.id}")
            return activity
        need = (await open_places([activity.id])).get(activity.id, {})
        if not need:
            raise Conflict("draw.nothing_to_supplement")
        notices = await Notice.filter(conditions__id__in=list(need)).distinct()
        require_supplement_time(activity, notices, gather_at, now)
        return await self.prepare(activity, need, regions, gather_at, actor, now)

    async def prepare(self, activity: DrawActivity, need: dict[int, int],
                      regions: list[str] | None, gather_at: datetime | None, actor: Actor,
                      now: datetime, logged: bool = True) -> DrawActivity:
        """The 补抽 activity, verified with its parent, committed; `logged` False when its
        request's entry tells what came of it."""
        for waiting in await DrawActivity.filter(parent_id=activity.id, kind=SUPPLEMENT,
                                                 status=DrawStatus.VERIFIED):
            await Supplements.discard(waiting)  # prepared, never started: replaced
        ids = await Family.family(activity)
        async with in_transaction():
            child = await Clones.copy(activity, SUPPLEMENT, DrawStatus.VERIFIED,
                                      {"bid_open_at": activity.bid_open_at,
                                       "eval_start": activity.eval_start,
                                       "eval_end": activity.eval_end},
                                      need=need, regions=regions, gather_at=gather_at)
            # everyone the evaluation invited, but those released (they said yes when the
            # places were full): the most willing replacements
            invited = await column(Invitation.filter(activity_id__in=ids).exclude(
                status=InvitationStatus.RELEASED), "expert_id")
            await Clones.avoid_experts(child, set(invited), "原抽取已邀请")
            published = await commit(child, now)
            if logged:
                await OperationLog.record(activity, actor, "supplement", now, child=child.id,
                                          places=sum(need.values()), **published)
        return child

    async def start_supplement(self, activity: DrawActivity, nonce: str, now: datetime,
                               actor: Actor) -> DrawActivity:
        """The prepared 补抽 started with the handler's value (as any draw's start). While
        the results are sealed, out of sight: the answer is the evaluation itself."""
        if activity.kind == SUPPLEMENT or activity.status != DrawStatus.ENDED:
            raise Conflict("draw.supplement_not_ended")
        if Seal.check_sealed(activity, now):
            entry = await OperationLog.record(activity, actor, "supplement_start", now, pending=1,
                                              nonce=nonce, by=[actor.role, actor.person_id,
                                                               actor.shown])
            await self.schedule("draw_sealed_requests", now, (), f"sealed:{entry.id}")
            return activity
        child = await Supplements.prepared(activity)
        if child is None:
            raise Conflict("draw.no_prepared_supplement")
        return await self.lifecycle.start(child.id, now, actor, nonce)

    @staticmethod
    async def prepared(activity: DrawActivity) -> DrawActivity | None:
        """The 补抽 prepared for this evaluation and not started yet, if any."""
        return await DrawActivity.filter(parent_id=activity.id, kind=SUPPLEMENT,
                                         status=DrawStatus.VERIFIED).order_by("-id").first()

    @staticmethod
    async def discard(child: DrawActivity) -> None:
        """A 补抽 prepared and never started, gone with everything it held."""
        async with in_transaction():
            await Invitation.filter(activity_id=child.id).delete()
            await Condition.filter(activity_id=child.id).delete()
            await UrgentPool.filter(activity_id=child.id).delete()  # an urgent one's
            await Notice.filter(activity_id=child.id).delete()
            await Avoidance.filter(activity_id=child.id).delete()
            await child.delete()

    @staticmethod
    def supplement_time_default(notices: Sequence[Notice], now: datetime) -> datetime | None:
        """What a 补抽 form offers: the original gathering time while it is ahead, else an hour
        from now (on a five-minute mark)."""
        if notices and all(n.gather_at > now for n in notices):
            return min(n.gather_at for n in notices)
        ahead = now + SUPPLEMENT_AHEAD
        return ahead.replace(minute=ahead.minute - ahead.minute % 5, second=0, microsecond=0)
