"""How well the 智能客服 answers a set of questions (tests/help/questions.toml): the share of
questions an entry covers that it answers with that entry (sure of it, first), the share it
has in its three closest, the share of questions no entry covers that it hands to a person
instead, and the time per answer. Read by bench/help.py and tests/help/test_help_accuracy.py,
with the index the service builds."""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from services.help.knowledge import shipped
from services.help.ranking import Index, Indexed, sure
from services.help.segment import Segmenter


@dataclass(frozen=True)
class Score:
    asked: int  # questions an entry covers
    answered: int  # answered, sure, with the entry that covers it
    in_closest: int  # that entry among the three best
    outside: int  # questions no entry covers
    handed: int  # of those, not answered: handed to a person
    seconds: list[float]  # per question, both kinds
    misses: list[tuple[str, str, str]]  # (question, wanted, given or "")

    @property
    def accuracy(self) -> float:
        return self.answered / self.asked if self.asked else 0.0

    @property
    def handed_share(self) -> float:
        return self.handed / self.outside if self.outside else 0.0


def knowledge_index(texts_dir: Path) -> Index:
    """The index of the shipped entries, as the service builds it."""
    segmenter = Segmenter()
    segmenter.load()
    return Index([Indexed(e.key, e.title, tuple(e.keywords), tuple(e.similar), e.body,
                          tuple(str(a) for a in e.audiences)) for e in shipped(texts_dir)],
                 segmenter)


def measure(index: Index, questions: Path) -> Score:
    with questions.open("rb") as fh:
        asked = tomllib.load(fh)
    seconds: list[float] = []
    answered = in_closest = handed = 0
    misses = []
    for item in [*asked["ask"], *asked["outside"]]:
        audience = frozenset({item["audience"]} if item.get("audience") else ())
        start = time.perf_counter()
        hits = index.search(item["q"], audience)
        given = hits[0].key if hits and sure(hits[0]) else ""
        seconds.append(time.perf_counter() - start)
        if "key" not in item:
            handed += not given
            if given:
                misses.append((item["q"], "", given))
            continue
        answered += given == item["key"]
        in_closest += any(h.key == item["key"] for h in hits[:3])
        if given != item["key"]:
            misses.append((item["q"], item["key"], given))
    return Score(len(asked["ask"]), answered, in_closest, len(asked["outside"]), handed,
                 seconds, misses)
