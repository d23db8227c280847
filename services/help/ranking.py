"""The knowledge base's index: Okapi BM25 (rank_bm25) twice over each entry — over its words
(jieba) and over its characters and character pairs, so that 忘了 still meets 忘记 and 登不进去
meets 登录 — over its title, keywords, 相似问法 (the ways people name the question) and body;
the two ranks are added, each scaled to its best. Beside the rank what tells how sure it may
be (services/help/confidence.py decides): how much of what the question says (each word
weighed by its inverse document frequency) each entry holds, and how nearly the question is
worded as one of the entry's 问法 (docs/rules-that-are-ours.md, 智能客服)."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.help.segment import STOP, Segmenter

TITLE_WEIGHT = 1  # how many times the title's and the keywords' words count
CHARACTERS = 2.0  # the characters' rank beside the words' (each scaled to its best)
AUDIENCE_BOOST = 2.0  # an entry written for the asker's own role ranks above another's
HAN = re.compile(r"[\u4e00-\u9fff]")
# characters that say nothing alone (the one-character stop words)
STOP_CHARS = frozenset(w for w in STOP if len(w) == 1)


def characters(text: str) -> list[str]:
    """The Chinese characters of `text` that mean something alone, and every pair of
    neighbours but two that mean nothing."""
    chars = [c for c in text if HAN.match(c)]
    return ([c for c in chars if c not in STOP_CHARS]
            + [a + b for a, b in itertools.pairwise(chars)
               if not (a in STOP_CHARS and b in STOP_CHARS)])


@dataclass(frozen=True)
class Indexed:
    """What the index needs of an entry."""

    key: str
    title: str
    keywords: tuple[str, ...]
    similar: tuple[str, ...]
    body: str
    audiences: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    key: str
    score: float  # the words' and characters' ranks, each scaled to the best, boosted
    words: float  # the words' BM25 alone
    coverage: float  # 0–1: the share of the question's weight the entry holds
    likeness: float = 0.0  # 0–1: Dice of character pairs with the closest 问法 of the entry
    meaning: float = 0.0  # cosine of the question's vector with its closest 问法's (fused)
    strange: float = 0.0  # 0–1: the share of the question's weight in words no entry has


class Index:
    """The entries as ranked words (rebuilt when the knowledge base changes)."""

    def __init__(self, entries: Sequence[Indexed], segmenter: Segmenter) -> None:
        from rank_bm25 import BM25Okapi

        self._segmenter = segmenter
        self._entries = list(entries)
        docs, chars = [], []
        for e in self._entries:
            named = " ".join((e.title, *e.keywords, *e.similar))
            docs.append(segmenter.words(named) * TITLE_WEIGHT + segmenter.words(e.body))
            chars.append(characters(named) * TITLE_WEIGHT + characters(e.body))
        self._words = [frozenset(d) for d in docs]
        self._bm25 = BM25Okapi(docs or [["-"]])
        self._chars = BM25Okapi(chars or [["-"]])
        self._titles = {_plain(t): e.key for e in self._entries for t in (e.title, *e.similar)}
        self._asked = {e.key: [_pairs(t) for t in (e.title, *e.similar)] for e in self._entries}
        # a word no entry has weighs as the rarest one does: what the question asks about
        # that the knowledge base does not know must count against answering it
        self._unknown = max(self._bm25.idf.values(), default=1.0) if docs else 1.0

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, question: str, audiences: frozenset[str], most: int = 5) -> list[Hit]:
        """The entries best for `question`, best first (none when it has no word)."""
        if not self._entries:
            return []
        if (exact := self._titles.get(_plain(question))) is not None:
            return [Hit(exact, math.inf, math.inf, 1.0, 1.0)]
        words = self._segmenter.words(question)
        if not words:
            return []
        by_words = [float(s) for s in self._bm25.get_scores(words)]
        by_chars = [float(s) for s in self._chars.get_scores(characters(question))]
        top_w, top_c = max(max(by_words), 1e-9), max(max(by_chars), 1e-9)
        weights = {w: max(self._bm25.idf.get(w, self._unknown), 0.01) for w in set(words)}
        total = sum(weights.values())
        strange = sum(w for word, w in weights.items() if word not in self._bm25.idf) / total
        hits = []
        for i, entry in enumerate(self._entries):
            if by_words[i] <= 0 and by_chars[i] <= 0:
                continue
            score = by_words[i] / top_w + CHARACTERS * by_chars[i] / top_c
            if audiences & set(entry.audiences) or "anyone" in entry.audiences:
                score *= AUDIENCE_BOOST
            held = sum(w for word, w in weights.items() if word in self._words[i])
            hits.append(Hit(entry.key, score, by_words[i], held / total, strange=strange))
        hits.sort(key=lambda h: (h.score, h.coverage), reverse=True)
        pairs = _pairs(question)
        return [dataclasses.replace(h, likeness=max(
            (_dice(pairs, asked) for asked in self._asked[h.key]), default=0.0))
            for h in hits[:most]]


def _pairs(text: str) -> frozenset[str]:
    chars = [c for c in text if c.isalnum()]
    return frozenset(a + b for a, b in itertools.pairwise(chars))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _plain(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())
