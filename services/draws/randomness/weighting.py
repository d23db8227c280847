"""A draw weighted by credit level (阶梯抽取概率), off by default: one of ours
(docs/rules-that-are-ours.md, "Sanctions and caps"). When the administrator turns it on
(models/sanctions.py DrawPolicy), a pool committed from then on carries each candidate's
weight, from their credit level at that moment (services/standing/credit.py, as the expert's
credit page shows it), an expert with no performance record of service holding at most level
B's weight: full credit without a record is no evidence of good service. The weights are in
the pool's Merkle leaves and its order is derived from them and the published randomness
alone (services/draws/randomness/audit.py `order`), so the audit re-derives it and a changed
weight fails it. A pool committed while it is off stays unweighted, leaf for leaf as before."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any

from models.draws import Condition, DrawActivity
from models.sanctions import DrawPolicy
from services.common.errors import BadInput
from services.common.texts import Texts
from services.standing import CreditDesk

LEVEL_FIELDS = {"A": "weight_a", "B": "weight_b", "C": "weight_c", "D": "weight_d"}
WEIGHT_MIN, WEIGHT_MAX = 1, 10  # a weight the administrator may set
# the level whose weight an expert without any record of service holds at most (ours: a
# newcomer is never drawn ahead of a long-serving B, and a good record earns more)
UNRECORDED_AT_MOST = "B"


def check_weights(weights: list[int]) -> None:
    """The weights of levels A to D: whole numbers 1–10 (the API's bounds), never higher for
    a lower level: a ladder that favours the better credit (A ≥ B ≥ C ≥ D)."""
    if any(not WEIGHT_MIN <= w <= WEIGHT_MAX for w in weights):
        raise BadInput("draw_policy.weight_range")
    if any(lower > higher for higher, lower in pairwise(weights)):
        raise BadInput("draw_policy.weight_order")


def table_of(policy: DrawPolicy) -> dict[str, int]:
    """The policy's weight for each credit level."""
    return {level: int(getattr(policy, name)) for level, name in LEVEL_FIELDS.items()}


class Weighting:
    """The administrator's weighting of candidates by their standing, and its words."""

    @staticmethod
    async def draw_policy() -> DrawPolicy | None:
        """The library's draw caps and weighting as the administrator set them (None: never
        set, the defaults)."""
        return await DrawPolicy.get_or_none(id=1)

    @staticmethod
    async def set_draw_policy(values: dict[str, Any], by: int) -> None:
        """The administrator's caps and weighting: each invitation from now on is checked
        against the caps, each pool committed from now on weighted by the weights."""
        check_weights([values["weight_a"], values["weight_b"], values["weight_c"],
                       values["weight_d"]])
        await DrawPolicy.update_or_create(id=1, defaults={**values, "updated_by": by})

    @staticmethod
    def weighting_said(texts: Texts, table: dict[str, int] | None) -> str:
        """How a pool was drawn, in words: equal chances, or weighted with these weights."""
        return texts.render("draw/weighting.j2", weighting=table).strip()


async def weighting_now() -> dict[str, int] | None:
    """The level table when weighting is on now, else None."""
    policy = await Weighting.draw_policy()
    return table_of(policy) if policy is not None and policy.weighted else None


async def weights_of(expert_ids: list[int], table: dict[str, int],
                     now: datetime) -> dict[int, int]:
    """Each expert's weight by their credit level now; one with no performance record of
    service in the credit's window at most level B's."""
    credits = await CreditDesk.compute_many(sorted(set(expert_ids)), now)
    return {expert_id: table[got.level] if got.records
            else min(table[got.level], table[UNRECORDED_AT_MOST])
            for expert_id, got in credits.items()}


def stored(weights: dict[int, int] | None) -> dict[str, int] | None:
    """Weights as a JSON column keeps them (keys are strings there)."""
    return None if weights is None else {str(k): v for k, v in sorted(weights.items())}


def loaded(column: dict[str, int] | None) -> dict[int, int] | None:
    return None if column is None else {int(k): int(v) for k, v in column.items()}


def pool_weights(condition: Condition, name: str) -> dict[int, int] | None:
    """The committed weights of one of the condition's pools (None: unweighted)."""
    return loaded(condition.pool_weights if name == "main" else condition.alt_pool_weights)


async def weighted_words(texts: Texts, activity_ids: list[int]) -> list[str]:
    """For the printed record: how each weighted draw of these activities (an evaluation's
    draw and its 补抽) was weighted, a 补抽's marked; nothing when none was weighted."""
    kinds = dict(await DrawActivity.filter(id__in=activity_ids).values_list("id", "kind"))
    out: list[str] = []
    for condition in await Condition.filter(activity_id__in=activity_ids).order_by("id"):
        if condition.weighting is None:
            continue
        words = ("补抽：" if kinds.get(condition.activity_id) == "supplement" else "") + \
            Weighting.weighting_said(texts, condition.weighting)
        if words not in out:
            out.append(words)
    return out
