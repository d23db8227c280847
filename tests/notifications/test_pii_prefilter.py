"""The last-line mask's prefilter for long responses: a text it lets through unmasked holds
no phone or ID number (random texts, phones written every way PHONE_RE knows), and digits
glued to letters, such as an activity number, are no candidate."""

from __future__ import annotations

import random

from services.common import pii

PAD = "中" * 1000  # long enough for the byte search


def test_the_prefilter_misses_no_phone_or_id_number() -> None:
    rnd = random.Random(7)
    alphabet = "0123456789" * 6 + "  --+()abcQX中文:\","
    found = 0
    for _ in range(20_000):
        core = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(8, 30)))
        if rnd.random() < 0.3:
            core = (rnd.choice(["+86", "0086", "(+86)", "(86)", "+86 ", "86", "x", ""])
                    + rnd.choice(["138", "1381"]) + rnd.choice(["", " ", "-"]) + "1234"
                    + rnd.choice(["", " ", "-"]) + "5678" + rnd.choice(["", "9", "a", " "]))
        text = PAD + core + PAD
        # the full patterns themselves (find_unmasked asks the prefilter first, so it could
        # never show a miss), over the core and one character of PAD either side: no match
        # holds a 中, and the patterns look one character around a match
        near = PAD[:1] + core + PAD[:1]
        if pii.ID_RE.search(near) or pii.PHONE_RE.search(near):
            found += 1
            assert pii._maybe(text), core
    assert found > 1000


def test_an_activity_number_is_no_candidate() -> None:
    text = PAD + '"number":"CQSQ00000012","at":"2026-11-25T09:00:00+08:00"' + PAD
    assert not pii._maybe(text)
    assert pii._maybe(text + " 13800000002") and "138****0002" in pii.mask_text(
        text + " 13800000002")
