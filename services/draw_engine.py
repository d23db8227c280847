"""The draw: a committed seed, invitations in waves sized to what is still needed, replies
under the activity's row lock (never more confirmed than planned), timeouts, pause /
resume / force end, sealing until 30 minutes before the evaluation starts, and the records
the auditor needs."""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import column
from models.draws import (
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    SkippedCandidate,
)
from services.clock import china_time
from services.draw_audit import draw_key, new_seed, order, pool_hash, seed_hash
from services.draw_calls import DrawCalls, cancel_calls, invitation_key
from services.draw_counts import Counts, draw_counts
from services.draw_log import Actor, record, require_reason
from services.draw_notices import (
    answer_params,
    invitation_params,
    invitation_with_notice,
    invitations_with_notices,
)
from services.draw_pool import blocked, booked, candidate_pool, original_experts
from services.draw_setup import notify_agency
from services.errors import BadInput, ClosedWindow, Conflict, NotFound
from services.outbox import Change, Outbox

log = logging.getLogger(__name__)

SEAL_BEFORE = timedelta(minutes=30)  # results unseal 30 minutes before evaluation starts
RESULT_LINK = "draw-result"  # the purpose of the printable result page's signed links
CHECKIN_LINK = "checkin-qr"  # ... and of the printable venue check-in page
RUNNING = (DrawStatus.DRAWING, DrawStatus.PAUSED)
Schedule = Callable[[str, datetime, tuple[object, ...], str], Awaitable[None]]


@dataclass(frozen=True)
class ReplyOutcome:
    status: str  # confirmed / released / declined / avoided / late / duplicate
    invitation: Invitation
    notice: Notice


class DrawEngine:
    def __init__(self, outbox: Outbox, schedule: Schedule,
                 answer_link: Callable[[int], str] | None = None,
                 calls: DrawCalls | None = None) -> None:
        self.outbox = outbox
        self.schedule = schedule
        self.calls = calls  # voice calls to the experts who have not answered
        # an invitation's answer page (web/answer.py), carried by its SMS
        self.answer_link = answer_link

    # -- the activity's life ---------------------------------------------------------------
    async def start(self, activity_id: int, now: datetime, actor: Actor,
                    nonce: str = "") -> DrawActivity:
        """Fix the pools and invite the first wave. The seed was committed (its hash shown)
        when the activity was verified; the handler's `nonce` is mixed in now, so neither
        the server nor the agency alone chooses the order."""
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.status != DrawStatus.VERIFIED:
                raise Conflict("draw.not_verified")
            # seed 004 sets no start deadline: a draw (a 补抽 at the venue included) may start
            # until the evaluation ends; its results are sealed until T-30 either way
            if now >= activity.eval_end:
                raise Conflict("draw.evaluation_over", eval_end=activity.eval_end)
            for condition in await Condition.filter(activity_id=activity.id):
                pool = (await original_experts(condition) if activity.kind == "reeval"
                        else await candidate_pool(activity, condition, condition.main_specialty))
                condition.pool, condition.pool_hash = pool, pool_hash(condition.id, "main", pool)
                await condition.save(update_fields=["pool", "pool_hash"])
            activity.status, activity.started_at = DrawStatus.DRAWING, now
            if activity.seed is None:  # a 补抽 (verified with its parent): committed now
                activity.seed = new_seed()
                activity.seed_hash = seed_hash(activity.seed)
            activity.nonce = nonce.strip()[:32] or None
            await activity.save(update_fields=["status", "started_at", "seed", "seed_hash",
                                               "nonce"])
            await record(activity, actor, "start", now, seed_hash=activity.seed_hash,
                         nonce=activity.nonce)
            await notify_agency(change, activity, "draw.started", total=str(activity.total),
                                seed_hash=(activity.seed_hash or "")[:16])
        await self.advance(activity.id, now)
        return await DrawActivity.get(id=activity.id)

    async def pause(self, activity_id: int, now: datetime, actor: Actor,
                    reason: str) -> DrawActivity:
        """Seed 004: "输入暂停抽取原因后" — a pause says why."""
        return await self._move(activity_id, DrawStatus.DRAWING, DrawStatus.PAUSED,
                                "draw.not_drawing", actor, "pause", now,
                                require_reason(reason, "draw.pause_reason"))

    async def resume(self, activity_id: int, now: datetime, actor: Actor) -> DrawActivity:
        activity = await self._move(activity_id, DrawStatus.PAUSED, DrawStatus.DRAWING,
                                    "draw.not_paused", actor, "resume", now)
        await self.advance(activity_id, now)
        return activity

    async def force_end(self, activity_id: int, now: datetime, actor: Actor,
                        reason: str) -> DrawActivity:
        """Seed 004: "输入原因后，系统会结束本次抽取"; invitations already out may still be
        answered."""
        why = require_reason(reason, "draw.end_reason")
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            if activity.status not in RUNNING:
                raise Conflict("draw.not_running")
            await record(activity, actor, "force_end", now, why)
            await self._end(change, activity, "forced")
        return activity

    @staticmethod
    async def _move(activity_id: int, source: DrawStatus, target: DrawStatus, refusal: str,
                    actor: Actor, action: str, now: datetime,
                    reason: str | None = None) -> DrawActivity:
        async with in_transaction():
            if not await DrawActivity.filter(id=activity_id, status=source).update(
                    status=target):
                raise Conflict(refusal)
            await record(activity_id, actor, action, now, reason)
        return await DrawActivity.get(id=activity_id)

    async def _end(self, change: Change, activity: DrawActivity, reason: str) -> None:
        activity.status, activity.ended_at, activity.end_reason = \
            DrawStatus.ENDED, change.now, reason
        await activity.save(update_fields=["status", "ended_at", "end_reason"])
        counts = await self.counts(activity.id)
        await notify_agency(change, activity, "draw.ended", outcome={
            "complete": "抽取完成", "exhausted": "专家不足，抽取结束",
            "forced": "已强制结束"}[reason], progress=counts.text,
            unseal=china_time(activity.eval_start - SEAL_BEFORE))

    # -- waves -----------------------------------------------------------------------------
    async def advance(self, activity_id: int, now: datetime) -> int:
        """Invite as many as are still needed; end the draw when it is complete or no
        candidate is left. Returns how many were invited."""
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            timers = await self._advance(change, activity, now)
        await self._start_timers(timers)
        return len(timers)

    async def _start_timers(self, invited: list[Invitation]) -> None:
        """Each invitation's response window; a timer lost here is found by the sweep."""
        for item in invited:
            await self.schedule("draw_invitation_timeout", item.due_at, (item.id,),
                                f"draw-timeout:{item.id}")
        if self.calls is not None:
            await self.calls.plan(invited)

    async def _advance(self, change: Change, activity: DrawActivity, now: datetime
                       ) -> list[Invitation]:
        """`advance` inside the caller's transaction, the activity's row locked."""
        if activity.status != DrawStatus.DRAWING:
            return []
        timers: list[Invitation] = []
        done = short = 0
        last = await Invitation.filter(activity_id=activity.id).order_by("-wave").first()
        wave = (last.wave if last else 0) + 1
        conditions = await Condition.filter(activity_id=activity.id).order_by("id")
        for condition in conditions:
            rows = await Invitation.filter(condition_id=condition.id).values_list(
                "status", "due_at")
            confirmed = sum(1 for s, _ in rows if s == InvitationStatus.CONFIRMED)
            waiting = sum(1 for s, due in rows if s == InvitationStatus.SENT and due > now)
            need = condition.planned - confirmed - waiting
            if need > 0:
                sent = await self._invite(change, activity, condition, need, wave, now)
                timers += sent
                waiting += len(sent)
            if confirmed >= condition.planned:
                done += 1
            elif waiting == 0:
                short += 1
                if not condition.exhausted:
                    condition.exhausted = True
                    await condition.save(update_fields=["exhausted"])
                    await notify_agency(change, activity, "draw.shortage",
                                        progress=f"{confirmed}/{condition.planned}")
        if done == len(conditions):
            await self._end(change, activity, "complete")
        elif done + short == len(conditions):
            await self._end(change, activity, "exhausted")
        return timers

    async def _invite(self, change: Change, activity: DrawActivity, condition: Condition,
                      need: int, wave: int, now: datetime) -> list[Invitation]:
        assert activity.seed is not None
        sent: list[Invitation] = []
        notice = await Notice.get(id=condition.notice_id)
        for name in ("main", "alt"):
            pool = await self._pool(activity, condition, name)
            if pool is None:
                continue
            used = set(await column(Invitation.filter(condition_id=condition.id, pool=name)
                       , "rank"))
            used |= set(await column(SkippedCandidate.filter(condition_id=condition.id, pool=name)
                        , "rank"))
            ordered = order(draw_key(activity.seed, activity.nonce or ""), condition.id, name,
                            pool)
            rank = len(used)
            while len(sent) < need and rank < len(ordered):
                chunk = ordered[rank:rank + max(need - len(sent), 8)]
                why = await blocked(activity, chunk, now)
                for expert_id in chunk:
                    if len(sent) >= need:
                        break
                    if expert_id in why:
                        await SkippedCandidate.create(condition=condition, expert_id=expert_id,
                                                      pool=name, rank=rank, reason=why[expert_id])
                    else:
                        sent.append(await self._send(change, activity, condition, notice,
                                                     expert_id, name, rank, wave, now))
                    rank += 1
            if len(sent) >= need:
                break
        return sent

    async def _pool(self, activity: DrawActivity, condition: Condition,
                    name: str) -> list[int] | None:
        if name == "main":
            return list(condition.pool or [])
        if not condition.alternate_specialty:
            return None
        if condition.alt_pool is None:  # fixed the first time the main pool runs out
            main = set(condition.pool or [])
            pool = await candidate_pool(activity, condition, condition.alternate_specialty,
                                        exclude=main)
            condition.alt_pool, condition.alt_pool_hash = pool, pool_hash(condition.id, "alt",
                                                                          pool)
            await condition.save(update_fields=["alt_pool", "alt_pool_hash"])
        return list(condition.alt_pool)

    async def _send(self, change: Change, activity: DrawActivity, condition: Condition,
                    notice: Notice, expert_id: int, pool: str, rank: int, wave: int,
                    now: datetime) -> Invitation:
        from models.experts import ExpertProfile

        person_id = (await ExpertProfile.get(id=expert_id)).person_id
        invitation = await Invitation.create(
            activity=activity, condition=condition, expert_id=expert_id, person_id=person_id,
            pool=pool, rank=rank, wave=wave, sent_at=now,
            due_at=now + timedelta(minutes=activity.response_minutes),
            supplementary=activity.kind == "supplement")
        params = {**invitation_params(notice, invitation, activity.response_minutes),
                  **answer_params(self.answer_link, invitation.id)}
        await change.notify("draw.invitation", params, person_id=person_id,
                            dedupe_key=invitation_key(invitation.id))
        return invitation

    # -- replies ---------------------------------------------------------------------------
    @staticmethod
    async def recent_invitations(person_id: int, now: datetime,
                                 days: int = 30) -> list[tuple[Invitation, Notice]]:
        """An expert's invitations of the last `days` days, newest first, with their notices."""
        return await invitations_with_notices(person_id, now - timedelta(days=days))

    async def open_invitations(self, person_id: int, now: datetime) -> list[Invitation]:
        return await Invitation.filter(person_id=person_id, status=InvitationStatus.SENT,
                                       due_at__gt=now).order_by("sent_at")

    async def reply(self, invitation_id: int, person_id: int, choice: int, now: datetime,
                    reason: str = "", via: str = "chat") -> ReplyOutcome:
        """1 参加, 2 不参加, 3 需回避, applied under the activity's lock; `via` is the way it
        came (chat, miniapp, sms, link, voice): kept, and calls still pending are dropped."""
        if choice not in (1, 2, 3):
            raise BadInput("invitation.choice")
        async with self.outbox.change(now) as change:
            activity_id = await Invitation.filter(id=invitation_id, person_id=person_id
                                                  ).first().values_list("activity_id", flat=True)
            if activity_id is None:
                raise NotFound("invitation.not_found")
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            # under the lock: the invitation and its notice as they are now (one statement)
            found = await invitation_with_notice(invitation_id, person_id)
            assert found is not None  # an invitation is never deleted
            invitation, notice = found
            if invitation.status != InvitationStatus.SENT:
                return ReplyOutcome("duplicate", invitation, notice)
            invitation.answered_via = via  # saved with the status below
            await cancel_calls(invitation.id)
            if now > invitation.due_at:
                invitation.status = InvitationStatus.TIMEOUT
                await invitation.save(update_fields=["status", "answered_via"])
                outcome = ReplyOutcome("late", invitation, notice)
            elif choice == 1:
                outcome = await self._accept(change, activity, invitation, notice, now)
            else:
                invitation.status = (InvitationStatus.DECLINED if choice == 2
                                     else InvitationStatus.AVOIDED)
                invitation.replied_at, invitation.reason = now, reason.strip()[:100] or None
                await invitation.save(update_fields=["status", "replied_at", "reason",
                                                     "answered_via"])
                outcome = ReplyOutcome(invitation.status, invitation, notice)
            # in the same transaction: a decline invites the next candidate, an acceptance
            # may leave nothing to wait for; a crash cannot leave the one without the other
            timers = await self._advance(change, activity, now)
        await self._start_timers(timers)
        return outcome

    async def _accept(self, change: Change, activity: DrawActivity, invitation: Invitation,
                      notice: Notice, now: datetime) -> ReplyOutcome:
        condition = await Condition.get(id=invitation.condition_id)
        confirmed = await Invitation.filter(condition_id=condition.id,
                                            status=InvitationStatus.CONFIRMED).count()
        taken_elsewhere = await booked(activity, [invitation.expert_id], now,
                                       confirmed_only=True)
        invitation.replied_at = now
        if confirmed >= condition.planned or taken_elsewhere:
            invitation.status = InvitationStatus.RELEASED
            invitation.reason = "名额已满" if confirmed >= condition.planned else "同一时段已有评标"
            await invitation.save(update_fields=["status", "replied_at", "reason",
                                                 "answered_via"])
            return ReplyOutcome("released", invitation, notice)
        taken = set(await column(Invitation.filter(activity_id=activity.id, code__not_isnull=True)
                    , "code"))
        code = next(c for c in iter(lambda: f"{secrets.randbelow(10**6):06d}", None)
                    if c not in taken)
        invitation.status, invitation.code = InvitationStatus.CONFIRMED, code
        await invitation.save(update_fields=["status", "replied_at", "code", "answered_via"])
        counts = await self.counts(activity.id)
        await notify_agency(change, activity, "draw.progress", progress=counts.text)
        if counts.confirmed >= counts.planned and activity.status in RUNNING:
            await self._end(change, activity, "complete")
        return ReplyOutcome("confirmed", invitation, notice)

    async def set_reason(self, invitation_id: int, person_id: int, reason: str) -> None:
        await Invitation.filter(id=invitation_id, person_id=person_id,
                                status__in=[InvitationStatus.DECLINED,
                                            InvitationStatus.AVOIDED]).update(
            reason=reason.strip()[:100])

    # -- time ------------------------------------------------------------------------------
    async def expire(self, invitation_id: int, now: datetime) -> bool:
        """The response window closed without a reply: the next candidate is invited."""
        item = await Invitation.get_or_none(id=invitation_id)
        if item is None or item.status != InvitationStatus.SENT or item.due_at > now:
            return False
        updated = await Invitation.filter(id=item.id, status=InvitationStatus.SENT).update(
            status=InvitationStatus.TIMEOUT)
        if updated:
            await cancel_calls(item.id)
            await self.advance(item.activity_id, now)
        return bool(updated)

    async def sweep(self, now: datetime) -> Counter[str]:
        """Invitations past their window (a lost timer), draws still short of invitations,
        and results that just unsealed."""
        counts: Counter[str] = Counter()
        for invitation_id in await column(Invitation.filter(
                status=InvitationStatus.SENT, due_at__lte=now).limit(500), "id"):
            counts["expired"] += await self.expire(int(invitation_id), now)
        # a draw whose next wave was never sent (a process died between a change and its
        # advance, or a lost start): the database says what is still needed
        for activity_id in await column(DrawActivity.filter(status=DrawStatus.DRAWING)
                                        .limit(500), "id"):
            counts["invited"] += await self.advance(int(activity_id), now)
        for activity in await DrawActivity.filter(
                status=DrawStatus.ENDED, unsealed_pushed=False,
                eval_start__lte=now + SEAL_BEFORE).limit(100):
            async with self.outbox.change(now) as change:
                if await DrawActivity.filter(id=activity.id, unsealed_pushed=False).update(
                        unsealed_pushed=True):
                    await notify_agency(change, activity, "draw.unsealed",
                                        progress=(await self.counts(activity.id)).text)
                    counts["unsealed"] += 1
        return counts

    # -- what the agency may see -----------------------------------------------------------
    async def counts(self, activity_id: int) -> Counts:
        return await draw_counts(activity_id)

    @staticmethod
    def sealed(activity: DrawActivity, now: datetime) -> bool:
        """The results stay sealed until 30 minutes before the evaluation starts (seed 004)."""
        return now < activity.eval_start - SEAL_BEFORE

    @classmethod
    def require_unsealed(cls, activity: DrawActivity, now: datetime) -> None:
        """Names, results and urging wait until the results unseal."""
        if cls.sealed(activity, now):
            raise ClosedWindow("draw.sealed", unseal=activity.eval_start - SEAL_BEFORE)

