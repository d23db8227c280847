"""The score table's analysis (services/evaluation/analysis.py, leaning.py): small tables
worked out by hand, the sign test's p-values by hand, and generated evaluations with known
deviating and leaning experts planted among honest ones — every planted one is found and
nobody else is."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.evaluation.analysis import (
    Criterion,
    Deviation,
    Score,
    Table,
    deviations,
    first_ranked,
    median,
    objective_mismatches,
    observe,
)
from services.evaluation.leaning import Observation, leanings, sign_test

D = Decimal


def table(criteria: Iterable[Criterion], rows: dict[str, dict[str, list[str]]]) -> Table:
    """rows: expert → bidder → the values in the criteria's order."""
    criteria = tuple(criteria)
    bidders = tuple(next(iter(rows.values())))
    scores = tuple(Score(e, b, c.code, D(v)) for e, by in rows.items() for b in bidders
                   for c, v in zip(criteria, by[b], strict=True))
    return Table(criteria, tuple(rows), bidders, scores)


def crit(code: str, maximum: int, subjective: bool = True) -> Criterion:
    return Criterion(code, code, D(maximum), subjective)


def short(found: list[Deviation]) -> list[tuple[str, str, str | None, str]]:
    return [(d.expert, d.bidder, d.criterion, str(d.percent)) for d in found]


# ------------------------------------------------------------------ worked out by hand

TWO_HALVES = (crit("tech", 50), crit("plan", 50))


def test_one_expert_eight_points_above_on_a_hundred() -> None:
    # tech: 40 41 39 40 | 44 → median 40, +4 of 50; plan: 30 30 31 29 | 34 → median 30;
    # totals 70 71 70 69 | 78 → median 70, +8 of 100
    rows = {"A": {"b": ["40", "30"]}, "B": {"b": ["41", "30"]}, "C": {"b": ["39", "31"]},
            "D": {"b": ["40", "29"]}, "E": {"b": ["44", "34"]}}
    found = deviations(table(TWO_HALVES, rows))
    assert short(found) == [("E", "b", None, "8.0"), ("E", "b", "tech", "8.0"),
                            ("E", "b", "plan", "8.0")]
    total = found[0]
    assert (total.value, total.median, total.maximum, total.threshold) == (
        D(78), D(70), D(100), D(5))


@pytest.mark.parametrize(("e_total", "flagged"), [
    ("75", None), ("75.04", None), ("75.05", "5.1"), ("65", None), ("64.95", "-5.1")])
def test_exactly_the_threshold_is_not_beyond_it(e_total: str, flagged: str | None) -> None:
    # a single criterion of 100; the others give 70 70 70 70, so the median stays 70
    rows = {x: {"b": ["70"]} for x in "ABCD"} | {"E": {"b": [e_total]}}
    found = deviations(table([crit("all", 100)], rows))
    assert short(found) == ([] if flagged is None else
                            [("E", "b", None, flagged), ("E", "b", "all", flagged)])


def test_an_even_committee_takes_the_mean_of_the_two_middle_totals() -> None:
    rows = {"A": {"b": ["60"]}, "B": {"b": ["62"]}, "C": {"b": ["70"]}, "D": {"b": ["90"]}}
    found = deviations(table([crit("price", 100, subjective=False)], rows))
    assert short(found) == [("A", "b", None, "-6.0"), ("D", "b", None, "24.0")]
    assert {d.median for d in found} == {D(66)}
    assert median([D(1), D(2), D(4), D(8)]) == D(3)


def test_committees_under_three_flag_nothing() -> None:
    rows = {"A": {"b": ["10", "10"]}, "B": {"b": ["50", "50"]}}
    two = table(TWO_HALVES, rows)
    assert deviations(two) == [] and objective_mismatches(two) == []
    three = table(TWO_HALVES, rows | {"C": {"b": ["12", "11"]}})
    assert [d.expert for d in deviations(three)] == ["B"] * 3


def test_the_order_is_expert_bidder_then_the_total_before_the_criteria() -> None:
    rows = {"Z": {"y": ["40", "40"], "x": ["20", "20"]},
            "A": {"y": ["30", "30"], "x": ["30", "30"]},
            "M": {"y": ["30", "30"], "x": ["30", "30"]}}
    found = deviations(table(TWO_HALVES, rows))
    assert [(d.expert, d.bidder, d.criterion) for d in found] == [
        ("Z", "y", None), ("Z", "y", "tech"), ("Z", "y", "plan"),
        ("Z", "x", None), ("Z", "x", "tech"), ("Z", "x", "plan")]


def test_an_objective_score_that_differs_at_all_is_a_mismatch() -> None:
    criteria = (crit("price", 30, subjective=False), crit("tech", 70))
    rows = {"A": {"b": ["25.50", "50"]}, "B": {"b": ["25.50", "52"]},
            "C": {"b": ["25.50", "49"]}, "D": {"b": ["25.05", "50"]},
            "E": {"b": ["22.50", "50"]}, "F": {"b": ["25.51", "50"]}}
    found = objective_mismatches(table(criteria, rows))
    # F's cent is 0.0 % of the maximum, and still a mistake to look at
    assert short(found) == [("D", "b", "price", "-1.5"), ("E", "b", "price", "-10.0"),
                            ("F", "b", "price", "0.0")]
    assert {(d.median, d.maximum, d.threshold) for d in found} == {(D("25.50"), D(30), D(0))}
    # the objective criterion counts in the total, never on its own among the deviations
    assert short(deviations(table(criteria, rows))) == []


def test_first_ranked_by_the_median_totals_with_ties() -> None:
    rows = {x: {"p": ["40"], "q": ["40"], "r": ["39"]} for x in "ABC"}
    assert first_ranked(table([crit("all", 100)], rows)) == {"p", "q"}


# ------------------------------------------------------------------ the sign test by hand

def test_sign_test_by_hand() -> None:
    assert sign_test(5, 0) == D("0.0313")  # 1/32 = 0.03125
    assert sign_test(4, 1) == D("0.1875")  # (1 + 5)/32
    assert sign_test(0, 0) == D("1.0000")
    assert sign_test(6, 0) == D("0.0156")  # 1/64 = 0.015625
    assert sign_test(8, 2) == D("0.0547")  # (1 + 10 + 45)/1024


def seen(expert: int, evaluation: int, percent: str, bidder: str = "b", agency: int = 1,
         first: bool = False) -> Observation:
    return Observation(expert, evaluation, agency, bidder, D(percent), first)


def test_five_of_five_above_is_flagged_toward_the_bidder() -> None:
    found = leanings([seen(7, i, p) for i, p in enumerate(["6", "8", "5", "9.5", "7"])])
    assert [(x.expert_id, x.toward, x.key, x.sample, x.above, x.mean, x.p_value,
             x.evaluations) for x in found] == [
        (7, "bidder", "b", 5, 5, D("7.1"), D("0.0313"), (0, 1, 2, 3, 4))]


def test_four_of_five_is_not_significant() -> None:
    observations = [seen(7, i, p) for i, p in enumerate(["12", "8", "-1", "9.5", "7"])]
    assert leanings(observations) == []
    [everything] = leanings(observations, alpha=D(1))
    assert (everything.above, everything.p_value, everything.mean) == (4, D("0.1875"),
                                                                       D("7.1"))


def test_zeros_stay_in_the_sample_and_the_mean_and_leave_the_signs() -> None:
    observations = [seen(7, i, p) for i, p in enumerate(["9", "9", "9", "9", "9", "0"])]
    [found] = leanings(observations)
    assert (found.sample, found.above, found.mean, found.p_value) == (6, 5, D("7.5"),
                                                                     D("0.0313"))


def test_too_few_or_too_small_is_not_flagged() -> None:
    assert leanings([seen(7, i, "20") for i in range(4)]) == []
    assert leanings([seen(7, i, "4.9") for i in range(9)]) == []
    # 4 of 4 is p = 1/16: a smaller sample is allowed only with a looser level
    assert leanings([seen(7, i, "20") for i in range(4)], min_sample=4) == []
    assert len(leanings([seen(7, i, "20") for i in range(4)], min_sample=4,
                        alpha=D("0.0625"))) == 1


def test_toward_an_agency_counts_the_bidder_ranked_first() -> None:
    observations = [seen(7, i, "8", bidder=f"w{i}", agency=3, first=True) for i in range(5)]
    observations += [seen(7, i, "-2", bidder="loser", agency=3) for i in range(5)]
    # ties first: their mean, 8 and −2 → 3.0, pulls evaluation 4's value down
    observations += [seen(7, 5, "-2", bidder="tied", agency=3, first=True),
                     seen(7, 5, "8", bidder="w5", agency=3, first=True)]
    [found] = leanings(observations)
    assert (found.toward, found.key, found.sample, found.above, found.mean) == (
        "agency", "3", 6, 6, D("7.2"))


def test_two_observations_that_disagree_are_refused() -> None:
    with pytest.raises(ValueError, match="two observations"):
        leanings([seen(7, 1, "8"), seen(7, 1, "9")])
    assert leanings([seen(7, i, "8") for i in range(5)] * 2)[0].sample == 5


# ------------------------------------------------------------------ generated evaluations

BASE = 70  # the best bidder's share of each maximum, per cent; each next rank 4 lower
GAP = 4


@dataclass
class Evaluation:
    """A generated evaluation: honest scores, then planted offsets, per cent."""

    criteria: tuple[Criterion, ...]
    experts: list[str]
    bidders: list[str]  # the best first
    lifts: dict[tuple[str, str], D] = field(default_factory=dict)  # of the total, per cent
    swaps: dict[tuple[str, str], tuple[str, str, int]] = field(default_factory=dict)
    typos: dict[tuple[str, str], int] = field(default_factory=dict)  # hundredths

    def table(self, rng: random.Random) -> Table:
        total = sum(c.maximum for c in self.criteria)
        subjective = sum(c.maximum for c in self.criteria if c.subjective)
        scores = []
        for rank, bidder in enumerate(self.bidders):
            for c in self.criteria:
                base = int(c.maximum) * (BASE - GAP * rank)  # hundredths
                for expert in self.experts:
                    value = base
                    if c.subjective:  # honest noise: within 1 % of the maximum
                        value += rng.randint(-int(c.maximum), int(c.maximum))
                        # a lift of the total spread over the subjective criteria by their
                        # maxima (per cent of a maximum is hundredths of its points)
                        lift = self.lifts.get((expert, bidder), D(0))
                        value += int(lift * total / subjective * c.maximum)
                        plus, minus, amount = self.swaps.get((expert, bidder), ("", "", 0))
                        value += amount if c.code == plus else -amount if c.code == minus else 0
                    elif c.code == "price":
                        value += self.typos.get((expert, bidder), 0)
                    scores.append(Score(expert, bidder, c.code, D(value).scaleb(-2)))
        return Table(self.criteria, tuple(self.experts), tuple(self.bidders), tuple(scores))


def criteria(rng: random.Random) -> tuple[Criterion, ...]:
    """3–6 criteria: objective price (and a second objective one from 5), the subjective
    ones holding at least half the total maximum (so a lift of the total fits the scale)."""
    while True:
        count = rng.randint(3, 6)
        made = [crit("price", rng.choice([10, 20, 30, 40]), subjective=False)]
        if count >= 5:
            made.append(crit("cert", rng.choice([5, 10]), subjective=False))
        made += [crit(f"s{i}", rng.choice([10, 15, 20])) for i in range(count - len(made))]
        subjective = sum(c.maximum for c in made if c.subjective)
        if 2 * subjective >= sum(c.maximum for c in made):
            return tuple(made)


def test_generated_deviations_are_exactly_the_planted_ones() -> None:
    rng = random.Random(20260195)
    expected: set[tuple[str, str, str | None, int]] = set()  # …, the sign
    typos: set[tuple[str, str, str | None, int]] = set()
    found: set[tuple[str, str, str | None, int]] = set()
    mismatches: set[tuple[str, str, str | None, int]] = set()
    for number in range(200):
        made = criteria(rng)
        experts = [f"{number}-e{i}" for i in range(rng.randint(5, 9))]
        bidders = [f"{number}-b{i}" for i in range(rng.randint(3, 8))]
        evaluation = Evaluation(made, experts, bidders)
        total = sum(c.maximum for c in made)
        subjective = [c for c in made if c.subjective]
        # one planted expert at most per bidder, so the median stays among honest scores
        for bidder in rng.sample(bidders, 2):
            expert, sign = rng.choice(experts), rng.choice([1, -1])
            kind = rng.choice(["total", "swap", "typo", "none"])
            if kind == "total":  # 8–12 % of the total: the total and each subjective one
                evaluation.lifts[(expert, bidder)] = D(sign * rng.randint(8, 12))
                expected |= {(expert, bidder, c, sign)
                             for c in [None, *(c.code for c in subjective)]}
            elif kind == "swap":  # one criterion up, one down: the total unchanged
                plus, minus = rng.sample(subjective, 2)
                larger = max(plus.maximum, minus.maximum)
                amount = int(larger * rng.randint(10, 14))  # 10–14 % of the larger, hundredths
                evaluation.swaps[(expert, bidder)] = (plus.code, minus.code, amount)
                expected |= {(expert, bidder, plus.code, 1), (expert, bidder, minus.code, -1)}
            elif kind == "typo":  # an objective score mistyped by up to 2 % of the total
                amount = sign * rng.randint(1, int(total) * 2)
                evaluation.typos[(expert, bidder)] = amount
                typos.add((expert, bidder, "price", sign))
        scored = evaluation.table(rng)
        found |= {(d.expert, d.bidder, d.criterion, 1 if d.percent > 0 else -1)
                  for d in deviations(scored)}
        mismatches |= {(d.expert, d.bidder, d.criterion, 1 if d.value > d.median else -1)
                       for d in objective_mismatches(scored)}
    assert len(expected) > 300 and len(typos) > 60
    assert found == expected
    assert mismatches == typos


def test_generated_leanings_are_exactly_the_planted_ones() -> None:
    rng = random.Random(17)
    honest = list(range(1, 101))
    pool = [f"91440000MA{j:08d}" for j in range(80)]
    # expert → (toward, what, evaluations, lift per cent of the total)
    planted = {1001: ("bidder", pool[1], 7, (8, 12)), 1002: ("bidder", pool[2], 5, (8, 12)),
               1003: ("bidder", pool[3], 4, (8, 12)),  # too few evaluations
               1004: ("bidder", pool[4], 8, (3, 3)),  # always above, but by too little
               2001: ("agency", "3", 6, (8, 12)),
               2002: ("agency", "5", 4, (8, 12))}  # too few evaluations
    numbers = iter(rng.sample(range(200), sum(p[2] for p in planted.values())))
    roles = {next(numbers): expert for expert, p in planted.items() for _ in range(p[2])}
    firsts = iter(rng.sample(pool[10:], 20))  # the agency leaners' first bidders, distinct
    observations: list[Observation] = []
    for number in range(200):
        agency = rng.randint(1, 10)
        committee = rng.sample(honest, rng.randint(4, 8))
        count = rng.randint(3, 8)
        bidders = rng.sample(pool[10:], count)
        lifts: dict[tuple[str, str], D] = {}
        planter = roles.get(number)
        if planter is not None:
            toward, what, _, (low, high) = planted[planter]
            committee.append(planter)
            if toward == "bidder":  # never ranked first: its lift cannot lean an agency
                bidders[rng.randrange(1, len(bidders))] = what
                lifted = what
            else:
                agency, lifted = int(what), next(firsts)
                bidders = [lifted, *rng.sample([b for b in pool[10:] if b != lifted],
                                               count - 1)]
            lifts[(f"v{planter}", lifted)] = D(rng.randint(low, high))
        codes = {f"v{e}": e for e in committee}
        evaluation = Evaluation(criteria(rng), list(codes), bidders, lifts)
        scored = evaluation.table(rng)
        assert first_ranked(scored) == {bidders[0]}
        observations += observe(scored, number, agency, codes)
    found = {(x.expert_id, x.toward, x.key, x.sample, x.above) for x in leanings(observations)}
    assert found == {(1001, "bidder", pool[1], 7, 7), (1002, "bidder", pool[2], 5, 5),
                     (2001, "agency", "3", 6, 6)}
    # the one always above by too little: significant, but its mean is under 5 %
    [small] = [x for x in leanings(observations, threshold=D(1)) if x.expert_id == 1004]
    assert (small.sample, small.above) == (8, 8) and small.mean < 5


# ------------------------------------------------------------------ properties

@st.composite
def tables(draw: st.DrawFn) -> Table:
    """3–7 experts, 1–3 bidders, 1–4 criteria of either kind, values in hundredths."""
    made = tuple(Criterion(f"c{i}", f"c{i}", D(draw(st.integers(1, 100))), draw(st.booleans()))
                 for i in range(draw(st.integers(1, 4))))
    experts = tuple(f"e{i}" for i in range(draw(st.integers(3, 7))))
    bidders = tuple(f"b{i}" for i in range(draw(st.integers(1, 3))))
    scores = tuple(Score(e, b, c.code, D(draw(st.integers(0, int(c.maximum) * 100))).scaleb(-2))
                   for e in experts for b in bidders for c in made)
    return Table(made, experts, bidders, scores)


def shifted(scored: Table, by: D) -> Table:
    return Table(scored.criteria, scored.experts, scored.bidders,
                 tuple(Score(s.expert, s.bidder, s.criterion, s.value + by)
                       for s in scored.scores))


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(-5000, 5000))
def test_the_same_shift_for_everyone_changes_no_deviation(scored: Table, by: int) -> None:
    moved = shifted(scored, D(by).scaleb(-2))
    for check in (deviations, objective_mismatches):
        assert short(check(moved)) == short(check(scored))
    assert short(deviations(moved, D(0))) == short(deviations(scored, D(0)))


@settings(max_examples=150, deadline=None)
@given(tables())
def test_an_expert_scoring_the_median_is_never_flagged(scored: Table) -> None:
    # "mid" gives each criterion the others' median: with them, the committee's median
    values = {(s.expert, s.bidder, s.criterion): s.value for s in scored.scores}
    middle = [Score("mid", b, c.code, median([values[(e, b, c.code)] for e in scored.experts]))
              for b in scored.bidders for c in scored.criteria]
    joined = Table(scored.criteria, (*scored.experts, "mid"), scored.bidders,
                   scored.scores + tuple(middle))
    every = deviations(joined, D(0)) + objective_mismatches(joined)
    assert not [d for d in every if d.expert == "mid" and d.criterion is not None]
    if len(scored.criteria) == 1:  # one criterion: the total is that criterion's
        assert not [d for d in every if d.expert == "mid"]
