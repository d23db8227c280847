"""An urgent (应急) draw's first pool: when the trading centre approves an activity as urgent
(services/draws/setup/urgency.py), each condition's main pool is committed as today and, beside
it, the pool `urg` of its members who said yes to 是否愿意成为应急专家 (XJ-SIGNUP, XJ-CE) at
that moment, with its own Merkle root published in the same log entry. The draw walks `urg`
first, then `main` and `alt` as any draw does: a member of `urg` met again in `main` is
passed over as already invited (or for the reason that kept them out the first time), so
every position of every pool is accounted for and the audit re-derives them all. A 补抽 is
urgent when the evaluation it serves was approved as urgent; a re-draw asks again."""

from __future__ import annotations

from models import column
from models.draw_handler import ActivityUrgency, UrgentPool
from models.draws import Condition, DrawActivity
from models.experts import ExpertProfile
from services.draws.randomness.merkle import Weights, pool_root
from services.draws.randomness.weighting import loaded, stored

URGENT = "urg"  # the pool's name, in the order's labels and the Merkle leaves


async def approved_urgency(activity: DrawActivity) -> ActivityUrgency | None:
    """The activity's urgency as the trading centre approved it (a 补抽: that of the
    evaluation it serves); None: an ordinary draw."""
    owner = activity.parent_id if activity.kind == "supplement" else activity.id
    if owner is None:
        return None
    return await ActivityUrgency.get_or_none(activity_id=owner, status="approved")


def response_minutes(activity: DrawActivity, urgency: ActivityUrgency | None) -> int:
    """The answer window of the activity's invitations: an urgent draw's own (fixed when it
    was approved: `urgency`, approved_urgency's), else the one the agency set."""
    if urgency is not None and urgency.minutes:
        return urgency.minutes
    return activity.response_minutes


async def commit_urgent(condition: Condition, main: list[int],
                        weights: Weights | None) -> UrgentPool:
    """The condition's emergency experts, among its main pool as just committed, fixed with
    their root (weighted as the main pool is)."""
    willing = sorted({int(e) for e in await column(ExpertProfile.filter(
        id__in=main, emergency_ok=True), "id")})
    mine = None if weights is None else {e: weights[e] for e in willing}
    values = {"activity_id": condition.activity_id, "expert_ids": willing,
              "root": pool_root(condition.id, URGENT, willing, mine), "weights": stored(mine)}
    pool, _ = await UrgentPool.update_or_create(values, condition_id=condition.id)
    return pool


async def urgent_pool(condition_id: int) -> UrgentPool | None:
    """The condition's committed emergency pool (None: not an urgent draw's condition)."""
    return await UrgentPool.get_or_none(condition_id=condition_id)


async def urgent_pools(condition_ids: list[int]) -> dict[int, UrgentPool]:
    """Those of these conditions that have one, by condition id."""
    if not condition_ids:
        return {}
    return {p.condition_id: p for p in await UrgentPool.filter(condition_id__in=condition_ids)}


def urgent_weights(pool: UrgentPool) -> dict[int, int] | None:
    """The committed weights of an emergency pool (None: unweighted)."""
    return loaded(pool.weights)
