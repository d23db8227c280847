"""The working-day calendar the system administrator reads and keeps: a year's national
calendar and its source (the package `chinesecalendar`, or the State Council's notice entered
here with its number and date), the centre's own changes beside it with who and why. Working
days — the performance records' deadline and the earliest start of a 政府采购 draw
(财库〔2016〕198号) — are counted by it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.common.clock import CHINA

api = Api()
TAG = "管理"
ADMIN = {Role.ADMIN}
WEEKDAYS = "一二三四五六日"


class DayOut(Model):
    day: date
    weekday: str = Field(description="星期几（一 至 日）")
    off: bool = Field(description="true 放假；false 调休上班")
    name: str
    centre: bool = Field(default=False, description="本中心的调整（而非全国安排）")
    reason: str = Field(default="", description="本中心调整的原因")


class SourceOut(Model):
    package: str = Field(description=(
        "取自的软件包及版本（如 chinesecalendar 1.11.0）；空：管理员导入的通知"))
    document: str = Field(description="管理员导入的国务院办公厅通知文号")
    issued_on: date | None = Field(description="通知日期")


class CalendarOut(Model):
    year: int
    years: list[int] = Field(description="已知节假日安排或有本中心调整的年份")
    known: bool = Field(description=(
        "该年的全国节假日安排已知；未知的年份：政府采购项目不能开始抽取，期限按周一至周五计并提示"))
    source: SourceOut | None = Field(description="全国节假日安排的来源；未知为空")
    days: list[DayOut]
    missing_next: int | None = Field(default=None, description=(
        "11月1日起：下一年的节假日安排尚未导入时为该年份"))


class YearQuery(Model):
    year: int | None = Field(default=None, ge=2000, le=2100, description="默认今年（北京时间）")


class DayIn(Model):
    day: date
    off: bool = Field(description="true 放假；false 调休上班")
    name: str = Field(default="", max_length=32, description="如 国庆节")
    reason: str = Field(max_length=100, description="本中心调整的原因（必填）")


class RemoveIn(Model):
    day: date


class ImportIn(Model):
    document: str = Field(min_length=1, max_length=64,
                          description="国务院办公厅通知文号（如 国办发明电〔2025〕7号）")
    issued_on: date = Field(description="通知日期")
    csv: str = Field(min_length=1, max_length=20000,
                     description="每行：日期,放假|上班,名称（如 2027-01-01,放假,元旦）；同一年")


async def calendar_out(call: Call, which: int) -> CalendarOut:
    holidays = call.domain.holidays
    got = await holidays.year(which)
    source = got.source
    return CalendarOut(
        year=which, years=await holidays.years(), known=source is not None,
        source=SourceOut(package=source.package, document=source.document,
                         issued_on=source.issued_on) if source else None,
        days=[DayOut(day=r.day, weekday=WEEKDAYS[r.day.weekday()], off=r.off, name=r.name,
                     centre=r.by is not None, reason=r.reason) for r in got.days],
        missing_next=await holidays.missing_next(call.now))


def this_year(now: datetime) -> int:
    return now.astimezone(CHINA).year


@api.route("GET", "/admin/holidays", access=ADMIN, query=YearQuery, response=CalendarOut,
           tag=TAG, summary="节假日安排（放假与调休上班；计算工作日用）")
async def calendar(call: Call, query: YearQuery) -> CalendarOut:
    return await calendar_out(call, query.year or this_year(call.now))


@api.route("PUT", "/admin/holidays", access=ADMIN, body=DayIn, response=CalendarOut, tag=TAG,
           summary="本中心调整一天为放假或调休上班（写明原因；覆盖该日全国安排）")
async def set_day(call: Call, body: DayIn) -> CalendarOut:
    await call.domain.holidays.set_day(body.day, body.off, body.name, body.reason,
                                       call.caller.need_person().id, call.now)
    return await calendar_out(call, body.day.year)


@api.route("POST", "/admin/holidays/remove", access=ADMIN, body=RemoveIn,
           response=CalendarOut, tag=TAG, summary="撤销本中心对一天的调整（恢复全国安排）")
async def remove_day(call: Call, body: RemoveIn) -> CalendarOut:
    await call.domain.holidays.remove_day(body.day)
    return await calendar_out(call, body.day.year)


class ImportedOut(CalendarOut):
    imported: int = Field(description="导入的天数")


@api.route("POST", "/admin/holidays/import", access=ADMIN, body=ImportIn,
           response=ImportedOut, tag=TAG,
           summary="导入国务院办公厅节假日安排通知（文号、日期和各日；全部导入或全部不导入）")
async def import_days(call: Call, body: ImportIn) -> ImportedOut:
    rows = await call.domain.holidays.import_notice(body.document, body.issued_on, body.csv,
                                                    call.caller.need_person().id, call.now)
    shown = await calendar_out(call, rows[0].day.year)
    return ImportedOut(**shown.model_dump(), imported=len(rows))
