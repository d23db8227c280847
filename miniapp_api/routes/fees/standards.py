"""The published fee standard (劳务费标准, FG-807: each library publishes its fee standard and
payment method): anyone, signed in or not, reads the version in force, those published to
apply later and how experts' fees are paid (the public page web/fee_standard.py says the
same); the system administrator publishes new versions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.fees import FeeStandard
from models.people import Role
from services.common.clock import china_today
from services.fees import NewStandard

api = Api()
CENT = Decimal("0.01")
TAG = "劳务费标准"
ADMIN = {Role.ADMIN}


class FeeStandardOut(Model):
    id: int
    name: str
    effective_from: date
    base_hours: int
    base_yuan: Decimal
    hour_yuan: Decimal = Field(description="超过基础时长后每增加1小时")
    part_hour_counts: bool = Field(description="不足1小时按1小时计")
    daily_cap_yuan: Decimal
    cancel_yuan: Decimal = Field(description="评标取消或到场后须回避的补偿")
    travel_yuan: Decimal = Field(description="异地专家交通补助（每次评标）")
    meal_yuan: Decimal = Field(description="异地专家餐费补助（每天）")
    notes: str
    secondary_rule: str = Field(default="higher", description=(
        "远程异地评标副场专家的劳务费：ours 本库标准 / theirs 副场所在库标准 / higher 就高"))
    secondary_rule_title: str = Field(default="", description="副场专家劳务费规则（文字）")
    profile: str = Field(default="hourly", description=(
        "计算方式：hourly 按小时（基础时长、每小时、每日最高）/ "
        "gd2020 分段（粤财采购〔2020〕17号）"))
    late_after_hours: int = Field(default=0, description="分段：超过该小时数后按较高单价")
    late_yuan: Decimal = Field(default=Decimal(0), description="分段：超过后每小时")
    next_day_yuan: Decimal = Field(default=Decimal(0), description="分段：次日起每小时")
    text: str = Field(description="标准全文（文字）")
    published_at: datetime


class PublishedOut(Model):
    today: date = Field(description="今天（北京时间）")
    current: FeeStandardOut | None = Field(description="今天有效的版本")
    later: list[FeeStandardOut] = Field(description="已发布、以后生效的版本")
    notice: str | None = Field(description="今天没有有效版本时的说明（有时为空）")
    payment: list[str] = Field(
        description="支付单位、支付方式、代扣个人所得税与查询方式，每项一段（文字）")


class PresetOut(Model):
    key: str
    title: str = Field(description="预置标准（来源文件）")
    source_from: date = Field(description="来源文件的施行日期（发布时另选生效日期）")
    values: dict[str, str] = Field(description="发布表单各项的预填值（金额为元）")


class VersionsOut(Model):
    today: date = Field(description="今天（北京时间）")
    current_id: int | None
    versions: list[FeeStandardOut]
    presets: list[PresetOut] = Field(default=[], description="可直接发布的省级标准")


class FeeStandardIn(Model):
    name: str = Field(min_length=1, max_length=64)
    effective_from: date
    base_hours: int = Field(default=3, ge=1, le=24)
    base_yuan: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    hour_yuan: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    part_hour_counts: bool = True
    daily_cap_yuan: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    cancel_yuan: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    travel_yuan: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    meal_yuan: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    notes: str = Field(default="", max_length=200)
    secondary_rule: str = Field(default="higher", description=(
        "副场专家劳务费：ours 本库标准 / theirs 副场所在库标准 / higher 就高（默认，"
        "发改办法规〔2025〕807号鼓励就高不就低）"))
    profile: str = Field(default="hourly", description=(
        "计算方式：hourly 按小时 / gd2020 分段（粤财采购〔2020〕17号）"))
    late_after_hours: int = Field(default=0, ge=0, le=24,
                                  description="分段：超过该小时数后按较高单价（如 8）")
    late_yuan: Decimal = Field(default=Decimal(0), ge=0, max_digits=9, decimal_places=2)
    next_day_yuan: Decimal = Field(default=Decimal(0), ge=0, max_digits=9, decimal_places=2)


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def standard_out(call: Call, s: FeeStandard) -> FeeStandardOut:
    return FeeStandardOut(
        id=s.id, name=s.name, effective_from=s.effective_from, base_hours=s.base_hours,
        base_yuan=_yuan(s.base_fen), hour_yuan=_yuan(s.hour_fen),
        part_hour_counts=s.part_hour_counts, daily_cap_yuan=_yuan(s.daily_cap_fen),
        cancel_yuan=_yuan(s.cancel_fen), travel_yuan=_yuan(s.travel_fen),
        meal_yuan=_yuan(s.meal_fen), notes=s.notes, secondary_rule=s.secondary_rule,
        secondary_rule_title=call.services.texts.word("secondary_rule", s.secondary_rule),
        profile=s.profile, late_after_hours=s.late_after_hours, late_yuan=_yuan(s.late_hour_fen),
        next_day_yuan=_yuan(s.next_day_hour_fen),
        text=call.services.texts.render("draw/fee_standard.j2", s=s), published_at=s.published_at)


def presets_out(call: Call) -> list[PresetOut]:
    """The published standards an administrator may take as they stand."""
    out = []
    for key, p in call.domain.fees.standards.PRESETS.items():
        values = {"name": p.name, "base_hours": str(p.base_hours), "profile": p.profile,
                  "late_after_hours": str(p.late_after_hours), "notes": p.notes,
                  "part_hour_counts": "1" if p.part_hour_counts else ""}
        for field in ("base", "hour", "daily_cap", "cancel", "travel", "meal"):
            values[f"{field}_yuan"] = str(_yuan(getattr(p, f"{field}_fen")))
        values["late_yuan"] = str(_yuan(p.late_hour_fen))
        values["next_day_yuan"] = str(_yuan(p.next_day_hour_fen))
        out.append(PresetOut(key=key, title=p.name, source_from=p.effective_from,
                             values=values))
    return out


@api.route("GET", "/fee-standards", access=Access.PUBLIC, response=PublishedOut, tag=TAG,
           summary="评标专家劳务费标准（现行与即将生效的版本）和支付方式")
async def published(call: Call) -> PublishedOut:
    today = china_today(call.now)
    current, later = await call.domain.fees.standards.published(today)
    texts = call.services.texts
    return PublishedOut(
        today=today, current=standard_out(call, current) if current else None,
        later=[standard_out(call, s) for s in later],
        notice=None if current else texts.render("draw/fee_standard_none.j2",
                                                 later=bool(later)).strip(),
        payment=paragraphs(texts.render("draw/fee_payment.j2",
                                        transfers=call.domain.fees.payouts.available)))


def paragraphs(text: str) -> list[str]:
    """A text's non-empty lines, one paragraph each."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@api.route("GET", "/admin/fee-standards", access=ADMIN, response=VersionsOut, tag=TAG,
           summary="劳务费标准的全部版本")
async def versions(call: Call) -> VersionsOut:
    today = china_today(call.now)
    standards = call.domain.fees.standards
    current = await standards.in_force(today)
    return VersionsOut(today=today, current_id=current.id if current else None,
                       versions=[standard_out(call, s) for s in await standards.versions()],
                       presets=presets_out(call))


@api.route("POST", "/admin/fee-standards", access=ADMIN, body=FeeStandardIn,
           response=FeeStandardOut, tag=TAG,
           summary="发布劳务费标准的新版本（自生效日期起评标的活动适用）")
async def publish(call: Call, body: FeeStandardIn) -> FeeStandardOut:
    made = await call.domain.fees.standards.publish(NewStandard(
        name=body.name, effective_from=body.effective_from, base_hours=body.base_hours,
        base_fen=_fen(body.base_yuan), hour_fen=_fen(body.hour_yuan),
        part_hour_counts=body.part_hour_counts, daily_cap_fen=_fen(body.daily_cap_yuan),
        cancel_fen=_fen(body.cancel_yuan), travel_fen=_fen(body.travel_yuan),
        meal_fen=_fen(body.meal_yuan), notes=body.notes,
        secondary_rule=body.secondary_rule, profile=body.profile,
        late_after_hours=body.late_after_hours, late_hour_fen=_fen(body.late_yuan),
        next_day_hour_fen=_fen(body.next_day_yuan)), call.caller.need_person().id,
        call.now)
    return standard_out(call, made)
