"""The application form: a draft may be partial; printing and submitting need it complete."""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from services.common.errors import BadInput, DomainError
from services.people.identity_rules import IdentityRules
from services.reference import Reference

TitleLevel = Literal["初级", "中级", "副高", "正高"]
Political = Literal["中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众"]
TITLE_LEVELS: tuple[str, ...] = get_args(TitleLevel)
POLITICAL: tuple[str, ...] = get_args(Political)
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
LIST_CAP = 20  # a request's lists, beyond any rule set's limit (docs/rules-that-are-ours.md)


def field_refusal(exc: DomainError) -> PydanticCustomError:
    """A refusal inside a field validator, as pydantic's error of type `refused` carrying the
    refusal's code and parameters (the API renders its words for that field)."""
    return PydanticCustomError("refused", "{code}", {"code": exc.code, "params": exc.params})


def optional_credit_code(value: str | None) -> str | None:
    """A field validator: an optional unified social credit code."""
    try:
        return IdentityRules.parse_credit_code(value) if value else value
    except DomainError as exc:
        raise field_refusal(exc) from None


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WorkEntry(Part):
    start: str = Field(pattern=_MONTH, description="开始年月 YYYY-MM")
    end: str | None = Field(default=None, pattern=_MONTH, description="结束年月，至今为空")
    unit: str = Field(min_length=2, max_length=128)
    position: str = Field(min_length=1, max_length=64)


class EducationEntry(Part):
    school: str = Field(min_length=2, max_length=64)
    major: str = Field(min_length=1, max_length=64)
    degree: Literal["中专", "大专", "本科", "硕士", "博士"]
    graduated: str = Field(pattern=_MONTH)


class Qualification(Part):
    name: str = Field(min_length=2, max_length=64, description="执业资格名称")
    number: str = Field(min_length=2, max_length=64)


class TitleEntry(Part):
    """A further title (JL-GP: up to 5 titles, each with its certificate)."""

    name: str = Field(min_length=2, max_length=64, description="职称名称")
    level: TitleLevel


class AvoidUnit(Part):
    name: str = Field(min_length=2, max_length=128)
    credit_code: str | None = Field(default=None, min_length=18, max_length=18)
    reason: str = Field(default="", max_length=64)

    @field_validator("credit_code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        return optional_credit_code(v)


class RelativeEntry(Part):
    """A close relative declared with the application (CK-198 Art. 16 (二); the application's
    需要申请回避的信息, CK-198 Art. 9): the ID number is sent once and kept only as its keyed
    hash and a masked form, the name masked (services/people/relatives.py `sealed`)."""

    relation: Literal["spouse", "lineal", "collateral", "in_law"] = Field(
        description="spouse 配偶 / lineal 直系血亲 / collateral 三代以内旁系血亲 / in_law 近姻亲")
    name: str = Field(min_length=2, max_length=32, description="亲属姓名（保存时打码）")
    id_number: str | None = Field(default=None, min_length=18, max_length=18,
                                  description="亲属身份证号（只在提交时填写，只保存比对用的摘要）")
    id_hash: str | None = Field(default=None, pattern=r"^(sm3:)?[0-9a-f]{60,64}$",
                                description="已保存的比对摘要（原样传回即保留该行）")
    id_masked: str | None = Field(default=None, max_length=18)
    unit_name: str = Field(default="", max_length=128, description="亲属任职的单位")
    credit_code: str = Field(default="", max_length=18)
    post: Literal["", "legal_rep", "director", "supervisor", "controller", "head"] = ""


class ApplicationDraft(Part):
    """Every section of the form; all optional while it is a draft."""

    political_status: Political | None = None
    region: str | None = Field(default=None, description="所在市州（常驻地区）代码，如 4401，"
                               "或区县代码，如 440106", pattern=r"^\d{4}(\d{2})?$")
    willing_regions: list[str] = Field(default=[], max_length=10,
                                       description="意愿评标区（市州或区县代码）")
    work_unit: str | None = Field(default=None, max_length=128)
    unit_credit_code: str | None = Field(default=None, min_length=18, max_length=18)
    office_phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=128,
                              pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    backup_phone: str | None = Field(default=None, max_length=16)
    remote_ok: bool | None = Field(default=None, description="是否接受远程异地评标")
    emergency_ok: bool | None = Field(default=None, description="是否愿意成为应急专家")
    # the lists' caps here only bound a request: a batch's rule set holds each to its own
    # number, refused in its words (services/applicants/form_limits.py)
    work_history: list[WorkEntry] = Field(default=[], max_length=LIST_CAP, description=(
        "工作履历（吉林规则的批次至多5条，其他批次至多10条）"))
    education: list[EducationEntry] = Field(default=[], max_length=5)
    title_name: str | None = Field(default=None, max_length=64, description="职称名称")
    title_level: TitleLevel | None = None
    # JL-GP: 如果没有职称，将执业资格填入“职称信息” (the title's name is then a qualification's)
    title_from_qualification: bool = Field(
        default=False, description="没有职称，职称信息填的是执业资格（仅吉林规则的批次）")
    more_titles: list[TitleEntry] = Field(default=[], max_length=LIST_CAP,
                                          description="其他职称（连同上面的职称至多5条）")
    # XJ-SIGNUP: * 从事专业类别（一级 / 二级）and * 从事专业年限
    practice_specialty: str | None = Field(default=None, pattern=r"^[A-Z]\d{4}$",
                                           description="从事专业类别：二级类别代码，如 A0201")
    practice_years: int | None = Field(default=None, ge=0, le=60, description="从事专业年限")
    qualifications: list[Qualification] = Field(default=[], max_length=LIST_CAP, description=(
        "执业资格（湖南规则的批次至多3条，吉林规则的至多5条，新疆规则的按批次设置）"))
    specialties: list[str] = Field(default=[], max_length=LIST_CAP, description=(
        "评标专业代码（首选与备选）：湖南规则的批次1至6个，吉林规则的至多3个三级专业，"
        "新疆规则的一级1个、二级至多2个、三级至多4个"))
    primary_specialty: str | None = Field(default=None, description="首选专业代码（一行首选）")
    # XJ-SIGNUP's form: * 首选专业 rows and 备选专业 rows ("首选评标专业"为必选入库专业，
    # "备选评标专业"将视情入库); the chosen codes not listed here are the alternates
    primary_specialties: list[str] = Field(default=[], max_length=4,
                                           description="首选专业代码（可填多行，其余为备选）")
    avoid_units: list[AvoidUnit] = Field(default=[], max_length=20,
                                         description="回避单位（本人工作单位自动加入）")
    relatives: list[RelativeEntry] = Field(default=[], max_length=30, description=(
        "近亲属及其任职单位（抽取时回避；每个任职单位一行）"))
    # XJ-SIGNUP: 资料提交（若专家无评标实践经验 请填“无”）
    evaluation_experience: str | None = Field(default=None, max_length=500,
                                              description="评标实践经验（没有请填“无”）")
    notes: str | None = Field(default=None, max_length=500, description="补充说明")
    # JL-GP: 申请变更区划，选择变更的区划，填写申请理由，点击【确认】后进行提交
    transfer_reason: str | None = Field(default=None, max_length=200,
                                        description="申请理由（异动申请必填，其他申请不填）")

    @model_validator(mode="after")
    def _one_primary_list(self) -> ApplicationDraft:
        """`primary_specialty` is the first 首选 row: either field may be sent."""
        if self.primary_specialties:
            self.primary_specialty = self.primary_specialties[0]
        elif self.primary_specialty:
            self.primary_specialties = [self.primary_specialty]
        return self

    @field_validator("unit_credit_code")
    @classmethod
    def _credit(cls, v: str | None) -> str | None:
        return optional_credit_code(v)

    @field_validator("willing_regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        kept = []
        for code in v:  # 4402, or 440200 as the national list writes it
            found = Reference.regions().canonical(code) if re.fullmatch(r"\d{4}(\d{2})?", code) \
                else None
            if found is None or len(found) < 4:
                raise field_refusal(BadInput("application.willing_region_format", code=code))
            kept.append(found)
        return list(dict.fromkeys(kept))


REQUIRED = {
    "political_status": "政治面貌", "region": "所在市州", "work_unit": "工作单位",
    "unit_credit_code": "单位统一社会信用代码", "email": "电子邮箱",
    "remote_ok": "是否接受远程异地评标",
    "emergency_ok": "是否愿意成为应急专家", "title_name": "职称名称", "title_level": "职称级别",
    "primary_specialty": "首选专业",
}
# asked of an application (征集 / 续聘, XJ-SIGNUP's form), not of a formal expert's change
APPLICATION_ONLY = {
    "practice_specialty": "从事专业类别", "practice_years": "从事专业年限",
    "evaluation_experience": "评标实践经验（没有请填“无”）",
}


class Particulars:
    """What an application form still lacks (the Experts' part `particulars`)."""

    @staticmethod
    def missing_parts(draft: ApplicationDraft, application: bool = True) -> list[str]:
        """What is still missing before the form can be printed (`application`: a new or renewal
        application, which asks for more than a change request)."""
        required = {**REQUIRED, **APPLICATION_ONLY} if application else REQUIRED
        if draft.title_from_qualification:  # a qualification in place of a title has no level
            required = {k: v for k, v in required.items() if k != "title_level"}
        out = [title for name, title in required.items() if getattr(draft, name) in (None, "")]
        if not draft.work_history:
            out.append("至少一段工作经历")
        if not draft.education:
            out.append("学历信息")
        if not draft.specialties:
            out.append("评标专业")
        return out

    @staticmethod
    def require_complete(draft: ApplicationDraft, application: bool = True) -> None:
        """Refuses a form that still lacks a part (missing_parts names them)."""
        missing = Particulars.missing_parts(draft, application)
        if missing:
            raise BadInput("application.incomplete", missing=missing)
