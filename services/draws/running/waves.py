"""A draw's waves: invite as many candidates as each condition still needs, in the committed
order, skipping (and recording why) those who cannot serve at the moment of the invitation;
end the draw when it is complete or no candidate is left."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from models import column
from models.draw_handler import ActivityUrgency
from models.draws import (
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    SkippedCandidate,
)
from models.orm.statements import rows
from services.common.clock import china_time
from services.common.schedule import Schedule, Unschedule
from services.draws.candidates.pool import blocked, candidate_pool
from services.draws.candidates.relations import Committee
from services.draws.facts.seal import unseal_at
from services.draws.facts.venue_roles import mark_roles
from services.draws.news.agency_news import notify_agency
from services.draws.news.counts import Counts, Progress
from services.draws.news.notices import Notices, answer_params
from services.draws.randomness.audit import POOLS, draw_key, order
from services.draws.randomness.merkle import pool_root
from services.draws.randomness.urgent import (
    URGENT,
    approved_urgency,
    response_minutes,
    urgent_pool,
    urgent_weights,
)
from services.draws.randomness.weighting import pool_weights, stored, weights_of
from services.draws.running.calls import DrawCalls, call_keys, invitation_key
from services.notifications import Change, Outbox

log = logging.getLogger(__name__)

RUNNING = (DrawStatus.DRAWING, DrawStatus.PAUSED)
def _advance_sql(activities: str) -> str:
    """Each condition of the activities `c.activity_id {activities}` selects (its `?`s come
    second) with its planned, its confirmed, its invitations out and still in their window
    (`?` 1: now) and its last wave; and what the agency's counts add up (those confirmed or
    registered absent, every invitation out, every one sent). The statuses are the enum's
    own constants, not input."""
    return (
        "SELECT c.activity_id, c.id, c.planned, c.exhausted, "
        f"SUM(CASE WHEN v.status = '{InvitationStatus.CONFIRMED.value}' THEN 1 ELSE 0 END)"
        " AS confirmed, "
        f"SUM(CASE WHEN v.status = '{InvitationStatus.SENT.value}' AND v.due_at > ? THEN 1"
        " ELSE 0 END) AS waiting, MAX(v.wave) AS wave, "
        f"SUM(CASE WHEN v.status IN ('{InvitationStatus.CONFIRMED.value}', "
        f"'{InvitationStatus.ABSENT.value}') THEN 1 ELSE 0 END) AS shown_confirmed, "
        f"SUM(CASE WHEN v.status = '{InvitationStatus.SENT.value}' THEN 1 ELSE 0 END) AS out, "
        "COUNT(v.id) AS invited, "
        # a condition another library draws (services/federation/asking.py): its ask's state
        "(SELECT k.status FROM peer_ask k WHERE k.condition_id = c.id AND k.status <> 'local')"
        " AS peer FROM draw_condition c LEFT JOIN draw_invitation v ON v.condition_id = c.id "
        f"WHERE c.activity_id {activities} "
        "GROUP BY c.activity_id, c.id, c.planned, c.exhausted ORDER BY c.id")


# one activity's conditions (`?` 2)
ADVANCE_SQL = _advance_sql("= ?")


async def advance_rows(activity_ids: list[int], now: datetime) -> dict[int, list[dict[str, Any]]]:
    """ADVANCE_SQL's rows of several activities in one statement, by activity (read without
    their locks: what a sweep looks at before choosing which to advance)."""
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in activity_ids}
    if activity_ids:
        marks = ", ".join("?" * len(activity_ids))
        for row in await rows(_advance_sql(f"IN ({marks})"), now, *activity_ids):
            found[int(row["activity_id"])].append(row)
    return found


def idle(found: list[dict[str, Any]]) -> bool:
    """Whether `advance_locked` would change nothing on these ADVANCE_SQL rows: no condition
    needs invitations, and the draw is neither complete nor out of candidates (some place
    is still waiting for an answer)."""
    waiting_on = False
    for row in found:
        if row["peer"]:
            waiting_on |= row["peer"] not in ("done", "short")
            continue
        planned, confirmed = int(row["planned"]), int(row["confirmed"] or 0)
        if planned - confirmed - int(row["waiting"] or 0) > 0:
            return False
        waiting_on |= confirmed < planned  # then invitations are out for it
    return waiting_on


def counts_of(found: list[dict[str, Any]]) -> Counts:
    """The agency's counts (counts.draw_counts) from the rows of ADVANCE_SQL."""
    return Counts(*(sum(int(r[k] or 0) for r in found)
                    for k in ("planned", "shown_confirmed", "out", "invited")))


async def persons_of(expert_ids: list[int]) -> dict[int, int]:
    """Each expert's person, in one statement."""
    from models.experts import ExpertProfile

    return {int(e): int(p) for e, p in await ExpertProfile.filter(
        id__in=expert_ids).values_list("id", "person_id")}


def timeout_key(invitation_id: int) -> str:
    """The job id of an invitation's response window (one job an invitation)."""
    return f"draw-timeout:{invitation_id}"


class Waves:
    """The wave mechanism the engine's parts share: advance, the response timers, the end."""

    def __init__(self, outbox: Outbox, schedule: Schedule,
                 answer_link: Callable[[int], str] | None = None,
                 calls: DrawCalls | None = None, unschedule: Unschedule | None = None
                 ) -> None:
        self.outbox = outbox
        self.schedule = schedule
        self.unschedule = unschedule
        self.calls = calls  # voice calls to the experts who have not answered
        # an invitation's answer page (web/answer.py), carried by its SMS
        self.answer_link = answer_link

    async def advance(self, activity_id: int, now: datetime) -> int:
        """Invite as many as are still needed; end the draw when it is complete or no
        candidate is left. Returns how many were invited."""
        async with self.outbox.change(now) as change:
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            timers = await self.advance_locked(change, activity, now)
        await self.start_timers(timers)
        return len(timers)

    async def start_timers(self, invited: list[Invitation]) -> None:
        """Each invitation's response window and its first call; a timer or a call lost here
        is found by the sweep."""
        for item in invited:
            await self.schedule("draw_invitation_timeout", item.due_at, (item.id,),
                                timeout_key(item.id))
        if self.calls is not None:
            await self.calls.plan(invited)

    async def forget(self, invitation_id: int) -> None:
        """The invitation was answered (committed): its response window's job and its next
        call's are taken off the queue, so the worker does not read the invitation to find
        it answered (a statement a job; most invitations are answered before either). Best
        effort: a job already on its way still finds the answer and does nothing."""
        if self.unschedule is not None:
            await self.unschedule([timeout_key(invitation_id)] + (
                call_keys(invitation_id) if self.calls is not None else []))

    async def answered(self, invitation_id: int, timers: list[Invitation]) -> None:
        """Once a reply has committed: the new wave's timers queued (`timers`), the
        answered invitation's taken off the queue."""
        try:
            await self.start_timers(timers)
        except Exception as exc:  # committed: the answer stands (its SMS queued with it)
            log.warning("reply to invitation %s committed, but %d new invitation(s) not "
                        "timed nor their calls planned (the sweep makes both up): %r",
                        invitation_id, len(timers), exc)
        try:
            await self.forget(invitation_id)
        except Exception as exc:  # the jobs find the answer and do nothing
            log.warning("reply to invitation %s committed, its window's and call's jobs left "
                        "queued: %r", invitation_id, exc)

    async def advance_locked(self, change: Change, activity: DrawActivity, now: datetime,
                       found: list[dict[str, Any]] | None = None) -> list[Invitation]:
        """`advance` inside the caller's transaction, the activity's row locked; `found`:
        ADVANCE_SQL's rows, when the caller read them since its last change."""
        if activity.status != DrawStatus.DRAWING or activity.by_calls:
            # a 复评 by calls is decided on the phone (services/draws/followups/recall.py)
            return []
        timers: list[Invitation] = []
        done = short = 0
        # each condition's planned, confirmed and waiting, and the last wave: one statement
        if found is None:
            found = await rows(ADVANCE_SQL, now, activity.id)
        if idle(found):  # the sweep's own look before it locks (sweep.py): one rule
            return []
        wave = max((int(r["wave"] or 0) for r in found), default=0) + 1
        for row in found:
            if row["peer"]:  # another library draws it: done or short when it says so
                done += row["peer"] == "done"
                short += row["peer"] == "short"
                continue
            planned, confirmed = int(row["planned"]), int(row["confirmed"] or 0)
            waiting = int(row["waiting"] or 0)
            need = planned - confirmed - waiting
            if need > 0:
                condition = await Condition.get(id=row["id"])
                sent = await self._invite(change, activity, condition, need, wave, now)
                timers += sent
                waiting += len(sent)
            if confirmed >= planned:
                done += 1
            elif waiting == 0:
                short += 1
                if not row["exhausted"]:
                    await Condition.filter(id=row["id"]).update(exhausted=True)
                    await notify_agency(change, activity, "draw.shortage",
                                        progress=f"{confirmed}/{planned}")
        if done == len(found):
            await self.end(change, activity, "complete")
        elif done + short == len(found):
            await self.end(change, activity, "exhausted")
        return timers

    async def _invite(self, change: Change, activity: DrawActivity, condition: Condition,
                      need: int, wave: int, now: datetime) -> list[Invitation]:
        assert activity.seed is not None
        sent: list[Invitation] = []
        notice = await Notice.get(id=condition.notice_id)
        await mark_roles([notice])  # the invitation says 主场 / 副场 (FG-807)
        committee = await Committee.of(activity)  # two related experts never sit in it
        # an urgent draw: its emergency experts first (services/draws/randomness/urgent.py)
        urgent = await urgent_pool(condition.id)
        urgency = await approved_urgency(activity)  # said in the invitation, with its reason
        minutes = response_minutes(activity, urgency)
        for name in (URGENT, *POOLS) if urgent is not None else POOLS:
            pool = list(urgent.expert_ids) if urgent is not None and name == URGENT else \
                await self._pool(activity, condition, name, now)
            if pool is None:
                continue
            weights = urgent_weights(urgent) if urgent is not None and name == URGENT else \
                pool_weights(condition, name)
            used = set(await column(Invitation.filter(condition_id=condition.id, pool=name)
                       , "rank"))
            used |= set(await column(SkippedCandidate.filter(condition_id=condition.id, pool=name)
                        , "rank"))
            ordered = order(draw_key(activity.seed, activity.nonce or ""), condition.id, name,
                            pool, weights)
            rank = len(used)
            while len(sent) < need and rank < len(ordered):
                chunk = ordered[rank:rank + max(need - len(sent), 8)]
                why = await blocked(activity, notice, chunk, now)
                await committee.look_at(chunk)
                person_of = await persons_of(chunk)  # the chunk's in one statement
                for expert_id in chunk:
                    if len(sent) >= need:
                        break
                    reason = why.get(expert_id) or committee.clash(expert_id)
                    if reason:
                        await SkippedCandidate.create(condition=condition, expert_id=expert_id,
                                                      pool=name, rank=rank, reason=reason)
                    else:
                        sent.append(await self._send(change, activity, condition, notice,
                                                     (expert_id, person_of[expert_id]), name,
                                                     rank, wave, now, minutes, urgency))
                        committee.seat(expert_id, sent[-1].id)
                    rank += 1
            if len(sent) >= need:
                break
        return sent

    async def _pool(self, activity: DrawActivity, condition: Condition, name: str,
                    now: datetime) -> list[int] | None:
        if name == "main":
            return list(condition.pool or [])
        if not condition.alternate_specialty:
            return None
        if condition.alt_pool is None:  # fixed the first time the main pool runs out
            main = set(condition.pool or [])
            pool = await candidate_pool(activity, condition, condition.alternate_specialty,
                                        exclude=main)
            # weighted as its main pool was
            weights = None if condition.weighting is None else await weights_of(
                pool, condition.weighting, now)
            condition.alt_pool, condition.alt_pool_hash = pool, pool_root(condition.id, "alt",
                                                                          pool, weights)
            condition.alt_pool_weights = stored(weights)
            await condition.save(update_fields=["alt_pool", "alt_pool_hash",
                                                "alt_pool_weights"])
        return list(condition.alt_pool)

    async def _send(self, change: Change, activity: DrawActivity, condition: Condition,
                    notice: Notice, expert: tuple[int, int], pool: str, rank: int, wave: int,
                    now: datetime, minutes: int, urgency: ActivityUrgency | None
                    ) -> Invitation:
        """The invitation of `expert` (its id, its person's), written; its notice queued
        with the change's others, written together when it ends."""
        expert_id, person_id = expert
        invitation = await Invitation.create(
            activity=activity, condition=condition, expert_id=expert_id, person_id=person_id,
            pool=pool, rank=rank, wave=wave, sent_at=now,
            due_at=now + timedelta(minutes=minutes),
            supplementary=activity.kind == "supplement",
            eval_start=activity.eval_start, eval_end=activity.eval_end)  # its window
        params = {**Notices.invitation_params(notice, invitation, minutes),
                  **answer_params(self.answer_link, invitation.id),
                  "invitation": str(invitation.id),  # whose (services/draws/running/moot.py)
                  # an approved 应急: why the window is short (its reason's key)
                  "urgency": urgency.reason if urgency is not None else ""}
        change.notify_new("draw.invitation", params, person_id=person_id,
                          dedupe_key=invitation_key(invitation.id))
        return invitation

    async def end(self, change: Change, activity: DrawActivity, reason: str) -> None:
        activity.status, activity.ended_at, activity.end_reason = \
            DrawStatus.ENDED, change.now, reason
        await activity.save(update_fields=["status", "ended_at", "end_reason"])
        counts = await Progress.draw_counts(activity.id)
        await notify_agency(change, activity, "draw.ended", ending=reason,
                            progress=counts.text, unseal=china_time(unseal_at(activity)))
