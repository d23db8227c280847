"""A skip's reason is written and read by one codec
(services/draws/candidates/skip_reasons.py): every kind a rule writes reads back as
itself, and a text no rule writes reads as nothing (the audit then reports it instead of
guessing at its parts)."""

from __future__ import annotations

import pytest

from services.draws.candidates.skip_reasons import (
    Skip,
    SkipReasons,
    for_cap,
    for_place,
    for_record,
    read,
)
from tests.support.helpers import TEXTS


@pytest.mark.parametrize("text", [
    for_record("sanction", 7), for_record("unavailable", 12), for_record("booked", 3),
    for_record("invited", 44), for_cap("cap", 6, 12), for_cap("tenderer_cap", 2, 24),
    Skip("supervisor").text(), Skip("inactive").text(), Skip("avoided").text(),
    for_place("remote", "440106")])
def test_every_reason_a_rule_writes_reads_back_as_itself(text: str) -> None:
    skip = read(text)
    assert skip is not None and skip.text() == text
    # and is said in words on the 随机性核对 page, never as its code
    words = SkipReasons.said(text, TEXTS)
    assert words and skip.kind not in words and not any(c.isascii() and c.isalpha()
                                                        for c in words), words


def test_the_texts_are_those_stored_records_already_hold() -> None:
    assert for_cap("cap", 6, 12) == "cap:6:12"
    assert read("tenderer_cap:2:24") == Skip("tenderer_cap", cap=2, months=24)
    assert read("sanction:7") == Skip("sanction", record=7)
    assert read("supervisor") == Skip("supervisor")
    assert read("remote:4401") == Skip("remote", place="4401")
    assert SkipReasons.said("cap:6:12", TEXTS) == "已达抽取次数限制（12个月内6次）"
    assert SkipReasons.said("remote:440106", TEXTS) == \
        "不接受异地评标，评标地点广东省广州市天河区不在其常驻城市"


@pytest.mark.parametrize("text", ["cap:6", "cap:six:12", "sanction:", "sanction:x",
                                  "supervisor:1", "holiday:3", "", "booked:1:2",
                                  "remote", "remote:", "remote:44010", "remote:广州"])
def test_a_text_no_rule_writes_reads_as_nothing(text: str) -> None:
    assert read(text) is None
