"""The 智能客服 on questions in people's own words: it answers the questions an entry covers
with that entry, and hands the questions no entry covers to a person instead of answering
them. Two sets: tests/help/questions.toml (written from the seeds and the product without
reading the entries' keywords, bodies or 相似问法; the decision's threshold must hold on it
besides the examples bench/help_confidence.py makes from the entries), by words; and
tests/help/unseen_questions.toml (written blind, never used to set anything), by the ranking
a deployment gets by default (HELP_RANKER=lexical) — the floors below hold what is reached.
The decision is fitted to give few wrong answers first: fewer questions are answered sure
than under the hand-set thresholds before, and more get the three closest and a person.
The words blended with the shipped model are measured on the unseen set by
`python -m bench.help` (bench/README.md: embedding its 1,841 问法 costs minutes of CPU on a
fresh clone, more than this suite can spend on one figure); tests/help/test_ranker.py holds
what the model mode does. The targets are ≥ 90 % sure and right, ≤ 3 % sure and wrong,
≥ 95 % handed to a person."""

from __future__ import annotations

from config.settings import ROOT
from services.help.measure import by_words, knowledge_index, measure, questions

ACCURACY = 0.53  # measured 0.55; the target is 0.90: not reached by words alone (bench/README.md)
CLOSEST = 0.95
HANDED = 0.95
# the unseen set, by words, keyed against the 146 entries, with the fitted decision and 152
# entries (measured: bench/README.md; the hand-set thresholds before: 0.50, 0.110, 0.80)
UNSEEN_ACCURACY = 0.34  # measured 0.36; the target is 0.90
UNSEEN_WRONG = 0.045  # measured 0.037; the target is 0.03
UNSEEN_HANDED = 0.92  # measured 0.94; the target is 0.95


def test_questions_in_peoples_own_words_get_their_entry_or_a_person() -> None:
    asked = questions(ROOT / "tests/help/questions.toml")
    score = measure(by_words(knowledge_index(ROOT / "texts")), asked)
    assert (score.asked, score.outside) == (100, 30)
    assert score.accuracy >= ACCURACY, (score.accuracy, score.misses)
    assert score.handed_share >= HANDED, (score.handed_share, score.misses)
    assert score.anywhere_closest / score.asked >= CLOSEST  # the closest offered hold it
    assert score.wrong <= 3, score.misses  # the target: at most 3 % sure and wrong


def test_questions_never_seen_get_their_entry_or_a_person() -> None:
    score = measure(by_words(knowledge_index(ROOT / "texts")),
                    questions(ROOT / "tests/help/unseen_questions.toml"))
    assert score.asked >= 200 and score.outside >= 50
    # the figures only: the set's questions are never printed (nobody tunes on them)
    assert score.accuracy >= UNSEEN_ACCURACY, score.accuracy
    assert score.wrong_share <= UNSEEN_WRONG, score.wrong_share
    assert score.handed_share >= UNSEEN_HANDED, score.handed_share
