"""The evaluation-specialty rules a batch chooses from (HN-APPLY, XJ-SIGNUP, JL-GP).

A selection is a list of leaf specialties (三级, or a 二级 without children), one or more
of them primary (首选 rows, must be admitted), the others alternates (备选 rows, admitted as
the review sees fit).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import BadInput
from services.reference.catalogue import Catalogue


class SpecialtyRule(StrEnum):
    XINJIANG = "xinjiang"  # one 一级; <= 2 二级 under it; <= 4 三级 under those
    HUNAN = "hunan"  # 1 to 6, fixed for the batch once chosen
    JILIN = "jilin"  # at most 3 level-3


# how many leaf specialties (首选 and 备选 together) each rule allows: HN-APPLY "评标专业最多可
# 选择6个"; JL-GP "最多可以选择 3 个三级评标专业"; XJ-SIGNUP "三级类别最多选4个" (a 二级
# without children counting as a 三级, every leaf is one)
SPECIALTY_LIMITS = {SpecialtyRule.HUNAN: 6, SpecialtyRule.JILIN: 3, SpecialtyRule.XINJIANG: 4}
_TOO_MANY = {SpecialtyRule.HUNAN: "specialty.hunan_too_many",
             SpecialtyRule.JILIN: "specialty.jilin_too_many",
             SpecialtyRule.XINJIANG: "specialty.xinjiang_level3"}


@dataclass(frozen=True)
class Selection:
    codes: tuple[str, ...]
    primary: tuple[str, ...]  # the 首选 rows; the other codes are 备选


class Specialties:
    """The rule a batch sets on the specialties an applicant picks (the part `specialties`
    of Reference)."""

    @staticmethod
    def require_specialty_count(rule: SpecialtyRule, count: int) -> None:
        """BadInput, in the rule's own words, when more specialties are chosen than it allows
        (checked as the form is saved, and again with the whole rule when it is printed)."""
        if count > SPECIALTY_LIMITS[rule]:
            raise BadInput(_TOO_MANY[rule], limit=SPECIALTY_LIMITS[rule], count=count)

    @staticmethod
    def enforce_specialty_rule(rule: SpecialtyRule, selection: Selection, cat: Catalogue) -> None:
        """BadInput (saying what to fix) unless the selection satisfies the batch's rule."""
        codes = list(selection.codes)
        if not codes:
            raise BadInput("specialty.none")
        if len(set(codes)) != len(codes):
            raise BadInput("specialty.repeated")
        for code in codes:
            if not cat.is_leaf(code):
                spec = cat.get(code)
                raise BadInput("specialty.not_a_leaf", name=spec.name if spec else code)
        if not selection.primary or not set(selection.primary) <= set(codes):
            raise BadInput("specialty.no_primary")
        if rule == SpecialtyRule.HUNAN:
            Specialties.require_specialty_count(rule, len(codes))
        if rule == SpecialtyRule.JILIN:
            if any(cat.level_of_code(c) != 3 for c in codes):
                raise BadInput("specialty.jilin_level3_only")
            Specialties.require_specialty_count(rule, len(codes))
        if rule == SpecialtyRule.XINJIANG:
            # XJ-SIGNUP (申报专业填写注意事项): 一级类别不得超过 1 项，二级类别须在选定的一级类别下
            # 选报，不得超过 2 项，三级类别须在选定的二级类别下选报，共不得超过 4 项（二级类别
            # 下没有三级类别的，将该二级类别视同一个三级类别）, the limits counting 首选 and 备选
            # together; and all "在 A-工程大类别中选取"
            categories = any(s.level == 0 for s in cat.items.values())
            if categories and any(cat.level_of(c, 0) != "A" for c in codes):
                raise BadInput("specialty.xinjiang_category_a")
            level1 = {cat.level_of(c, 1) for c in codes}
            if len(level1) > 1:
                raise BadInput("specialty.xinjiang_one_level1")
            level2 = {cat.level_of(c, 2) for c in codes}
            if len(level2) > 2:
                raise BadInput("specialty.xinjiang_level2", limit=2, count=len(level2))
            # every leaf a 三级, or counts as one
            Specialties.require_specialty_count(rule, len(codes))
