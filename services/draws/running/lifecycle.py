"""A draw activity's life: start (the pools fixed and committed, the handler's value mixed
into the seed), pause with a reason, resume, force end with a reason (GD-DRAW)."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models.draws import Condition, DrawActivity, DrawStatus
from services.common.errors import Conflict
from services.draws.facts.law_timing import earliest_start
from services.draws.facts.oplog import Actor, OperationLog, require_reason
from services.draws.news.agency_news import notify_agency
from services.draws.randomness.commit import commit, commit_condition
from services.draws.running.waves import RUNNING, Waves


class Lifecycle:
    """Start, pause, resume and force end, over the waves."""

    def __init__(self, waves: Waves) -> None:
        self.waves = waves

    async def start(self, activity_id: int, now: datetime, actor: Actor,
                    nonce: str = "") -> DrawActivity:
        """Invite the first wave. The seed and the pools were committed (their hashes shown)
        when the activity was verified (a 补抽: prepared); the handler's `nonce` is mixed in
        now, so neither the server nor the agency alone chooses the order."""
        async with self.waves.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.status != DrawStatus.VERIFIED:
                raise Conflict("draw.not_verified")
            # GD-DRAW sets no start deadline: a draw (a 补抽 at the venue included) may start
            # until the evaluation ends; its results are sealed until T-30 either way
            if now >= activity.eval_end:
                raise Conflict("draw.evaluation_over", eval_end=activity.eval_end)
            earliest = await earliest_start(activity)
            if earliest is not None and now < earliest:
                raise Conflict("draw.procurement_too_early", earliest=earliest,
                               eval_start=activity.eval_start)
            for condition in await Condition.filter(activity_id=activity.id, pool=None):
                # verified before pools were committed at verification: fixed now, as then
                await commit_condition(activity, condition, now)
            if activity.seed is None:
                await commit(activity, now)
            activity.status, activity.started_at = DrawStatus.DRAWING, now
            activity.nonce = nonce.strip()[:32] or None
            await activity.save(update_fields=["status", "started_at", "seed_enc",
                                               "seed_clear", "seed_hash", "nonce"])
            await OperationLog.record(activity, actor, "start", now, seed_hash=activity.seed_hash,
                                      nonce=activity.nonce)
            await notify_agency(change, activity, "draw.started", total=str(activity.total),
                                seed_hash=(activity.seed_hash or "")[:16])
            # the first wave in the start's own transaction: a draw is never left started
            # with nobody invited, and the start is one commit
            timers = await self.waves.advance_locked(change, activity, now)
            started = await DrawActivity.get(id=activity.id)
        await self.waves.start_timers(timers)
        return started

    async def pause(self, activity_id: int, now: datetime, actor: Actor,
                    reason: str) -> DrawActivity:
        """GD-DRAW: "输入暂停抽取原因后" — a pause says why."""
        return await self._move(activity_id, DrawStatus.DRAWING, DrawStatus.PAUSED,
                                "draw.not_drawing", actor, "pause", now,
                                require_reason(reason, "draw.pause_reason"))

    async def resume(self, activity_id: int, now: datetime, actor: Actor) -> DrawActivity:
        activity = await self._move(activity_id, DrawStatus.PAUSED, DrawStatus.DRAWING,
                                    "draw.not_paused", actor, "resume", now)
        await self.waves.advance(activity_id, now)
        return activity

    async def force_end(self, activity_id: int, now: datetime, actor: Actor,
                        reason: str) -> DrawActivity:
        """GD-DRAW: "输入原因后，系统会结束本次抽取"; invitations already out may still be
        answered."""
        why = require_reason(reason, "draw.end_reason")
        async with self.waves.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.status not in RUNNING:
                raise Conflict("draw.not_running")
            await OperationLog.record(activity, actor, "force_end", now, why)
            await self.waves.end(change, activity, "forced")
        return activity

    @staticmethod
    async def _move(activity_id: int, source: DrawStatus, target: DrawStatus, refusal: str,
                    actor: Actor, action: str, now: datetime,
                    reason: str | None = None) -> DrawActivity:
        async with in_transaction():
            if not await DrawActivity.filter(id=activity_id, status=source).update(
                    status=target):
                raise Conflict(refusal)
            await OperationLog.record(activity_id, actor, action, now, reason)
        return await DrawActivity.get(id=activity_id)
