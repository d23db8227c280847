"""`python -m bench.help_confidence`: fits when the 智能客服 is sure (services/help/confidence.py)
on examples made from the shipped entries alone and a list of off-topic questions written for
it, never from a test set:

- in other words: each 相似问法 asked of the knowledge base without it (the entry keeps its
  title, keywords, body and other 问法): a question its entry covers, worded as nobody
  foresaw — sure is right only with that entry first;
- not covered: each entry's title and 相似问法 asked of the knowledge base without the whole
  entry: a question near the domain that no entry covers — sure is always wrong;
- off-topic: the questions of bench/help_off_topic.txt (everyday life, other services),
  asked of the whole knowledge base — sure is always wrong.

For each mode (words alone; words and the shipped model's meaning) it fits a logistic model
of "the first entry is the right one" on what the ranking shows (confidence.py's signs),
cross-validated in five folds by entry, and picks the lowest threshold at which the held-out
folds answer at most WRONG (3 %) of the first kind wrongly, hand at least HANDED (90 %) of the
second to a person and at least OFF_TOPIC (99 %) of the third — and at which the project's
own set (tests/help/questions.toml, the set the constants are set on) has at most 3 % sure
and wrong and at least 95 % of its uncovered handed. It prints the weights and thresholds to
pin in confidence.py and what they give. Making the
examples rebuilds the index once per example: some minutes on a quiet machine.
`--save PATH` keeps the examples (pickle), `--load PATH` reads them instead."""

from __future__ import annotations

import dataclasses
import math
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from services.help import confidence as c
from services.help.fusion import Meanings, phrasings
from services.help.meaning import VectorCache
from services.help.measure import entries, questions
from services.help.ranker import shipped_model
from services.help.ranking import Hit, Index, Indexed
from services.help.segment import Segmenter

ROOT = Path(__file__).resolve().parent.parent
# the targets: at most 3 % sure and wrong, at least 95 % of the questions no entry
# covers handed to a person; those are off-topic (handed at any threshold) or near the domain,
# half and half in the project's own set: so 90 % of the near-domain kind, these examples
WRONG, HANDED, OFF_TOPIC = 0.03, 0.90, 0.99
OWN_HANDED = 0.95  # the own set's uncovered questions, off-topic and near-domain together
OFF = "off-topic:"  # the groups of the off-topic examples (one each)
FOLDS = 5
RIDGE = 1.0  # the logistic model's L2 penalty (its intercept free)


@dataclasses.dataclass(frozen=True)
class Example:
    group: str  # the entry it was made from: the folds keep an entry's examples together
    key: str  # the entry that answers it, "" when none does
    words: list[Hit]  # the words' ranking, best first (every entry with a word in common)
    close: dict[str, float]  # per entry, the cosine with its closest 问法 (empty: no model)


class _Words(Segmenter):
    """The segmenter, each text cut once (the index is rebuilt for every example)."""

    def __init__(self) -> None:
        super().__init__()
        self._cut_once: dict[str, list[str]] = {}

    def words(self, text: str) -> list[str]:
        if text not in self._cut_once:
            self._cut_once[text] = super().words(text)
        return list(self._cut_once[text])


def _ask(items: list[Indexed], segmenter: Segmenter, vectors: dict[str, np.ndarray] | None,
         question: str, vector: np.ndarray | None, audiences: frozenset[str]
         ) -> tuple[list[Hit], dict[str, float]]:
    index = Index(items, segmenter)
    hits = index.search(question, audiences, most=len(items))
    if vectors is None or vector is None:
        return hits, {}
    texts, owners = phrasings(items)
    meanings = Meanings(items, np.vstack([vectors[t] for t in texts]), owners)
    return hits, dict(zip(meanings.keys, map(float, meanings.closeness(vector)), strict=True))


def examples(items: list[Indexed], vectors: dict[str, np.ndarray] | None) -> list[Example]:
    segmenter = _Words()
    segmenter.load()
    made = []
    for i, entry in enumerate(items):
        who = frozenset(entry.audiences[:1])
        for text in entry.similar:  # in other words
            rest = dataclasses.replace(entry, similar=tuple(s for s in entry.similar
                                                            if s != text))
            vector = vectors[text] if vectors else None
            made.append(Example(entry.key, entry.key, *_ask(
                [*items[:i], rest, *items[i + 1:]], segmenter, vectors, text, vector, who)))
        without = [*items[:i], *items[i + 1:]]
        for text in dict.fromkeys((entry.title, *entry.similar)):  # not covered
            vector = vectors[text] if vectors else None
            made.append(Example(entry.key, "", *_ask(without, segmenter, vectors, text,
                                                     vector, who)))
    return made


def signs(example: Example, meaning: bool) -> tuple[str, tuple[float, ...] | None]:
    """The first entry, and what the ranking shows of it (None: always sure, or no entry)."""
    hits = example.words
    if not hits:
        return "", None
    if math.isinf(hits[0].score):
        return hits[0].key, None
    if not meaning:
        return hits[0].key, c.word_signs(hits)
    scores = c.blend(hits, example.close)
    key = max(scores, key=lambda k: scores[k])
    first = next((h for h in hits if h.key == key), Hit(key, 0.0, 0.0, 0.0))
    return key, c.meaning_signs(hits, example.close, scores, first)


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An L2-penalised logistic regression by Newton's steps: intercept first."""
    a = np.hstack([np.ones((len(x), 1)), x])
    b = np.zeros(a.shape[1])
    penalty = RIDGE * np.eye(a.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(a @ b, -50, 50)))
        step = np.linalg.solve((a * (p * (1 - p))[:, None]).T @ a + penalty,
                               a.T @ (p - y) + penalty @ b)
        b -= step
        if np.abs(step).max() < 1e-9:
            break
    return b


def table(made: list[Example], meaning: bool) -> dict[str, Any]:
    rows = [(e, *signs(e, meaning)) for e in made]
    scored = [(e, k, s) for e, k, s in rows if s is not None]
    return {"rows": rows, "x": np.array([s for _, _, s in scored]),
            "y": np.array([float(bool(e.key) and k == e.key) for e, k, _ in scored]),
            "groups": [e.group for e, _, _ in scored]}


def rates(rows: list[tuple[Example, str, tuple[float, ...] | None]], model: np.ndarray,
          threshold: float) -> tuple[float, float, float]:
    """Of the covered: sure and right, sure and wrong; of the others: handed to a person."""
    covered = right = wrong = outside = handed = 0
    for e, key, s in rows:
        sure = bool(key) and (s is None or c.likely(tuple(model), s) >= threshold)
        if e.key:
            covered += 1
            right += sure and key == e.key
            wrong += sure and key != e.key
        else:
            outside += 1
            handed += not sure
    return right / max(covered, 1), wrong / max(covered, 1), handed / max(outside, 1)


def held_rates(found: dict[str, Any], held: list[float], t: float
               ) -> tuple[float, float, float, float]:
    """Of the examples by their out-of-fold probabilities: sure and right, sure and wrong,
    the near-domain uncovered handed to a person, the off-topic handed."""
    probability = iter(held)
    n = {"covered": 0, "right": 0, "wrong": 0, "near": 0, "near_handed": 0, "off": 0,
         "off_handed": 0}
    for e, key, s in found["rows"]:
        sure = bool(key) and (s is None or next(probability) >= t)
        if e.key:
            n["covered"] += 1
            n["right"] += sure and key == e.key
            n["wrong"] += sure and key != e.key
        else:
            kind = "off" if e.group.startswith(OFF) else "near"
            n[kind] += 1
            n[kind + "_handed"] += not sure
    return (n["right"] / max(n["covered"], 1), n["wrong"] / max(n["covered"], 1),
            n["near_handed"] / max(n["near"], 1), n["off_handed"] / max(n["off"], 1))


def threshold(found: dict[str, Any], own: list[tuple[Example, str, tuple[float, ...] | None]]
              ) -> tuple[float, list[float]]:
    """The lowest threshold meeting WRONG, HANDED and OFF_TOPIC on the folds held out, and
    WRONG and 95 % handed on the project's own set (`own`, by the model fitted on every
    example); and the out-of-fold probabilities."""
    names = sorted(set(found["groups"]))
    fold = {g: i % FOLDS for i, g in enumerate(names)}
    of = np.array([fold[g] for g in found["groups"]])
    held = np.zeros(len(of))
    for f in range(FOLDS):
        b = fit(found["x"][of != f], found["y"][of != f])
        held[of == f] = 1 / (1 + np.exp(-(b[0] + found["x"][of == f] @ b[1:])))
    whole = fit(found["x"], found["y"])
    for t in np.arange(0.30, 0.995, 0.01):
        _, wrong, handed, off = held_rates(found, list(held), float(t))
        _, own_wrong, own_handed = rates(own, whole, float(t))
        if (wrong <= WRONG and handed >= HANDED and off >= OFF_TOPIC and own_wrong <= WRONG
                and own_handed >= OWN_HANDED):
            return round(float(t), 2), list(held)
    return 0.99, list(held)


def main() -> None:
    items = entries(ROOT / "texts")
    if "--load" in sys.argv:
        made = pickle.loads(Path(sys.argv[sys.argv.index("--load") + 1]).read_bytes())
    else:
        model = shipped_model()
        vectors = None
        if model is not None:
            texts, _ = phrasings(items)
            rows = VectorCache(ROOT / "var/help-vectors").vectors(model, texts)
            vectors = dict(zip(texts, rows, strict=True))
        start = time.perf_counter()
        made = examples(items, vectors)
        print(f"{len(made)} examples from {len(items)} entries in "
              f"{time.perf_counter() - start:.0f} s")
        if "--save" in sys.argv:
            Path(sys.argv[sys.argv.index("--save") + 1]).write_bytes(pickle.dumps(made))
    off = [line for line in (ROOT / "bench/help_off_topic.txt").read_text("utf-8").splitlines()
           if line.strip() and not line.startswith("#")]
    made = [e for e in made if not e.group.startswith(OFF)] + _asked(
        items, [(line, "", f"{OFF}{i}", frozenset()) for i, line in enumerate(off)])
    own = _asked(items, [(q.q, q.key, q.key or q.q, q.audiences) for q in questions(
        ROOT / "tests/help/questions.toml")])
    for meaning, name in ((False, "WORDS"), (True, "MEANING")):
        if meaning and not made[0].close:
            print("the shipped model is not installed: words only")
            break
        found = table(made, meaning)
        b = fit(found["x"], found["y"])
        asked = [(e, *signs(e, meaning)) for e in own]
        t, held = threshold(found, asked)
        print(f"\n{name}_MODEL = ({', '.join(f'{w:.3f}' for w in b)})\n{name}_SURE = {t}")
        print("  the examples, held out: right {:.1%}, wrong {:.1%}, near-domain handed "
              "{:.1%}, off-topic handed {:.1%}".format(*held_rates(found, held, t)))
        print("  own set: right {:.1%}, wrong {:.1%}, handed {:.1%}".format(
            *rates(asked, b, t)))


def _asked(items: list[Indexed], asked: list[tuple[str, str, str, frozenset[str]]]
           ) -> list[Example]:
    """Questions (text, the entry that answers, group, who asks) asked of the whole
    knowledge base."""
    model = shipped_model()
    segmenter = _Words()
    segmenter.load()
    index, meanings = Index(items, segmenter), None
    if model is not None:
        texts, owners = phrasings(items)
        meanings = Meanings(items, VectorCache(ROOT / "var/help-vectors").vectors(
            model, texts), owners)
    made = []
    for text, key, group, who in asked:
        hits = index.search(text, who, most=len(items))
        close = ({} if model is None or meanings is None else dict(zip(
            meanings.keys, map(float, meanings.closeness(model.embed([text])[0])),
            strict=True)))
        made.append(Example(group, key, hits, close))
    return made


if __name__ == "__main__":
    main()
