"""A draw committed before its handler's value is known: when the trading centre verifies
an activity (a 补抽: when it is prepared), its seed and every condition's candidate pools —
the main specialty's and the alternate's — are fixed and their hashes (Merkle roots,
services/draws/randomness/merkle.py) published in the operation log and shown to the agency. The
handler's value, entered at the start, is mixed in afterwards. So once anyone knows the
value, no one can choose who is in a pool, and the auditor holds the pools the draw used to
the roots published before it. When the draw policy weights draws by credit level, each
candidate's weight is committed with the pool (services/draws/randomness/weighting.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.draws import Condition, DrawActivity, DrawLog
from services.draws.candidates.pool import candidate_pool, original_experts
from services.draws.randomness.audit import new_seed, seed_hash
from services.draws.randomness.merkle import pool_root
from services.draws.randomness.urgent import URGENT, approved_urgency, commit_urgent
from services.draws.randomness.weighting import (
    pool_weights,
    stored,
    weighting_now,
    weights_of,
)

COMMITTING = ("verify", "supplement", "supplement_request")  # the log entries that publish


async def commit(activity: DrawActivity, now: datetime) -> dict[str, Any]:
    """Fix the seed (unless it is) and the pools of every condition; what to publish (with
    the level table of a weighted condition: its weights are in the roots)."""
    if activity.seed is None:
        activity.seed = new_seed()
        activity.seed_hash = seed_hash(activity.seed)
        await activity.save(update_fields=["seed_enc", "seed_clear", "seed_hash"])
    published: dict[str, dict[str, str | None]] = {}
    weighting: dict[str, dict[str, int]] = {}
    # an urgent draw's emergency experts first (services/draws/randomness/urgent.py)
    urgent = activity.kind != "reeval" and await approved_urgency(activity) is not None
    for condition in await Condition.filter(activity_id=activity.id).order_by("id"):
        await commit_condition(activity, condition, now)
        published[str(condition.id)] = {"main": condition.pool_hash,
                                        "alt": condition.alt_pool_hash}
        if urgent:
            published[str(condition.id)][URGENT] = (await commit_urgent(
                condition, condition.pool or [], pool_weights(condition, "main"))).root
        if condition.weighting is not None:
            weighting[str(condition.id)] = condition.weighting
    out: dict[str, Any] = {"seed_hash": activity.seed_hash, "pools": published}
    return {**out, "weighting": weighting} if weighting else out


async def commit_condition(activity: DrawActivity, condition: Condition,
                           now: datetime) -> None:
    """One condition's pools: a re-evaluation's are the original experts; otherwise the
    candidates of the main specialty, and of the alternate one (drawn only when the main
    pool runs out) without those already in the main pool. Weighted by credit level when
    the policy says so now."""
    if activity.kind == "reeval":
        main, alt = await original_experts(condition), None
    else:
        main = await candidate_pool(activity, condition, condition.main_specialty)
        alt = await candidate_pool(activity, condition, condition.alternate_specialty,
                                   exclude=set(main)) if condition.alternate_specialty else None
    table = await weighting_now()
    weights = None if table is None else await weights_of(main + (alt or []), table, now)
    main_weights = None if weights is None else {e: weights[e] for e in main}
    alt_weights = None if weights is None or alt is None else {e: weights[e] for e in alt}
    condition.pool, condition.pool_hash = main, pool_root(condition.id, "main", main,
                                                          main_weights)
    condition.alt_pool = alt
    condition.alt_pool_hash = None if alt is None else pool_root(condition.id, "alt", alt,
                                                                 alt_weights)
    condition.weighting = table
    condition.pool_weights, condition.alt_pool_weights = stored(main_weights), \
        stored(alt_weights)
    await condition.save(update_fields=["pool", "pool_hash", "alt_pool", "alt_pool_hash",
                                        "weighting", "pool_weights", "alt_pool_weights"])


class Commitments:
    """The seed and pools a draw committed before its handler's value was known."""

    @staticmethod
    async def published_roots(activity: DrawActivity) -> dict[tuple[int, str], str]:
        """The pool roots published before the draw started: (condition, pool) -> root."""
        roots: dict[tuple[int, str], str] = {}
        started = await DrawLog.filter(activity_id=activity.id, action="start").first()
        entries = DrawLog.filter(action__in=COMMITTING).order_by("id")
        for entry in await entries.filter(activity_id__in=[activity.id, activity.parent_id or 0]):
            if started is not None and entry.id > started.id:
                continue  # published after the start: not a commitment
            for condition_id, pools in (entry.detail or {}).get("pools", {}).items():
                for name, root in pools.items():
                    if root:
                        roots[(int(condition_id), str(name))] = str(root)
        return roots
