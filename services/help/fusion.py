"""The words' ranking (services/help/ranking.py, BM25) and the meaning's (cosine of sentence
vectors, services/help/meaning.py) fused by reciprocal rank: an entry's fused score is
1/(K + its rank by words) + MEANING/(K + its rank by meaning), so an entry both put near the
top leads, and one the words miss (a question in other words) still rises when its meaning
is close. The answer is sure when the words alone are sure of the same entry; or when the
question means nearly what one of the entry's 问法 says (closer than CLOSE, ahead of the
next entry by MARGIN); or when words and meaning agree on it — the words put it first with
some weight (WORDS) and the meaning is close (AGREE). Otherwise the closest entries and
人工客服, as with words alone.
The constants are set on tests/help/questions.toml only (docs/rules-that-are-ours.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.help.ranking import Hit, Index, Indexed, sure

K = 20  # reciprocal-rank constant
MEANING = 1.5  # the meaning's rank beside the words'
CLOSE = 0.97  # cosine to the entry's closest 问法 that answers on meaning alone
MARGIN = 0.02  # ahead of the next entry's closest 问法 by this much
AGREE = 0.91  # the cosine that answers when the words put the same entry first...
WORDS = 8.0  # ...with at least this BM25 weight of words
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
    return Ranked(hits, bool(hits) and sure(hits[0]))


def fused(index: Index, meanings: Meanings, question: str, vector: np.ndarray,
          audiences: frozenset[str]) -> Ranked:
    """The entries by words and meaning together (`vector`: the question's, unit)."""
    by_words = index.search(question, audiences, most=len(meanings.keys))
    if by_words and by_words[0].score == float("inf"):  # worded exactly as a 问法 is
        return Ranked(by_words[:1], True)
    close = meanings.closeness(vector)
    order = np.argsort(-close, kind="stable")
    scores = {meanings.keys[int(i)]: MEANING / (K + r + 1) for r, i in enumerate(order)}
    for r, h in enumerate(by_words):
        scores[h.key] = scores.get(h.key, 0.0) + 1 / (K + r + 1)
    found = {h.key: h for h in by_words}
    at = {k: i for i, k in enumerate(meanings.keys)}
    ranked = sorted(scores, key=lambda k: scores[k], reverse=True)[:DEPTH]
    hits = [dataclasses.replace(found.get(k) or Hit(k, 0.0, 0.0, 0.0), meaning=float(close[at[k]]))
            for k in ranked]
    first = hits[0]
    others = np.delete(close, at[first.key])
    runner = float(others.max()) if others.size else -1.0
    by_meaning = first.meaning >= CLOSE and first.meaning - runner >= MARGIN
    agree = bool(by_words) and by_words[0].key == first.key
    by_words_too = agree and sure(by_words[0])
    together = agree and first.meaning >= AGREE and first.words >= WORDS
    return Ranked(hits, by_meaning or by_words_too or together)
