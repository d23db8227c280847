"""An expert's portrait (services/evaluation/portrait.py) for the expert and the
administrator, and the month's proposals by agency and specialty for the administrator's
statistics."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.common.clock import china_today
from services.evaluation import Portrait

api = Api()
TAG = "专家画像"
ADMIN = {Role.ADMIN}
EXPERT = {Role.EXPERT}


class EventOut(Model):
    at: datetime
    activity: str = Field(description="评标活动编号（没有的为空）")
    what: str = Field(description="事件（文字）")


class DimensionOut(Model):
    key: str = Field(description="attendance 履职出勤 / conduct 履职行为 / scoring 评分质量 / "
                                 "sanctions 处理 / education 继续教育 / credit 信用")
    title: str = Field(description="维度（文字）")
    value: str = Field(description="该维度的情况（文字）")
    events: list[EventOut] = Field(description="依据的事件，最近的在前（最多50条）")


class PortraitOut(Model):
    name: str = Field(description="专家姓名")
    number: str = Field(description="专家编号")
    since: datetime = Field(description="统计起点（信用规则的统计月数）")
    dimensions: list[DimensionOut]


class PortraitQuery(Model):
    number: str = Field(min_length=1, max_length=32, description="专家编号")


class FlagsQuery(Model):
    month: str = Field(default="", pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$",
                       description="月份，如 2026-11；空为本月")


class FlagRowOut(Model):
    agency: str = Field(description="代理机构")
    specialty: str = Field(description="专业代码")
    specialty_name: str = Field(description="专业")
    kind: str
    kind_title: str = Field(description="类别（文字）")
    proposed: int = Field(description="待确认")
    confirmed: int = Field(description="已确认")
    dismissed: int = Field(description="不予采纳")


class FlagsOut(Model):
    month: str
    rows: list[FlagRowOut]


def portrait_out(call: Call, got: Portrait) -> PortraitOut:
    texts = call.services.texts
    return PortraitOut(name=got.name, number=got.number, since=got.since, dimensions=[
        DimensionOut(key=d.key, title=texts.word("portrait_dimension", d.key), value=d.value,
                     events=[EventOut(at=e.at, activity=e.activity, what=e.what)
                             for e in d.events]) for d in got.dimensions])


@api.route("GET", "/me/portrait", access=EXPERT, response=PortraitOut, tag=TAG,
           summary="我的专家画像：出勤、履职、评分质量、处理、继续教育、信用，各附依据")
async def mine(call: Call) -> PortraitOut:
    return portrait_out(call, await call.domain.portraits.of_person(
        call.caller.need_person().id, call.services.texts, call.now))


@api.route("GET", "/admin/portraits", access=ADMIN, query=PortraitQuery,
           response=PortraitOut, tag=TAG, summary="一位专家的画像（按专家编号）")
async def of_expert(call: Call, query: PortraitQuery) -> PortraitOut:
    profile = await call.domain.credit.experts.expert_by_number(query.number)
    return portrait_out(call, await call.domain.portraits.of_expert(
        profile.id, call.services.texts, call.now))


class NameQuery(Model):
    name: str = Field(min_length=1, max_length=32, description="专家姓名（完整）")


class NamedOut(Model):
    number: str = Field(description="专家编号")
    region: str = Field(description="常驻地区")
    work_unit: str = Field(description="工作单位")


class NamedListOut(Model):
    experts: list[NamedOut] = Field(description="同名的专家（按编号，最多20位）")


@api.route("GET", "/admin/portraits/named", access=ADMIN, query=NameQuery,
           response=NamedListOut, tag=TAG,
           summary="按姓名找专家（同名的列出编号、地区和单位，再按编号看画像）")
async def named(call: Call, query: NameQuery) -> NamedListOut:
    regions = call.domain.reference.regions()
    return NamedListOut(experts=[NamedOut(
        number=e.expert_number, region=regions.full_name(e.region) or "",
        work_unit=e.work_unit) for e in await call.domain.credit.experts.experts_named(
            query.name)])


@api.route("GET", "/admin/evaluation-flags", access=ADMIN, query=FlagsQuery,
           response=FlagsOut, tag=TAG,
           summary="本月（或所选月份）评分分析和现场事件生成的履职建议，按代理机构和专业统计")
async def flags(call: Call, query: FlagsQuery) -> FlagsOut:
    today = china_today(call.now)
    first = date(int(query.month[:4]), int(query.month[5:]), 1) if query.month \
        else today.replace(day=1)
    texts = call.services.texts
    rows = await call.domain.flag_statistics.month(first)
    return FlagsOut(month=first.strftime("%Y-%m"), rows=[FlagRowOut(
        agency=r.agency, specialty=r.specialty, specialty_name=r.specialty_name, kind=r.kind,
        kind_title=texts.word("proposal_kind", r.kind), proposed=r.proposed,
        confirmed=r.confirmed, dismissed=r.dismissed) for r in rows])
