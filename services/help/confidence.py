"""When the 智能客服 is sure of its first entry: the probability that the first entry is the
one that answers, from what the ranking shows (a logistic model), against a threshold.

What it reads, by words alone: how much BM25 weight of words the first entry holds (log),
the share of the question's weight it holds (coverage), how nearly the question is worded
as one of its 问法 (likeness), how close the second entry's score comes to the first's, and
the share of the question's weight in words no entry has (what the knowledge base does not
know of it).
With the meaning beside the words, also: whether the words and the meaning each put the
same entry first, the first entry's closest 问法's cosine and how far it is ahead of every
other entry's, and the blend's own margin.

The weights are fitted by `python -m bench.help_confidence` on examples made from the
entries themselves, never from a test set: each 相似问法 asked of the knowledge base
without it (a question in other words that its entry covers: sure is right only with that
entry first), each entry's every 问法 asked without the whole entry (a question near the
domain that no entry covers: sure is always wrong), and off-topic questions written for it
(bench/help_off_topic.txt). The threshold is the lowest at which, cross-validated by entry,
at most 3 % of the first kind are answered wrongly, at least 90 % of the second and 99 % of
the off-topic are handed to a person, and the project's own set (tests/help/questions.toml)
keeps at most 3 % wrong and 95 % handed (its uncovered questions are half off-topic, half
near the domain: 90 % of the near kind is 95 % of all; docs/rules-that-are-ours.md, 智能客服).
Fit again when the entries change much: the signs are relative, so the weights age slowly.
A question worded exactly as an entry's title or one of its 相似问法 is always sure."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from services.help.ranking import Hit

# cosine is read in these steps: e5's cosines of unrelated Chinese questions are already
# 0.82-0.90, so what tells is a few hundredths
COSINE_FROM, COSINE_STEP, GAP_STEP = 0.90, 0.05, 0.02
BLEND = 0.25  # the meaning's weight in the blend: per COSINE_STEP below the closest entry

# by words: intercept, log BM25 of words, coverage, likeness, second's score / first's, the
# share of the question's weight in words no entry has
WORDS_MODEL = (0.028, 0.543, 0.908, 0.646, -3.699, -0.276)
WORDS_SURE = 0.52
# words and meaning: intercept, the words' first too, the meaning's first too, cosine,
# cosine's lead, the blend's lead, log BM25 of words, coverage, likeness, words' second/first,
# the share in words no entry has
MEANING_MODEL = (-1.286, 0.581, 0.172, 1.717, -0.184, 1.063, 0.277, 0.795, -2.278, -2.740,
                 -0.100)
MEANING_SURE = 0.56


def word_signs(hits: Sequence[Hit]) -> tuple[float, ...]:
    """What the words' ranking shows of its first entry (`hits`: best first)."""
    first = hits[0]
    second = hits[1].score / first.score if len(hits) > 1 and first.score > 0 else 0.0
    return (math.log1p(min(first.words, 1e3)), min(first.coverage, 1.0), first.likeness,
            second, first.strange)


def blend(by_words: Sequence[Hit], close: Mapping[str, float]) -> dict[str, float]:
    """Each entry's blended score: its words' score scaled to the best, plus BLEND per
    COSINE_STEP its closest 问法 lies below the closest entry's (`close`: every entry)."""
    top = by_words[0].score if by_words and by_words[0].score > 0 else 1.0
    best = max(close.values(), default=0.0)
    scores = {k: BLEND * (c - best) / COSINE_STEP for k, c in close.items()}
    for h in by_words:
        scores[h.key] = scores.get(h.key, 0.0) + h.score / top
    return scores


def meaning_signs(by_words: Sequence[Hit], close: Mapping[str, float],
                  scores: Mapping[str, float], first: Hit) -> tuple[float, ...]:
    """What words and meaning show of the blend's first entry `first`."""
    cosine = close.get(first.key, 0.0)
    others = max((c for k, c in close.items() if k != first.key), default=0.0)
    ranked = sorted(scores.values(), reverse=True)
    lead = ranked[0] - ranked[1] if len(ranked) > 1 else 1.0
    words_first = float(bool(by_words) and by_words[0].key == first.key)
    meaning_first = float(max(close, key=lambda k: close[k]) == first.key) if close else 0.0
    second = (by_words[1].score / by_words[0].score
              if len(by_words) > 1 and by_words[0].score > 0 else 0.0)
    return (words_first, meaning_first, (cosine - COSINE_FROM) / COSINE_STEP,
            (cosine - others) / GAP_STEP, lead, math.log1p(min(first.words, 1e3)),
            min(first.coverage, 1.0), first.likeness, second,
            by_words[0].strange if by_words else 1.0)


def likely(model: Sequence[float], signs: Sequence[float]) -> float:
    """The logistic model's probability that the first entry answers."""
    z = model[0] + sum(w * x for w, x in zip(model[1:], signs, strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def sure_by_words(hits: Sequence[Hit]) -> bool:
    if not hits:
        return False
    if math.isinf(hits[0].score):
        return True
    return likely(WORDS_MODEL, word_signs(hits)) >= WORDS_SURE


def sure_by_meaning(by_words: Sequence[Hit], close: Mapping[str, float],
                    scores: Mapping[str, float], first: Hit) -> bool:
    return likely(MEANING_MODEL, meaning_signs(by_words, close, scores, first)) >= MEANING_SURE
