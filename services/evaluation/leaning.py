"""专家打分倾向 (NDRC-195 item 17; docs/rules-that-are-ours.md, "Scores: deviation
and leaning"): across evaluations, an expert who scores one bidder, or whoever the
committee ranks first in one agency's evaluations, above the committee again and again.

Each evaluation gives one signed observation (the expert's total against the committee's
median total, per cent of the total maximum: services/evaluation/analysis.py). A leaning is
flagged when there are enough evaluations, their mean is at least the deviation threshold,
and an exact one-sided sign test says that so many positive signs are unlikely by chance.
A flag is a proposal a person examines, never a sanction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import comb

DEFAULT_THRESHOLD = Decimal("5")  # per cent, the same as a single evaluation's deviation
MIN_SAMPLE = 5  # fewer evaluations cannot reach p ≤ 0.05 with a sign test (5 of 5: 0.0313)
ALPHA = Decimal("0.05")
TENTH = Decimal("0.1")
BIDDER = "bidder"
AGENCY = "agency"


@dataclass(frozen=True)
class Observation:
    """One expert, one bidder, one evaluation: the expert's total deviation, per cent of the
    total maximum (signed, one decimal), and whether the committee's median totals ranked
    that bidder first."""

    expert_id: int
    evaluation_id: int
    agency_id: int
    bidder: str
    percent: Decimal
    first: bool


@dataclass(frozen=True)
class Leaning:
    """A flagged leaning of one expert toward a bidder or toward one agency's first-ranked
    bidders; `key` is the bidder's key or the agency's id."""

    expert_id: int
    toward: str  # "bidder" or "agency"
    key: str
    sample: int  # evaluations
    above: int  # of them, those where the expert was above the committee
    mean: Decimal  # mean percent, one decimal
    p_value: Decimal  # one-sided exact sign test, four decimals
    evaluations: tuple[int, ...]


def sign_tail(above: int, below: int) -> Fraction:
    """P(at least `above` positive of above + below signs) when each is positive with
    probability one half: the exact one-sided sign test, in integers."""
    n = above + below
    # the binomial tail is a sum of whole numbers over 2^n: exact, no floating point
    return Fraction(sum(comb(n, k) for k in range(above, n + 1)), 2**n)


def sign_test(above: int, below: int) -> Decimal:
    """The one-sided exact sign test's p-value, rounded half-up to four decimals."""
    tail = sign_tail(above, below)
    # rounded with integers too, so that no binary fraction is cut before it is rounded
    whole, rest = divmod(tail.numerator * 10_000, tail.denominator)
    if 2 * rest >= tail.denominator:
        whole += 1
    return Decimal(whole).scaleb(-4)


def _mean(values: Sequence[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(TENTH, ROUND_HALF_UP)


def _one_each(observations: Iterable[Observation]) -> dict[tuple[int, int, str], Observation]:
    """The observations by expert, evaluation and bidder; the same one twice is kept once,
    two that disagree are refused (which one the caller meant cannot be guessed)."""
    found: dict[tuple[int, int, str], Observation] = {}
    for seen in observations:
        key = (seen.expert_id, seen.evaluation_id, seen.bidder)
        if key in found and found[key] != seen:
            raise ValueError(f"two observations of expert {seen.expert_id} for bidder "
                             f"{seen.bidder} in evaluation {seen.evaluation_id}")
        found[key] = seen
    return found


def _series(observations: Iterable[Observation]
            ) -> dict[tuple[int, str, str], dict[int, Decimal]]:
    """Per expert and target (a bidder, or an agency), one percent per evaluation."""
    series: dict[tuple[int, str, str], dict[int, Decimal]] = defaultdict(dict)
    firsts: dict[tuple[int, int, int], list[Decimal]] = defaultdict(list)
    for seen in _one_each(observations).values():
        series[(seen.expert_id, BIDDER, seen.bidder)][seen.evaluation_id] = seen.percent
        if seen.first:
            firsts[(seen.expert_id, seen.agency_id, seen.evaluation_id)].append(seen.percent)
    for (expert, agency, evaluation), percents in firsts.items():
        # bidders tied first share the place: the expert's lift of the place is their mean
        series[(expert, AGENCY, str(agency))][evaluation] = _mean(percents)
    return series


def _order(leaning: Leaning) -> tuple[int, int, str, int]:
    by_agency = leaning.toward == AGENCY
    return (leaning.expert_id, by_agency, "" if by_agency else leaning.key,
            int(leaning.key) if by_agency else 0)


def leanings(observations: Iterable[Observation], threshold: Decimal = DEFAULT_THRESHOLD,
             min_sample: int = MIN_SAMPLE, alpha: Decimal = ALPHA) -> list[Leaning]:
    """The flagged leanings, by expert, then bidders before agencies, then key.

    Toward a bidder: the expert's observations of that bidder, one per evaluation. Toward
    an agency: in each of its evaluations, the expert's observation of the bidder the
    committee ranked first (several tied first: their mean). Flagged when the evaluations
    number at least `min_sample`, their mean percent is at least `threshold`, and the
    one-sided exact sign test (positive and negative equally likely; zeros left out of the
    signs but not of the sample or the mean) gives p ≤ `alpha`."""
    found = []
    for (expert, toward, key), by_evaluation in _series(observations).items():
        if len(by_evaluation) < min_sample:
            continue
        percents = list(by_evaluation.values())
        mean = _mean(percents)
        if mean < threshold:
            continue
        above = sum(1 for p in percents if p > 0)
        below = sum(1 for p in percents if p < 0)
        # the level is compared with the exact tail, not with its four shown decimals
        if sign_tail(above, below) > Fraction(alpha):
            continue
        found.append(Leaning(expert_id=expert, toward=toward, key=key,
                             sample=len(percents), above=above, mean=mean,
                             p_value=sign_test(above, below),
                             evaluations=tuple(sorted(by_evaluation))))
    return sorted(found, key=_order)
