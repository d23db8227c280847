"""An expert's own view of the draws whose candidate pools they were in, each with a proof
(a Merkle path to the root the draw published before it started:
services/draws/randomness/merkle.py) that `expertbot audit --proof` checks (in a draw weighted by
credit level, with the expert's committed weight, which is in their leaf). Only once a draw's
results unseal (until then, who was a candidate is as sealed as who was drawn), and only their
own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.draws import Condition, DrawActivity, DrawStatus, Invitation, PoolName
from models.experts import ExpertProfile
from services.draws.facts.seal import SEAL_BEFORE
from services.draws.randomness.merkle import prove
from services.draws.randomness.urgent import urgent_pools, urgent_weights
from services.draws.randomness.weighting import pool_weights

LOOK_BACK = timedelta(days=180)  # the draws an expert can ask about (ours)
STARTED = (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED, DrawStatus.WITHDRAWN)


@dataclass(frozen=True)
class Membership:
    activity_id: int
    eval_start: datetime
    pool: PoolName
    invited: bool
    proof: dict[str, Any]


class Proofs:
    """An expert's proofs of the pools they were in."""

    @staticmethod
    async def memberships(person_id: int, now: datetime) -> list[Membership]:
        """The unsealed draws of the last LOOK_BACK whose pools held this person, newest first."""
        experts = {p.id for p in await ExpertProfile.filter(person_id=person_id)}
        if not experts:
            return []
        activities = {a.id: a for a in await DrawActivity.filter(
            status__in=list(STARTED), eval_start__gte=now - LOOK_BACK,
            eval_start__lte=now + SEAL_BEFORE)}
        invited = set(await Invitation.filter(person_id=person_id, activity_id__in=list(
            activities)).values_list("condition_id", flat=True))
        found = []
        conditions = await Condition.filter(activity_id__in=list(activities)).order_by("-id")
        urgent = await urgent_pools([c.id for c in conditions])
        for condition in conditions:
            first = urgent.get(condition.id)  # an urgent draw's emergency experts
            pools: tuple[tuple[PoolName, list[int] | None, dict[int, int] | None], ...] = (
                *((("urg", first.expert_ids, urgent_weights(first)),) if first else ()),
                ("main", condition.pool, pool_weights(condition, "main")),
                ("alt", condition.alt_pool, pool_weights(condition, "alt")))
            for name, pool, weights in pools:
                for expert_id in experts & set(pool or []):
                    proof = prove(condition.id, name, pool or [], expert_id, weights)
                    if proof is not None:
                        activity = activities[condition.activity_id]
                        found.append(Membership(activity.id, activity.eval_start, name,
                                                condition.id in invited, proof.as_dict()))
        return found
