"""The specialty rules (HN-APPLY, XJ-SIGNUP, JL-GP) as property tests over the real catalogue, the
expectations written from the seeds' words:
- 001 (Xinjiang, 申报专业填写注意事项): "在 A-工程大类别中选取…确定大类别后则只能在该大类别下
  填报，其中一级类别不得超过 1 项，二级类别须在选定的一级类别下选报，不得超过 2 项，三级类别
  须在选定的二级类别下选报，共不得超过 4 项（二级类别下没有三级类别的，将该二级类别视同一个
  三级类别）", and its form shows 一级类别 A04设计, 二级类别 A0401建筑工程: the letter is the
  大类别, A04 a 一级, A0401 a 二级, A040101 a 三级;
- 000 (Hunan): "评标专业最多可选择6个，最少需选择1个";
- 002 (Jilin): "最多可以选择 3 个三级评标专业"."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services.common.errors import BadInput
from services.reference.catalogue import catalogue
from services.reference.specialties import Selection, Specialties, SpecialtyRule
from tests.support.helpers import said

CAT = catalogue()
LEAVES = CAT.leaves()
LEVEL3 = [c for c in LEAVES if len(c) == 7]  # 三级: A040101


def ok(rule: SpecialtyRule, codes: list[str], primary: str | None = None) -> bool:
    try:
        Specialties.enforce_specialty_rule(rule, Selection(tuple(codes), (primary or codes[0],)),
                                           CAT)
    except BadInput:
        return False
    return True


selections = st.lists(st.sampled_from(LEAVES), min_size=1, max_size=8, unique=True)


def yiji(code: str) -> str:
    """The 一级 a code is under: the letter and two digits (XJ-SIGNUP: A04设计)."""
    return code[:3]


def erji(code: str) -> str:
    """The 二级: two digits more (XJ-SIGNUP: A0401建筑工程)."""
    return code[:5]


def accepted(rule: SpecialtyRule, codes: list[str], primary: tuple[str, ...]) -> bool:
    try:
        Specialties.enforce_specialty_rule(rule, Selection(tuple(codes), primary), CAT)
    except BadInput:
        return False
    return True


@given(selections, st.integers(min_value=1, max_value=4))
def test_xinjiang_accepts_exactly_what_the_rule_says(codes: list[str], rows: int) -> None:
    """The first `rows` codes are the 首选 rows, the rest 备选: the limits count both."""
    in_a = all(c.startswith("A") for c in codes)  # 在 A-工程大类别中选取
    one_yiji = len({yiji(c) for c in codes}) == 1  # 一级类别不得超过 1 项
    erji_ok = len({erji(c) for c in codes}) <= 2  # 二级类别…不得超过 2 项
    sanji_ok = len(codes) <= 4  # 三级类别…共不得超过 4 项 (a bare 二级 counts as one)
    assert accepted(SpecialtyRule.XINJIANG, codes, tuple(codes[:rows])) is (
        in_a and one_yiji and erji_ok and sanji_ok)


@given(selections)
def test_hunan_takes_one_to_six(codes: list[str]) -> None:
    assert ok(SpecialtyRule.HUNAN, codes) is (len(codes) <= 6)


@given(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=5, unique=True))
def test_jilin_takes_at_most_three_level_3(codes: list[str]) -> None:
    only_level3 = all(c in LEVEL3 for c in codes)
    assert ok(SpecialtyRule.JILIN, codes) is (only_level3 and len(codes) <= 3)


@st.composite
def valid_xinjiang(draw: st.DrawFn) -> list[str]:
    """Built as XJ-SIGNUP says to fill the form: one 一级, up to two 二级 under it, up to four
    三级 (or bare 二级) under those."""
    chosen_yiji = draw(st.sampled_from(sorted({yiji(c) for c in LEAVES if c[0] == "A"})))
    groups = sorted({erji(c) for c in LEAVES if yiji(c) == chosen_yiji})
    chosen = draw(st.lists(st.sampled_from(groups), min_size=1, max_size=2, unique=True))
    pool = [c for c in LEAVES if erji(c) in chosen]
    return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))


@given(valid_xinjiang())
def test_constructed_xinjiang_selections_are_accepted(codes: list[str]) -> None:
    assert ok(SpecialtyRule.XINJIANG, codes)


@given(st.sampled_from(list(SpecialtyRule)), valid_xinjiang(), st.data())
def test_dropping_an_alternate_keeps_a_selection_valid(rule: SpecialtyRule, codes: list[str],
                                                       data: st.DataObject) -> None:
    if rule == SpecialtyRule.JILIN:  # 三级 only (most leaves here are bare 二级)
        codes = data.draw(st.lists(st.sampled_from(LEVEL3), min_size=2, max_size=3,
                                   unique=True))
    assume(len(codes) >= 2)
    assert ok(rule, codes)
    drop = data.draw(st.sampled_from(codes[1:]))
    assert ok(rule, [c for c in codes if c != drop], codes[0])


def test_the_seeds_own_examples() -> None:
    """XJ-SIGNUP's codes: A04 is a 一级 (设计) and A0401 a 二级 (建筑工程)."""
    assert CAT.level_of_code("A04") == 1 and CAT.level_of_code("A0401") == 2
    assert not CAT.is_leaf("A04") and not CAT.is_leaf("A08")  # a 一级 is never selected
    # a 二级 without 三级 counts as a 三级: A0401, A0402 and A0403 are selectable
    assert CAT.is_leaf("A0401") and not CAT.is_leaf("A0502") and CAT.is_leaf("A050201")
    # two 一级 (A04 设计, A08 工程监理): refused, though each is a single choice
    assert not ok(SpecialtyRule.XINJIANG, ["A0401", "A0801"])
    # three 二级 under A04: refused (不得超过 2 项)
    assert not ok(SpecialtyRule.XINJIANG, ["A0401", "A0402", "A0403"])
    # one 一级 (A05), two 二级 (A0502, A0503), four 三级: accepted; a fifth is refused
    four = ["A050201", "A050202", "A050301", "A050302"]
    assert ok(SpecialtyRule.XINJIANG, four)
    assert not ok(SpecialtyRule.XINJIANG, [*four, "A0501"])
    # a bare 二级 beside 三级 of another 二级 under the same 一级
    assert ok(SpecialtyRule.XINJIANG, ["A0501", "A050201", "A050202"])
    # several 首选 rows (all must be admitted) beside a 备选 row, within the limits
    assert accepted(SpecialtyRule.XINJIANG, ["A0401", "A0402"],
                    ("A0401", "A0402"))
    assert accepted(SpecialtyRule.XINJIANG, ["A050201", "A050202", "A050301"],
                    ("A050201", "A050202"))
    # only in the A 工程 大类别 ("在 A-工程大类别中选取"), whatever else the catalogue holds
    assert not ok(SpecialtyRule.XINJIANG, ["B0101"]) and ok(SpecialtyRule.HUNAN, ["B0101"])
    # Jilin takes only 三级, at most 3; Hunan up to 6 of any leaf
    assert ok(SpecialtyRule.JILIN, ["B010201", "B010202", "C030101"])
    assert not ok(SpecialtyRule.JILIN, ["B0101"])
    assert not ok(SpecialtyRule.JILIN, ["B010201", "B010202", "C030101", "C030102"])
    assert ok(SpecialtyRule.HUNAN, ["A0101", "A0102", "A0103", "A0201", "A0202", "A0401"])


@pytest.mark.parametrize(("codes", "primary", "message"), [
    (["A0401", "B0101"], "A0401", "A 工程"),
    (["A0401", "A0801"], "A0401", "同一个一级类别"),
    (["A0401", "A0402", "A0403"], "A0401", "二级类别不得超过2项"),
    (["A04"], "A04", "不能直接选择"),
    (["A0401", "A0402"], "A0501", "首选专业"),
    (["A0401", "A0401"], "A0401", "不能重复"),
    (["B0101"], "B0101", "A 工程"),
])
def test_refusals_say_what_to_fix(codes: list[str], primary: str, message: str) -> None:
    with pytest.raises(BadInput) as exc:
        Specialties.enforce_specialty_rule(SpecialtyRule.XINJIANG,
                                           Selection(tuple(codes), (primary,)), CAT)
    assert message in said(exc.value)


def test_industry_comes_from_the_nearest_ancestor() -> None:
    assert CAT.industry("A0401") == "住建"
    assert CAT.industry("A0601") == "水利"
    assert CAT.industry("B0201") == "卫健"


@pytest.mark.parametrize(("rule", "codes", "message"), [
    (SpecialtyRule.HUNAN, ["A0101", "A0102", "A0103", "A0201", "A0202", "A0401", "A0402"],
     "最多选择6个，当前选择了7个"),  # HN-APPLY: 评标专业最多可选择6个
    (SpecialtyRule.JILIN, ["A0401"], "请选择三级评标专业"),  # JL-GP: 3 个三级评标专业
    (SpecialtyRule.JILIN, ["A050201", "A050202", "A050301", "A050302"],
     "最多选择3个三级评标专业，当前选择了4个"),
    (SpecialtyRule.HUNAN, [], "请至少选择一个评标专业"),  # HN-APPLY: 最少需选择1个
])
def test_each_rules_refusal_says_what_to_fix(rule: SpecialtyRule, codes: list[str],
                                             message: str) -> None:
    with pytest.raises(BadInput) as exc:
        Specialties.enforce_specialty_rule(rule, Selection(tuple(codes), tuple(codes[:1])), CAT)
    assert message in said(exc.value)
