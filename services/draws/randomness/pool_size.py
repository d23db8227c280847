"""How predictable a draw is (中国招标 2024-01-02 "名单泄露风险": a small pool makes a committee
guessable; docs/rules-that-are-ours.md): before a draw starts, each condition drawn here
says how many candidates its pool holds now and the largest chance any one of them has of
being drawn; a pool under three times its places is small, and the verifier approves such
a request only when she says she knows it. The pool is counted as the draw will walk it:
those the draw would pass over now (a past unit, a declared relative, a booking, a declared
day off, the supervising department's staff, a sanction, a cap, 异地 declined: candidates/
pool.py `blocked`) are not candidates, so a pool that will run dry never looks large."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from models.draws import Condition, DrawActivity, Notice
from models.experts import ExpertProfile
from models.federated_draws import PeerAsk
from services.draws.candidates.pool import blocked, candidate_pool
from services.draws.randomness.weighting import weighting_now, weights_of

SMALL_FACTOR = 3  # a pool under 3 × the places is small (ours)


@dataclass(frozen=True)
class PoolSize:
    condition_id: int
    number: int  # the condition's place in the activity (条件1, 条件2 …)
    planned: int
    size: int  # the main specialty's candidates now (the committed pool once verified)
    alternate: int | None  # the alternate specialty's, beyond the main's
    chance: Decimal | None  # the largest chance of one candidate, per cent (None: empty)
    willing: int = 0  # of the main candidates, those who said yes to 应急 (an urgent draw's first)
    # of the pool (main and alternate), those the draw would pass over now, by reason
    # (a Skip's text: candidates/skip_reasons.py); not counted in `size` nor `alternate`
    passed_over: tuple[str, ...] = ()

    @property
    def small(self) -> bool:
        return self.size < SMALL_FACTOR * self.planned


def largest_chance(planned: int, weights: list[int]) -> Decimal | None:
    """Per cent, one decimal: places over candidates; weighted, the heaviest candidate's
    share of the pool's weight times the places (capped at 100)."""
    if not weights:
        return None
    share = Decimal(planned * max(weights)) / Decimal(sum(weights))
    return min(Decimal(100), share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


class PoolSizes:
    """How predictable a draw is, before it starts."""

    @staticmethod
    async def pool_sizes(activity: DrawActivity, now: datetime) -> list[PoolSize]:
        """Each condition this library draws (not a 复评's, nor one another library draws)."""
        if activity.kind == "reeval":
            return []
        peer = set(await PeerAsk.filter(activity_id=activity.id).values_list("condition_id",
                                                                             flat=True))
        table = await weighting_now()
        out = []
        conditions = await Condition.filter(activity_id=activity.id).order_by("id")
        for number, condition in enumerate(conditions, 1):
            if condition.id in peer:
                continue
            pool = condition.pool if condition.pool is not None else await candidate_pool(
                activity, condition, condition.main_specialty)
            alt_pool = None
            if condition.alternate_specialty:
                alt_pool = condition.alt_pool if condition.alt_pool is not None else \
                    await candidate_pool(activity, condition, condition.alternate_specialty,
                                         exclude=set(pool))
            # as the draw will walk it: who it would pass over now is no candidate
            notice = await Notice.get(id=condition.notice_id)
            skipped = await blocked(activity, notice, [*pool, *(alt_pool or [])], now)
            main = [e for e in pool if e not in skipped]
            alt = None if alt_pool is None else len([e for e in alt_pool if e not in skipped])
            weights = list((await weights_of(main, table, now)).values()) if table and main \
                else [1] * len(main)
            willing = await ExpertProfile.filter(id__in=list(main), emergency_ok=True).count() \
                if main else 0
            out.append(PoolSize(condition.id, number, condition.planned, len(main), alt,
                                largest_chance(condition.planned, weights), willing,
                                tuple(skipped.values())))
        return out
