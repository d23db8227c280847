"""What the agency asks while the results are sealed, applied out of its sight: a phone
registered absent (it takes effect only if the phone is a confirmed expert's), a 补抽
prepared (only if an absence left a place) and started (only if one was prepared). The
request answers alike and costs alike either way; the log keeps it as pending, and the sweep
(nudged at once by a job) applies it, so a lost job loses nothing. What came of it is in the
log's detail, shown to the agency once the results unseal (docs/seal.md)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from tortoise.transactions import in_transaction

from models.draws import ActorRole, Condition, DrawActivity, DrawLog, InvitationStatus
from models.draws import Invitation as InvitationRow
from services.common.errors import DomainError
from services.draws.facts.family import Family, open_places
from services.draws.facts.oplog import SYSTEM, Actor
from services.draws.followups.absences import Absences
from services.draws.followups.supplements import Supplements
from services.draws.randomness.urgent import urgent_pools
from services.draws.running.lifecycle import Lifecycle
from services.notifications import Outbox

log = logging.getLogger(__name__)
SEALED_ACTIONS = ("absence_phone", "supplement_request", "supplement_start",
                  "sanction_release", "kin_release")
LOOK_BACK = timedelta(days=2)  # pending requests are found again this far back
RETRY_APPLYING = timedelta(minutes=5)  # one claimed but never finished (a process died)


class SealedRequests:
    """The requests an agency made while the results were sealed, applied out of its sight."""

    def __init__(self, outbox: Outbox, supplements: Supplements, lifecycle: Lifecycle) -> None:
        self.outbox = outbox
        self.supplements = supplements
        self.lifecycle = lifecycle

    async def apply_pending(self, now: datetime) -> int:
        """Apply the sealed requests still pending; returns how many. Rounds until one
        applies nothing: a request logged while this one applied an earlier one of the same
        activity was skipped by its own job (the earlier one was still being applied), and
        is this one's to apply, not the next sweep's."""
        done = 0
        while applied := await self._apply_round(now):
            done += applied
        return done

    async def _apply_round(self, now: datetime) -> int:
        done = 0
        behind: set[int] = set()  # activities with an earlier request not finished yet
        for entry in await DrawLog.filter(action__in=SEALED_ACTIONS,
                                          at__gte=now - LOOK_BACK).order_by("id"):
            if "pending" not in (entry.detail or {}) or entry.activity_id in behind:
                continue
            # in order per activity: a 补抽 is started only after it was prepared
            if await self._claim(entry.id, now):
                done += await self._apply(await DrawLog.get(id=entry.id), now)
            else:
                behind.add(entry.activity_id)
        return done

    @staticmethod
    async def _claim(entry_id: int, now: datetime) -> bool:
        """Take one pending request (one process at a time, under its row's lock)."""
        async with in_transaction():
            entry = await DrawLog.select_for_update().get(id=entry_id)
            detail = dict(entry.detail or {})
            started = detail.get("applying")
            if "pending" not in detail or (started and datetime.fromisoformat(started)
                                           > now - RETRY_APPLYING):
                return False
            detail["applying"] = now.isoformat()
            await DrawLog.filter(id=entry_id).update(detail=detail)
        return True

    async def _apply(self, entry: DrawLog, now: datetime) -> int:
        detail: dict[str, Any] = dict(entry.detail)
        activity = await DrawActivity.get(id=entry.activity_id)
        if entry.action == "absence_phone":
            outcome = await self._apply_absence(activity, int(detail["pending"]),
                                                entry.reason or "缺席", now)
        elif entry.action == "supplement_request":
            outcome = await self._apply_supplement(activity, detail, now)
        else:
            outcome = await self._apply_start(activity, detail, now)
        await DrawLog.filter(id=entry.id).update(detail={
            k: v for k, v in {**detail, **outcome}.items() if k not in ("pending", "applying")})
        return 1

    async def _apply_absence(self, activity: DrawActivity, person_id: int, kind: str,
                             now: datetime) -> dict[str, Any]:
        found = await InvitationRow.filter(
            activity_id__in=await Family.family(activity), person_id=person_id,
            status=InvitationStatus.CONFIRMED).first() if person_id else None
        if found is not None:
            async with self.outbox.change(now) as change:
                await Absences.absent(change, activity, found, kind, now)
        return {"matched": found is not None}

    async def _apply_supplement(self, activity: DrawActivity, detail: dict[str, Any],
                                now: datetime) -> dict[str, Any]:
        need = (await open_places([activity.id])).get(activity.id, {})
        if not need:
            return {"child": None, "places": 0}
        gather_at = datetime.fromisoformat(detail["gather_at"]) if detail.get("gather_at") \
            else None
        child = await self.supplements.prepare(activity, need, detail.get("regions"), gather_at,
                                               SYSTEM, now, logged=False)
        conditions = await Condition.filter(activity_id=child.id)
        urgent = await urgent_pools([c.id for c in conditions])  # an urgent evaluation's
        weighting = {str(c.id): c.weighting for c in conditions if c.weighting is not None}
        return {"child": child.id, "places": sum(need.values()),
                "seed_hash": child.seed_hash, "pools": {
                    str(c.id): {"main": c.pool_hash, "alt": c.alt_pool_hash,
                                **({"urg": urgent[c.id].root} if c.id in urgent else {})}
                    for c in conditions}, **({"weighting": weighting} if weighting else {})}

    async def _apply_start(self, activity: DrawActivity, detail: dict[str, Any],
                           now: datetime) -> dict[str, Any]:
        child = await Supplements.prepared(activity)
        if child is None:
            return {"child": None}
        role, person_id, shown = detail["by"]
        try:
            await self.lifecycle.start(child.id, now, Actor(cast(ActorRole, role), person_id,
                                                          shown), str(detail.get("nonce", "")))
        except DomainError as exc:  # e.g. the evaluation is over: its places stay open
            log.info("sealed 补抽 %s not started: %s", child.id, exc.code)
            return {"child": child.id, "refused": exc.code}
        return {"child": child.id}
