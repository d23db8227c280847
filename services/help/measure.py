"""How well the 智能客服 answers a set of questions, in each ranking mode: of the questions an
entry covers, the share it answers sure and right (that entry, first), sure and wrong
(another entry), and unsure with the right entry among the three closest it offers; of the
questions no entry covers, the share it hands to a person instead; and the time per answer.

Two sets: tests/help/questions.toml (the project's own: `[[ask]]` with `key` and `audience`,
`[[outside]]` without) — the one the constants are set on; and
tests/help/unseen_questions.toml (written blind by someone who never read the entries:
`[[ask]]` with `who` and `key`, `key = ""` where no entry covers it) — the one reported.
Read by bench/help.py and tests/help/."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from services.help.fusion import Meanings, Ranked, fused, lexical, phrasings
from services.help.knowledge import Audience, shipped
from services.help.meaning import Embedder, VectorCache
from services.help.ranking import Index, Indexed
from services.help.segment import Segmenter

Rank = Callable[[str, frozenset[str]], Ranked]


@dataclass
class Score:
    asked: int = 0  # questions an entry covers
    answered: int = 0  # sure, with the entry that covers it
    wrong: int = 0  # sure, with another entry
    in_closest: int = 0  # not sure, the entry among the three closest offered
    anywhere_closest: int = 0  # the entry among the three best, sure or not
    outside: int = 0  # questions no entry covers
    handed: int = 0  # of those, not answered: handed to a person
    seconds: list[float] = field(default_factory=list)  # per question, both kinds
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (q, wanted, given)

    @property
    def accuracy(self) -> float:
        return self.answered / self.asked if self.asked else 0.0

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.asked if self.asked else 0.0

    @property
    def closest_share(self) -> float:
        return self.in_closest / self.asked if self.asked else 0.0

    @property
    def handed_share(self) -> float:
        return self.handed / self.outside if self.outside else 0.0

    def percentile(self, share: float) -> float:
        times = sorted(self.seconds)
        return times[min(len(times) - 1, int(len(times) * share))] if times else 0.0


@dataclass(frozen=True)
class Question:
    q: str
    key: str  # "": no entry covers it
    audiences: frozenset[str]


def questions(path: Path) -> list[Question]:
    """Either set's questions (an audience named by `audience`, or by `who` when it is one
    of the knowledge base's audiences)."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    known = {str(a) for a in Audience}
    found = []
    for item in [*raw.get("ask", []), *raw.get("outside", [])]:
        who = item.get("audience") or item.get("who") or ""
        found.append(Question(item["q"], item.get("key", ""),
                              frozenset({who} if who in known else ())))
    return found


def entries(texts_dir: Path) -> list[Indexed]:
    return [Indexed(e.key, e.title, tuple(e.keywords), tuple(e.similar), e.body,
                    tuple(str(a) for a in e.audiences)) for e in shipped(texts_dir)]


def knowledge_index(texts_dir: Path) -> Index:
    """The index of the shipped entries, as the service builds it."""
    segmenter = Segmenter()
    segmenter.load()
    return Index(entries(texts_dir), segmenter)


def by_words(index: Index) -> Rank:
    return lambda q, audiences: lexical(index, q, audiences)


def by_meaning(index: Index, items: list[Indexed], model: Embedder,
               cache: VectorCache) -> Rank:
    """The fused ranking with `model`, the entries' vectors from `cache` (computed there
    once)."""
    texts, owners = phrasings(items)
    meanings = Meanings(items, cache.vectors(model, texts), owners)
    return lambda q, audiences: fused(index, meanings, q, model.embed([q])[0], audiences)


def measure(rank: Rank, asked: list[Question]) -> Score:
    score = Score()
    for item in asked:
        start = time.perf_counter()
        ranked = rank(item.q, item.audiences)
        score.seconds.append(time.perf_counter() - start)
        given = ranked.hits[0].key if ranked.hits and ranked.sure else ""
        if not item.key:
            score.outside += 1
            score.handed += not given
            if given:
                score.misses.append((item.q, "", given))
            continue
        score.asked += 1
        closest = any(h.key == item.key for h in ranked.hits[:3])
        score.answered += given == item.key
        score.wrong += bool(given) and given != item.key
        score.in_closest += not given and closest
        score.anywhere_closest += closest
        if given != item.key:
            score.misses.append((item.q, item.key, given))
    return score
