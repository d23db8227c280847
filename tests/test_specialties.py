"""The specialty rules (seeds 000, 001, 002) as property tests over the real catalogue."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services.catalogue import catalogue
from services.errors import BadInput
from services.specialties import Selection, SpecialtyRule, enforce_specialty_rule
from tests.helpers import said

CAT = catalogue()
LEAVES = CAT.leaves()
LEVEL3 = [c for c in LEAVES if CAT.get(c).level == 3]  # type: ignore[union-attr]


def ok(rule: SpecialtyRule, codes: list[str], primary: str | None = None) -> bool:
    try:
        enforce_specialty_rule(rule, Selection(tuple(codes), primary or codes[0]), CAT)
    except BadInput:
        return False
    return True


selections = st.lists(st.sampled_from(LEAVES), min_size=1, max_size=8, unique=True)


@given(selections)
def test_xinjiang_accepts_exactly_what_the_rule_says(codes: list[str]) -> None:
    level1 = {c[0] for c in codes}
    level2 = {c[:3] for c in codes}
    expected = len(level1) == 1 and len(level2) <= 2 and len(codes) <= 4
    assert ok(SpecialtyRule.XINJIANG, codes) is expected


@given(selections)
def test_hunan_takes_one_to_six(codes: list[str]) -> None:
    assert ok(SpecialtyRule.HUNAN, codes) is (len(codes) <= 6)


@given(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=5, unique=True))
def test_jilin_takes_at_most_three_level_3(codes: list[str]) -> None:
    only_level3 = all(c in LEVEL3 for c in codes)
    assert ok(SpecialtyRule.JILIN, codes) is (only_level3 and len(codes) <= 3)


@st.composite
def valid_xinjiang(draw: st.DrawFn) -> list[str]:
    """Built to satisfy the rule: one level-1, up to two level-2 under it, up to 4 leaves."""
    level1 = draw(st.sampled_from(sorted({c[0] for c in LEAVES})))
    groups = sorted({c[:3] for c in LEAVES if c[0] == level1})
    chosen = draw(st.lists(st.sampled_from(groups), min_size=1, max_size=2, unique=True))
    pool = [c for c in LEAVES if c[:3] in chosen]
    return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))


@given(valid_xinjiang())
def test_constructed_xinjiang_selections_are_accepted(codes: list[str]) -> None:
    assert ok(SpecialtyRule.XINJIANG, codes)


@given(st.sampled_from(list(SpecialtyRule)), valid_xinjiang(), st.data())
def test_dropping_an_alternate_keeps_a_selection_valid(rule: SpecialtyRule, codes: list[str],
                                                       data: st.DataObject) -> None:
    if rule == SpecialtyRule.JILIN:
        codes = [c for c in codes if c in LEVEL3][:3]
    assume(len(codes) >= 2)
    assert ok(rule, codes)
    drop = data.draw(st.sampled_from(codes[1:]))
    assert ok(rule, [c for c in codes if c != drop], codes[0])


def test_a_level_2_without_children_counts_as_a_level_3() -> None:
    # A08 (工程监理) has no level-3 children: it is selectable and takes one of the four
    assert CAT.is_leaf("A08") and not CAT.is_leaf("A04")
    assert ok(SpecialtyRule.XINJIANG, ["A0401", "A0402", "A0403", "A08"])
    assert not ok(SpecialtyRule.XINJIANG, ["A0401", "A0402", "A0403", "A08", "A0101"])


@pytest.mark.parametrize(("codes", "primary", "message"), [
    (["A0401", "B0101"], "A0401", "同一个一级类别"),
    (["A0401", "A0501", "A0101"], "A0401", "二级类别不得超过2项"),
    (["A04"], "A04", "不能直接选择"),
    (["A0401", "A0402"], "A0501", "首选专业"),
    (["A0401", "A0401"], "A0401", "不能重复"),
])
def test_refusals_say_what_to_fix(codes: list[str], primary: str, message: str) -> None:
    with pytest.raises(BadInput) as exc:
        enforce_specialty_rule(SpecialtyRule.XINJIANG, Selection(tuple(codes), primary), CAT)
    assert message in said(exc.value)


def test_industry_comes_from_the_nearest_ancestor() -> None:
    assert CAT.industry("A0401") == "住建"
    assert CAT.industry("A0601") == "水利"
    assert CAT.industry("B0201") == "卫健"
