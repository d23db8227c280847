"""The system administrator's statistics: draws by month and by the project's city,
invitations and their answers, decline and absence rates, the experts most and least often
confirmed, sanctions in force and fees — as figures, and as one Excel workbook."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.routes.fees.common import fen_yuan
from miniapp_api.schemas import Model
from models.draws import InvitationStatus as S
from models.people import Role
from services.admin import RANKED, Month, MonthFigures, Statistics
from services.common.clock import china_today

api = Api()
TAG = "统计"
ADMIN = {Role.ADMIN}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 评标统计.xlsx
FILENAME = "%E8%AF%84%E6%A0%87%E7%BB%9F%E8%AE%A1"


class StatisticsQuery(Model):
    from_month: str | None = Field(default=None, max_length=20,
                                   description="起始月份，如 2026-01；默认截止月份前11个月")
    to_month: str | None = Field(default=None, max_length=20,
                                 description="截止月份（含），如 2026-12；默认本月")


class MonthOut(Model):
    month: str = Field(description="月份，ISO（2026-11）；合计行为空")
    month_title: str = Field(description="月份（文字，如 2026年11月），合计行为“合计”")
    draws: int = Field(
        description="评标开始于该月、已开始随机抽取的活动数（含补抽、重新抽取；不含复评）")
    supplements: int = Field(description="其中补抽")
    redraws: int = Field(description="其中重新抽取")
    reevals: int = Field(description="复评（通知原专家）次数，不计入抽取和邀请")
    lent: int = Field(default=0, description=(
        "为其他专家库的副场抽取本库专家的次数（不计入抽取次数；本库专家的答复计入邀请）"))
    borrowed: int = Field(default=0, description=(
        "其他专家库为本库副场抽取、参加评标的外库专家人数（按对方告知，不计入本库邀请）"))
    borrowed_absent: int = Field(default=0, description="其中被对方登记请假、缺席等不能参加的人数")
    borrowed_by: list[tuple[str, int]] = Field(default=[], description=(
        "参加的外库专家按其专家库（专家库名称、人数），人数多的在前"))
    small_pools: int = Field(default=0, description=(
        "候选人少于名额3倍、经交易中心确认后核验通过的抽取活动数"))
    recall_attended: int = Field(description="复评时原专家同意参加的人数")
    recall_declined: int = Field(description="复评时原专家表示不参加的人数（不计入拒绝率）")
    invited: int = Field(description="发出的邀请")
    confirmed: int = Field(description="确认参加（含之后登记缺席的）")
    declined: int = Field(description="不参加（回复 2）")
    avoided: int = Field(description="需回避（回复 3）")
    no_answer: int = Field(description="超时未答复")
    absent: int = Field(description="登记缺席、请假或现场回避")
    answered: int = Field(description="已答复（1、2、3）")
    decline_rate: Decimal | None = Field(description="拒绝率（%）= 不参加 ÷ 已答复；无答复时为空")
    absence_rate: Decimal | None = Field(description="缺席率（%）= 登记缺席 ÷ 确认参加")
    fees_recorded_yuan: Decimal = Field(description="已登记的劳务费（元）")
    fees_paid_yuan: Decimal = Field(description="其中已支付（元）")


class RegionOut(Model):
    region: str = Field(description="城市代码（GB/T 2260 前4位）")
    region_name: str
    draws: int


class ExpertOut(Model):
    expert_number: str
    name: str
    evaluations: int = Field(description="统计期间内确认参加评标的次数（不含登记缺席的）")


class SanctionCountOut(Model):
    kind: str
    kind_title: str
    count: int


class MoneyOut(Model):
    month: str = Field(description="支付月份，如 2026-11（北京时间）")
    month_title: str
    agency: str = Field(description="代理机构")
    transfers: int = Field(description="微信转账笔数")
    transfer_yuan: Decimal = Field(description="微信转账应发合计")
    banked: int = Field(description="银行转账笔数")
    bank_yuan: Decimal = Field(description="银行转账应发合计")
    tax_yuan: Decimal = Field(description="代扣个人所得税合计")
    net_yuan: Decimal = Field(description="实发合计")
    receipts: int = Field(description="已归档电子回单的微信转账笔数")


class StatisticsOut(Model):
    from_month: str
    to_month: str
    from_title: str
    to_title: str
    today: date = Field(description="处分按这一天（北京时间）统计")
    months: list[MonthOut]
    total: MonthOut
    regions: list[RegionOut]
    most_drawn: list[ExpertOut] = Field(description="确认参加次数最多的10名在库专家")
    least_drawn: list[ExpertOut] = Field(description="确认参加次数最少的10名在库专家（含0次）")
    active_experts: int
    sanctions: list[SanctionCountOut]
    money: list[MoneyOut] = Field(default=[], description=(
        "按支付月份和代理机构的专家费（与财务专家费台账同一来源）"))
    rules: list[tuple[str, str]] = Field(description="各项数字的统计口径（名称、说明）")


def month_out(m: MonthFigures, title: str | None = None) -> MonthOut:
    s = m.statuses
    return MonthOut(
        month="" if title else m.month.iso, month_title=title or m.month.words,
        draws=m.draws, supplements=m.supplements, redraws=m.redraws, reevals=m.reevals,
        lent=m.lent, borrowed=m.borrowed, borrowed_absent=m.borrowed_absent,
        borrowed_by=m.borrowed_by.most_common(),
        small_pools=m.small_pools,
        recall_attended=m.recall_attended, recall_declined=m.recall_declined,
        invited=m.invited, confirmed=m.confirmed,
        declined=s[S.DECLINED], avoided=s[S.AVOIDED], no_answer=s[S.TIMEOUT],
        absent=s[S.ABSENT], answered=m.answered, decline_rate=m.decline_rate,
        absence_rate=m.absence_rate, fees_recorded_yuan=fen_yuan(m.fee_recorded_fen),
        fees_paid_yuan=fen_yuan(m.fee_paid_fen))


async def _figures(call: Call, query: StatisticsQuery
                   ) -> tuple[Statistics, list[Month], date]:
    today = china_today(call.now)
    desk = call.domain.statistics
    months = desk.statistics.period(query.from_month, query.to_month, today)
    return await desk.statistics.figures(months, today, await call.domain.reads.db()), months, today


def _rules(call: Call, months: list[Month], today: date) -> str:
    return call.services.texts.render(
        "documents/statistics_rules.j2", first=months[0].words, last=months[-1].words,
        ranked=RANKED, today=f"{today.year}年{today.month}月{today.day}日")


@api.route("GET", "/admin/statistics", access=ADMIN, query=StatisticsQuery,
           response=StatisticsOut, tag=TAG,
           summary="统计：按月的抽取、答复、拒绝率、缺席率和劳务费，按地区的抽取，抽中最多最少的专家，生效中的处分")
async def statistics(call: Call, query: StatisticsQuery) -> StatisticsOut:
    found, months, today = await _figures(call, query)
    total = call.services.texts.render("documents/statistics_total.j2")
    return StatisticsOut(
        from_month=months[0].iso, to_month=months[-1].iso, from_title=months[0].words,
        to_title=months[-1].words, today=today, months=[month_out(m) for m in found.months],
        total=month_out(found.total, total),
        regions=[RegionOut(region=r.code, region_name=r.name, draws=r.draws)
                 for r in found.regions],
        most_drawn=[ExpertOut(expert_number=e.expert_number, name=e.name,
                              evaluations=e.evaluations) for e in found.most],
        least_drawn=[ExpertOut(expert_number=e.expert_number, name=e.name,
                               evaluations=e.evaluations) for e in found.least],
        active_experts=found.active_experts,
        sanctions=[SanctionCountOut(kind=s.kind, kind_title=s.words, count=s.count)
                   for s in found.sanctions],
        money=[MoneyOut(
            month=f"{r.month:%Y-%m}", month_title=f"{r.month.year}年{r.month.month}月",
            agency=r.agency, transfers=r.transfers, transfer_yuan=fen_yuan(r.transfer_fen),
            banked=r.banked, bank_yuan=fen_yuan(r.bank_fen), tax_yuan=fen_yuan(r.tax_fen),
            net_yuan=fen_yuan(r.net_fen), receipts=r.receipts)
            for r in await call.domain.fees.money.by_month(
                [date(m.year, m.month, 1) for m in months])],
        rules=[(a, b) for a, _, b in (line.partition("|") for line in
                                      _rules(call, months, today).splitlines()) if b])


@api.route("GET", "/admin/statistics.xlsx", access=ADMIN, query=StatisticsQuery,
           response=None, files=(XLSX,), tag=TAG,
           summary="下载统计（Excel，每张表一个工作表）")
async def statistics_xlsx(call: Call, query: StatisticsQuery) -> web.Response:
    found, months, today = await _figures(call, query)
    sheets = call.services.texts.render("documents/statistics_sheets.j2",
                                        total=call.services.texts.render(
                                            "documents/statistics_total.j2"))
    money = await call.domain.fees.money.by_month([date(m.year, m.month, 1) for m in months])
    body = await asyncio.to_thread(call.domain.statistics.workbook, found, sheets,
                                   _rules(call, months, today), money)
    handed_out(call.request)  # counts only: nobody's personal data
    name = f"{FILENAME}{months[0].iso}_{months[-1].iso}.xlsx"
    return web.Response(body=body, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
