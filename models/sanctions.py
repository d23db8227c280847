"""Sanctions on experts (招标投标法实施条例 Art. 71–72: 责令改正, a ban for a period, removal,
a permanent ban) with the expert's appeal, and the library's draw policy (caps on how often
one expert is drawn, in all and for one tenderer)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from tortoise import fields

from models.orm.base import Model


class SanctionKind(StrEnum):
    WARNING = "warning"  # 警告 / 责令改正: recorded, excludes from nothing
    SUSPENSION = "suspension"  # 暂停评标资格 for a period (Art. 71: 一定期限内)
    REMOVAL = "removal"  # 取消评标专家资格 (Art. 71: 取消其担任评标委员会成员的资格)
    BAN = "ban"  # 终身禁入 (Art. 72: 不得再参加任何依法必须进行招标的项目的评标)


EXCLUDING = (SanctionKind.SUSPENSION, SanctionKind.REMOVAL, SanctionKind.BAN)
# no end date (实施条例 Art. 71 取消资格, Art. 72 不得再参加): they bar a new application too
PERMANENT = (SanctionKind.REMOVAL, SanctionKind.BAN)


class AppealOutcome(StrEnum):
    NONE = ""  # no appeal, or one not yet ruled on
    UPHELD = "upheld"  # 维持
    REVOKED = "revoked"  # 撤销: the sanction is void from the ruling on


class Sanction(Model):
    """One decision on one expert. A suspension runs from `starts_on` to `ends_on`
    (inclusive, China dates); a removal or a ban has no end. A revoked one excludes nobody."""

    id = fields.BigIntField(primary_key=True)
    expert_id = fields.BigIntField(db_index=True)
    kind = fields.CharField(max_length=12)  # SanctionKind
    conduct: list[str] = fields.JSONField(default=list)  # offences' codes (Art. 71 list)
    reason = fields.CharField(max_length=300)  # the facts, in the decider's words
    decided_on = fields.DateField()
    starts_on = fields.DateField()
    ends_on = fields.DateField(null=True)
    decided_by = fields.BigIntField()  # person id
    appeal = fields.CharField(max_length=500, default="")  # the expert's, once
    appealed_at = fields.DatetimeField(null=True)
    outcome = fields.CharField(max_length=8, default="")  # AppealOutcome
    ruling = fields.CharField(max_length=300, default="")  # the administrator's words
    ruled_by = fields.BigIntField(null=True)
    ruled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "expert_sanction"

    def excludes_on(self, first: date, last: date) -> bool:
        """Whether it keeps the expert from an evaluation held on these days."""
        return (self.kind in EXCLUDING and self.outcome != AppealOutcome.REVOKED
                and self.starts_on <= last and (self.ends_on is None or self.ends_on >= first))


class DrawPolicy(Model):
    """The library's caps, one row (id 1), a cap of None being off. Counted over the months
    before an evaluation's start: the evaluations an expert confirmed, in all and for the
    same tenderer (by credit code). And the weighting by credit level (阶梯抽取概率), off by
    default: when on, an expert of level A has `weight_a` chances to a D-level's `weight_d`
    (services/draws/randomness/weighting.py)."""

    id = fields.IntField(primary_key=True)
    expert_cap = fields.IntField(null=True)
    expert_months = fields.IntField(default=12)
    tenderer_cap = fields.IntField(null=True)
    tenderer_months = fields.IntField(default=12)
    weighted = fields.BooleanField(default=False, db_default=False)
    # the years before an evaluation a past employer is avoided in (政府采购法实施条例 Art. 9,
    # 财库〔2016〕198号 Art. 16: 3); the administrator's setting
    past_unit_years = fields.IntField(default=3, db_default=3)
    weight_a = fields.IntField(default=4, db_default=4)
    weight_b = fields.IntField(default=3, db_default=3)
    weight_c = fields.IntField(default=2, db_default=2)
    weight_d = fields.IntField(default=1, db_default=1)
    updated_by = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "draw_policy"


class CreditRule(Model):
    """The administrator's credit rule, one row (id 1), none meaning the defaults: from the
    mean performance score of the window's records (100 without any), points off for each
    conduct item, late arrival or early leaving, registered absence (缺席; 请假 by its own
    points, 现场回避 never), and for each warning or suspension; a
    removal or a ban makes it 0. Levels by score."""

    id = fields.IntField(primary_key=True)
    window_months = fields.IntField(default=36)
    conduct_points = fields.IntField(default=10)
    attendance_points = fields.IntField(default=2)
    warning_points = fields.IntField(default=10)
    suspension_points = fields.IntField(default=30)
    absence_points = fields.IntField(default=20, db_default=20)  # each 缺席 registered
    leave_points = fields.IntField(default=0, db_default=0)  # each 请假 registered
    level_a = fields.IntField(default=90)
    level_b = fields.IntField(default=75)
    level_c = fields.IntField(default=60)
    updated_by = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "credit_rule"


class CreditScore(Model):
    """An expert's credit now, and each change of it (the history)."""

    id = fields.BigIntField(primary_key=True)
    expert_id = fields.BigIntField(db_index=True)
    score = fields.IntField()
    level = fields.CharField(max_length=1)  # A / B / C / D
    records = fields.IntField(default=0)  # performance records counted
    sanctions = fields.IntField(default=0)  # sanctions counted
    cause = fields.CharField(max_length=32)  # what changed it: performance, sanction, rule
    at = fields.DatetimeField()

    class Meta:
        table = "credit_score"


class YearlyAccount(Model):
    """An expert's account of one finished China year (年度考核), made once after every
    evaluation of the year has passed its recording deadline (services/standing/
    yearly_accounts.py): what the records said that day, kept as it was."""

    id = fields.BigIntField(primary_key=True)
    expert_id = fields.BigIntField()
    person_id = fields.BigIntField(db_index=True)
    year = fields.IntField(db_index=True)  # the China calendar year accounted for
    invited = fields.IntField(default=0)  # invitations answered or left unanswered
    declined = fields.IntField(default=0)  # 2 不参加
    served = fields.IntField(default=0)  # performance records of service
    late = fields.IntField(default=0)  # 迟到
    left_early = fields.IntField(default=0)  # 早退
    conduct = fields.IntField(default=0)  # records with a conduct item
    absent = fields.IntField(default=0)  # registered 缺席
    leave = fields.IntField(default=0)  # registered 请假
    sanctions = fields.IntField(default=0)  # decided in the year, not revoked
    courses = fields.IntField(default=0)  # continuing-education courses passed in the year
    hours = fields.IntField(default=0)  # their hours
    credit_score = fields.IntField()  # the credit when the account was made
    credit_level = fields.CharField(max_length=1)
    made_at = fields.DatetimeField()

    class Meta:
        table = "yearly_account"
        unique_together = (("expert_id", "year"),)
