"""A draw weighted by credit level (阶梯抽取概率), off by default: one of ours
(docs/rules-that-are-ours.md, "Sanctions and caps"). When the administrator turns it on
(models/sanctions.py DrawPolicy), a pool committed from then on carries each candidate's
weight, from their credit level at that moment (services/people/credit.py, as the expert's
credit page shows it; an expert with nothing on record has full credit, the level the rule
gives 100). The weights are in the pool's Merkle leaves and its order is derived from them
and the published randomness alone (services/draws/audit.py `order`), so the audit re-derives
it and a changed weight fails it. A pool committed while it is off stays unweighted, leaf
for leaf as before."""

from __future__ import annotations

from datetime import datetime

from models.draws import Condition
from models.sanctions import DrawPolicy
from services.people import credit

LEVEL_FIELDS = {"A": "weight_a", "B": "weight_b", "C": "weight_c", "D": "weight_d"}
WEIGHT_MIN, WEIGHT_MAX = 1, 10  # a weight the administrator may set


def table_of(policy: DrawPolicy) -> dict[str, int]:
    """The policy's weight for each credit level."""
    return {level: int(getattr(policy, name)) for level, name in LEVEL_FIELDS.items()}


async def weighting_now() -> dict[str, int] | None:
    """The level table when weighting is on now, else None."""
    policy = await DrawPolicy.get_or_none(id=1)
    return table_of(policy) if policy is not None and policy.weighted else None


async def weights_of(expert_ids: list[int], table: dict[str, int],
                     now: datetime) -> dict[int, int]:
    """Each expert's weight by their credit level now."""
    credits = await credit.compute_many(sorted(set(expert_ids)), now)
    return {expert_id: table[got.level] for expert_id, got in credits.items()}


def stored(weights: dict[int, int] | None) -> dict[str, int] | None:
    """Weights as a JSON column keeps them (keys are strings there)."""
    return None if weights is None else {str(k): v for k, v in sorted(weights.items())}


def loaded(column: dict[str, int] | None) -> dict[int, int] | None:
    return None if column is None else {int(k): int(v) for k, v in column.items()}


def pool_weights(condition: Condition, name: str) -> dict[int, int] | None:
    """The committed weights of one of the condition's pools (None: unweighted)."""
    return loaded(condition.pool_weights if name == "main" else condition.alt_pool_weights)
