"""The words' ranking (services/help/ranking.py, BM25) and the meaning's (cosine of sentence
vectors, services/help/meaning.py) blended: an entry's score is its words' score scaled to
the best entry's, plus BLEND for each 0.05 its closest 问法's cosine lies below the closest
entry's (services/help/confidence.py), so that the meaning reorders entries the words hold
nearly alike, and an entry the words miss still rises when its meaning is the closest.
Whether the first entry answers is the confidence model's (services/help/confidence.py:
fitted on the entries themselves, checked on tests/help/questions.toml); otherwise the
closest entries and 人工客服, as with words alone."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.help.confidence import blend, sure_by_meaning, sure_by_words
from services.help.ranking import Hit, Index, Indexed

DEPTH = 10  # entries handed on, best first


def phrasings(entries: Sequence[Indexed]) -> tuple[list[str], list[int]]:
    """Every way an entry is asked (title, then 相似问法), and the entry each belongs to."""
    texts, owners = [], []
    for i, e in enumerate(entries):
        for text in dict.fromkeys((e.title, *e.similar)):
            texts.append(text)
            owners.append(i)
    return texts, owners


@dataclass(frozen=True)
class Ranked:
    hits: list[Hit]  # best first
    sure: bool  # the first answers the question


class Meanings:
    """The entries' 问法 as unit vectors of one model, and each one's entry."""

    def __init__(self, entries: Sequence[Indexed], vectors: np.ndarray,
                 owners: Sequence[int]) -> None:
        self.keys = [e.key for e in entries]
        self._vectors = vectors
        self._owners = np.asarray(owners, dtype=np.int64)

    def closeness(self, question: np.ndarray) -> np.ndarray:
        """Per entry, the cosine of the question with its closest 问法."""
        best = np.full(len(self.keys), -1.0, dtype=np.float32)
        if len(self._owners):
            np.maximum.at(best, self._owners, self._vectors @ question)
        return best


def lexical(index: Index, question: str, audiences: frozenset[str]) -> Ranked:
    hits = index.search(question, audiences, most=DEPTH)
    return Ranked(hits, sure_by_words(hits))


def fused(index: Index, meanings: Meanings, question: str, vector: np.ndarray,
          audiences: frozenset[str]) -> Ranked:
    """The entries by words and meaning together (`vector`: the question's, unit)."""
    by_words = index.search(question, audiences, most=len(meanings.keys))
    if by_words and by_words[0].score == float("inf"):  # worded exactly as a 问法 is
        return Ranked(by_words[:1], True)
    close = dict(zip(meanings.keys, (float(c) for c in meanings.closeness(vector)),
                     strict=True))
    scores = blend(by_words, close)
    found = {h.key: h for h in by_words}
    ranked = sorted(scores, key=lambda k: scores[k], reverse=True)[:DEPTH]
    hits = [dataclasses.replace(found.get(k) or Hit(k, 0.0, 0.0, 0.0), meaning=close[k])
            for k in ranked]
    return Ranked(hits, bool(hits) and sure_by_meaning(by_words, close, scores, hits[0]))
