"""专家打分偏离度 (NDRC-195 item 9; docs/rules-that-are-ours.md, "Scores: deviation
and leaning"): an evaluation's score table read against its own committee.

Each expert's total for each bidder is compared with the committee's median total, and each
subjective criterion with that criterion's median, as a share of the maximum the score could
reach; objective criteria, which the committee should score alike, are compared exactly.
The observations the leaning across evaluations is built from (services/evaluation/
leaning.py) are made here too. Pure: no database, no I/O; the caller checks that the table
is complete before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from services.evaluation.leaning import DEFAULT_THRESHOLD, Observation

# a median of two is their mean: each is as far from it as the other, so nobody stands out
MIN_COMMITTEE = 3
TENTH = Decimal("0.1")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Criterion:
    """One line of the evaluation's scoring method: its maximum, and whether it is
    subjective (主观分) or objective (客观分)."""

    code: str
    name: str
    maximum: Decimal
    subjective: bool


@dataclass(frozen=True)
class Score:
    """One expert's (by verification code) score of one bidder on one criterion."""

    expert: str
    bidder: str
    criterion: str  # the criterion's code
    value: Decimal


@dataclass(frozen=True)
class Table:
    """An evaluation's whole score table: every expert scored every bidder on every
    criterion (the caller checks it)."""

    criteria: tuple[Criterion, ...]
    experts: tuple[str, ...]
    bidders: tuple[str, ...]
    scores: tuple[Score, ...]


@dataclass(frozen=True)
class Deviation:
    """An expert's score that stands out from the committee's median: on one criterion, or
    on the total (`criterion` None)."""

    expert: str
    bidder: str
    criterion: str | None
    value: Decimal
    median: Decimal
    maximum: Decimal
    percent: Decimal  # (value − median) / maximum × 100, signed, one decimal half-up
    threshold: Decimal


def median(values: Sequence[Decimal]) -> Decimal:
    """The middle value, or the mean of the two middle ones for an even count."""
    if not values:
        raise ValueError("the median of nothing")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percent(value: Decimal, middle: Decimal, maximum: Decimal) -> Decimal:
    """(value − median) as a signed per cent of the maximum, rounded half-up to one decimal."""
    # of the maximum, not of the median: a bidder the committee scores near nothing would
    # turn a point's difference into hundreds of per cent
    share = ((value - middle) * 100 / maximum).quantize(TENTH, ROUND_HALF_UP)
    return abs(share) if share.is_zero() else share  # no "-0.0" on a page


class _Grid:
    """The table's values by expert, bidder and criterion, and the totals."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.values = {(s.expert, s.bidder, s.criterion): s.value for s in table.scores}
        self.totals = {(e, b): sum((self.values[(e, b, c.code)] for c in table.criteria), ZERO)
                       for e in table.experts for b in table.bidders}
        self.maximum = sum((c.maximum for c in table.criteria), ZERO)

    def criterion_median(self, bidder: str, criterion: str) -> Decimal:
        return median([self.values[(e, bidder, criterion)] for e in self.table.experts])

    def total_median(self, bidder: str) -> Decimal:
        # the median of the totals, not the sum of the criteria's medians: the total a
        # middle member of the committee gave
        return median([self.totals[(e, bidder)] for e in self.table.experts])


def _beyond(table: Table, threshold: Decimal, objective: bool) -> list[Deviation]:
    """Every expert's total (unless `objective`) and every criterion of the kind asked
    whose percent is beyond the threshold (objective: whose value is not the median)."""
    if len(table.experts) < MIN_COMMITTEE:
        return []
    grid = _Grid(table)
    criteria = [c for c in table.criteria if c.subjective != objective and c.maximum > 0]
    totals = {b: grid.total_median(b) for b in table.bidders}
    middles = {(b, c.code): grid.criterion_median(b, c.code)
               for b in table.bidders for c in criteria}
    found = []
    for expert in table.experts:
        for bidder in table.bidders:
            # a table whose maxima are all zero scores nothing that could deviate
            if not objective and grid.maximum > 0:
                total = grid.totals[(expert, bidder)]
                share = percent(total, totals[bidder], grid.maximum)
                if abs(share) > threshold:
                    found.append(Deviation(expert, bidder, None, total, totals[bidder],
                                           grid.maximum, share, threshold))
            for criterion in criteria:
                value = grid.values[(expert, bidder, criterion.code)]
                middle = middles[(bidder, criterion.code)]
                share = percent(value, middle, criterion.maximum)
                # an objective score differs or it does not: even a difference that rounds
                # to 0.0 % is an input error to look at
                if (value != middle) if objective else abs(share) > threshold:
                    found.append(Deviation(expert, bidder, criterion.code, value, middle,
                                           criterion.maximum, share, threshold))
    return found


def deviations(table: Table, threshold: Decimal = DEFAULT_THRESHOLD) -> list[Deviation]:
    """Totals and subjective criteria more than `threshold` per cent of their maximum away
    from the committee's median (the expert's own score included in it), in the table's
    order of experts, bidders and criteria, the total first.

    A committee of fewer than 3 experts yields nothing: the median of two is their mean,
    and says nothing about which of them deviates. The percent compared is the one shown,
    rounded half-up to one decimal: exactly the threshold is not beyond it."""
    return _beyond(table, threshold, objective=False)


def objective_mismatches(table: Table) -> list[Deviation]:
    """Objective criteria on which an expert's value is not the committee's median at all
    (threshold 0): objective scores should agree, and a difference is usually an input
    error. A committee of fewer than 3 experts yields nothing, as for `deviations`."""
    return _beyond(table, ZERO, objective=True)


def first_ranked(table: Table) -> frozenset[str]:
    """The bidders the committee ranks first: the highest median total (ties: all of them)."""
    if not table.experts or not table.bidders:
        return frozenset()
    grid = _Grid(table)
    middles = {b: grid.total_median(b) for b in table.bidders}
    best = max(middles.values())
    return frozenset(b for b, m in middles.items() if m == best)


def observe(table: Table, evaluation_id: int, agency_id: int,
            expert_ids: Mapping[str, int]) -> list[Observation]:
    """Each expert's total deviation for each bidder, the leaning's observations of one
    evaluation (experts named by `expert_ids`, verification code to id; others left out).
    A committee of fewer than 3 experts, or a table whose maxima are zero, yields nothing."""
    grid = _Grid(table)
    if len(table.experts) < MIN_COMMITTEE or grid.maximum <= 0:
        return []
    # the first place by the medians that include the expert's own total: simulated with
    # honest noise, an expert is above the committee for the bidder ranked so about half of
    # the time, and their mean is slightly below it (the median rises with the winner), so
    # the choice does not lean the test toward a flag (docs/rules-that-are-ours.md)
    first = first_ranked(table)
    totals = {b: grid.total_median(b) for b in table.bidders}
    return [Observation(expert_id=expert_ids[expert], evaluation_id=evaluation_id,
                        agency_id=agency_id, bidder=bidder,
                        percent=percent(grid.totals[(expert, bidder)], totals[bidder],
                                        grid.maximum),
                        first=bidder in first)
            for expert in table.experts if expert in expert_ids
            for bidder in table.bidders]
