"""The numbers each provincial rule set holds an application form to, as its document states
them, and ours where it states none (docs/rules-that-are-ours.md, "An application's limits
by rule set"). A batch names its rule set (`Batch.specialty_rule`: xinjiang, hunan, jilin);
everything here follows from that choice.

- HN-APPLY (湖南): "评标专业最多可选择6个，最少需选择1个"; "从业资格证书不得超过三种".
- JL-GP (吉林): "最多可以选择 3 个三级评标专业"; "“职称信息”、“工作履历”、“执业资格”可以录入多条
  信息，至多 5 条"; "“其他材料”中附件信息选填，要求 JPG 格式，大小 20M 以下，最多三张".
- XJ-SIGNUP (新疆): "一级类别选一个，二级类别选2个，不可重复，三级类别最多选4个" (the 三级 count
  is the specialties' count: services/reference/specialties.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import BadInput
from services.reference.specialties import SPECIALTY_LIMITS, SpecialtyRule


@dataclass(frozen=True)
class FormLimits:
    """At most this many of each, under one rule set."""

    rule: SpecialtyRule
    specialties: int  # leaf specialties, 首选 and 备选 together
    titles: int  # 职称信息, the first title included
    work_history: int  # 工作履历
    qualifications: int  # 执业资格
    extra_files: int  # 其他材料
    extra_mb: int  # each 其他材料 file


# a number a document states is the rule set's, and no batch sets another
STATED_QUALIFICATIONS = {SpecialtyRule.HUNAN: 3, SpecialtyRule.JILIN: 5}
QUALIFICATIONS_DEFAULT = 3  # ours, where the document states none (Xinjiang): HN-APPLY's
QUALIFICATIONS_MAX = 5  # ours: the most any document allows (JL-GP)
WORK_HISTORY = {SpecialtyRule.JILIN: 5}
WORK_HISTORY_DEFAULT = 10  # ours: a career's worth on one printed form
TITLES = 5  # JL-GP; ours for the others, which state none
EXTRA_FILES, EXTRA_MB = 3, 20  # JL-GP; ours for the others, which state none


class RuleLimits:
    """The numbers a rule set holds an application form to (the part `rule_limits` of
    Reference)."""

    @staticmethod
    def form_limits(rule: SpecialtyRule, batch_qualifications: int = QUALIFICATIONS_DEFAULT
                    ) -> FormLimits:
        """The limits of a batch under `rule`; `batch_qualifications` is the batch's own setting,
        used only where the rule set's document states no number."""
        return FormLimits(
            rule=rule, specialties=SPECIALTY_LIMITS[rule], titles=TITLES,
            work_history=WORK_HISTORY.get(rule, WORK_HISTORY_DEFAULT),
            qualifications=STATED_QUALIFICATIONS.get(rule, batch_qualifications),
            extra_files=EXTRA_FILES, extra_mb=EXTRA_MB)

    @staticmethod
    def batch_qualifications(rule: SpecialtyRule, asked: int | None) -> int:
        """The number of qualifications a new batch under `rule` allows: the document's where it
        states one (asking another is refused in words), else the one asked (1 to 5) or ours."""
        stated = STATED_QUALIFICATIONS.get(rule)
        if stated is not None:
            if asked is not None and asked != stated:
                raise BadInput("admin.qualifications_by_rule", rule=rule.value, limit=stated)
            return stated
        if asked is None:
            return QUALIFICATIONS_DEFAULT
        if not 1 <= asked <= QUALIFICATIONS_MAX:
            raise BadInput("admin.qualifications_range", limit=QUALIFICATIONS_MAX,
                           default=QUALIFICATIONS_DEFAULT)
        return asked
