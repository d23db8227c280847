"""The evaluation-specialty rules a batch chooses from (seeds 000, 001, 002).

A selection is a list of leaf specialties (level 3, or level 2 without children), one of
them primary (首选, must be admitted), the others alternates (备选, admitted as the review
sees fit).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.catalogue import Catalogue
from services.identity_rules import RuleError


class SpecialtyRule(StrEnum):
    XINJIANG = "xinjiang"  # one level-1; <= 2 level-2 under it; <= 4 level-3 under those
    HUNAN = "hunan"  # 1 to 6, fixed for the batch once chosen
    JILIN = "jilin"  # at most 3 level-3


@dataclass(frozen=True)
class Selection:
    codes: tuple[str, ...]
    primary: str


def check_selection(rule: SpecialtyRule, selection: Selection, cat: Catalogue) -> None:
    """RuleError (with what to fix) unless the selection satisfies the batch's rule."""
    codes = list(selection.codes)
    if not codes:
        raise RuleError("请至少选择一个评标专业。")
    if len(set(codes)) != len(codes):
        raise RuleError("评标专业不能重复选择。")
    for code in codes:
        if not cat.is_leaf(code):
            spec = cat.get(code)
            name = spec.name if spec else code
            raise RuleError(f"「{name}」不能直接选择，请选择其下的具体专业。")
    if selection.primary not in codes:
        raise RuleError("请在所选专业中指定一个首选专业。")
    if rule == SpecialtyRule.HUNAN and len(codes) > 6:
        raise RuleError(f"评标专业最多选择6个，当前选择了{len(codes)}个。")
    if rule == SpecialtyRule.JILIN:
        if any(cat.get(c).level != 3 for c in codes):  # type: ignore[union-attr]
            raise RuleError("请选择三级评标专业。")
        if len(codes) > 3:
            raise RuleError(f"最多选择3个三级评标专业，当前选择了{len(codes)}个。")
    if rule == SpecialtyRule.XINJIANG:
        level1 = {cat.level_of(c, 1) for c in codes}
        if len(level1) > 1:
            raise RuleError("所有专业须在同一个一级类别下（一级类别不得超过1项）。")
        level2 = {cat.level_of(c, 2) for c in codes}
        if len(level2) > 2:
            raise RuleError(f"二级类别不得超过2项，当前涉及{len(level2)}项。")
        if len(codes) > 4:  # a level-2 without children counts as a level-3
            raise RuleError(f"三级类别共不得超过4项（没有三级类别的二级类别按一项计），"
                            f"当前为{len(codes)}项。")
