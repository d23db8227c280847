"""The 智能客服 on questions in people's own words: it answers the questions an entry covers
with that entry, and hands the questions no entry covers to a person instead of answering
them. Two sets: tests/help/questions.toml (written from the seeds and the product without
reading the entries' keywords, bodies or 相似问法; the ranking's constants are set on it),
by words; and tests/help/unseen_questions.toml (written blind, never used to set anything),
by the ranking a deployment gets by default (HELP_RANKER=lexical) — the floors below hold
what is reached. The words fused with the shipped model are measured on the unseen set by
`python -m bench.help` (bench/README.md: embedding its 1,581 问法 costs about a minute of CPU on a
fresh clone, more than this suite can spend on one figure); tests/help/test_ranker.py holds
what the model mode does. The targets are ≥ 90 % sure and right, ≤ 3 % sure and wrong,
≥ 95 % handed to a person."""

from __future__ import annotations

from config.settings import ROOT
from services.help.measure import by_words, knowledge_index, measure, questions

ACCURACY = 0.87  # the target is 0.90: not reached by words alone (bench/README.md)
CLOSEST = 0.95
HANDED = 0.95
# the unseen set, by words (measured: bench/README.md). Its keys were given when the knowledge
# base had 91 entries: a question no entry covered then is keyed "" and counts as answered
# wrongly ("not handed") when one of the 55 entries added since answers it, as is a question
# keyed to an older entry that a newer one now answers; until the set is keyed again against
# the 146 entries, the last two figures read low
UNSEEN_ACCURACY = 0.46  # measured 0.48 (bench/README.md); the target is 0.90
UNSEEN_WRONG = 0.15  # measured 0.145 (0.075 with 91 entries); the target is 0.03
UNSEEN_HANDED = 0.68  # measured 0.70 (0.85 with 91 entries); the target is 0.95


def test_questions_in_peoples_own_words_get_their_entry_or_a_person() -> None:
    asked = questions(ROOT / "tests/help/questions.toml")
    score = measure(by_words(knowledge_index(ROOT / "texts")), asked)
    assert (score.asked, score.outside) == (100, 30)
    assert score.accuracy >= ACCURACY, (score.accuracy, score.misses)
    assert score.handed_share >= HANDED, (score.handed_share, score.misses)
    assert score.anywhere_closest / score.asked >= CLOSEST  # the closest offered hold it
    assert score.wrong <= 6, score.misses  # a wrong answer given with confidence is rare


def test_questions_never_seen_get_their_entry_or_a_person() -> None:
    score = measure(by_words(knowledge_index(ROOT / "texts")),
                    questions(ROOT / "tests/help/unseen_questions.toml"))
    assert score.asked >= 200 and score.outside >= 50
    assert score.accuracy >= UNSEEN_ACCURACY, (score.accuracy, score.misses)
    assert score.wrong_share <= UNSEEN_WRONG, (score.wrong_share, score.misses)
    assert score.handed_share >= UNSEEN_HANDED, (score.handed_share, score.misses)
