"""The holiday calendar the system administrator keeps (放假 and 调休上班 days, seeded with
the national calendar for 2026): working days — the performance records' deadline
(财库〔2016〕198号: 5个工作日) — are counted by it."""

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


class CalendarOut(Model):
    year: int
    years: list[int] = Field(description="已录入节假日的年份")
    known: bool = Field(description="该年已录入节假日；未录入的年份只按周一至周五计工作日")
    days: list[DayOut]


class YearQuery(Model):
    year: int | None = Field(default=None, ge=2000, le=2100, description="默认今年（北京时间）")


class DayIn(Model):
    day: date
    off: bool = Field(description="true 放假；false 调休上班")
    name: str = Field(default="", max_length=32, description="如 国庆节")


class RemoveIn(Model):
    day: date


class ImportIn(Model):
    csv: str = Field(min_length=1, max_length=20000,
                     description="每行：日期,放假|上班,名称（如 2027-01-01,放假,元旦）")


async def calendar_out(call: Call, which: int) -> CalendarOut:
    holidays = call.domain.holidays
    rows = await holidays.year(which)
    return CalendarOut(year=which, years=await holidays.years(), known=bool(rows), days=[
        DayOut(day=r.day, weekday=WEEKDAYS[r.day.weekday()], off=r.off, name=r.name)
        for r in rows])


def this_year(now: datetime) -> int:
    return now.astimezone(CHINA).year


@api.route("GET", "/admin/holidays", access=ADMIN, query=YearQuery, response=CalendarOut,
           tag=TAG, summary="节假日安排（放假与调休上班；计算工作日用）")
async def calendar(call: Call, query: YearQuery) -> CalendarOut:
    return await calendar_out(call, query.year or this_year(call.now))


@api.route("PUT", "/admin/holidays", access=ADMIN, body=DayIn, response=CalendarOut, tag=TAG,
           summary="设置一天为放假或调休上班（覆盖该日原有设置）")
async def set_day(call: Call, body: DayIn) -> CalendarOut:
    await call.domain.holidays.set_day(body.day, body.off, body.name, call.caller.need_person().id,
                                       call.now)
    return await calendar_out(call, body.day.year)


@api.route("POST", "/admin/holidays/remove", access=ADMIN, body=RemoveIn,
           response=CalendarOut, tag=TAG, summary="删除一天的设置（恢复按周一至周五计）")
async def remove_day(call: Call, body: RemoveIn) -> CalendarOut:
    await call.domain.holidays.remove_day(body.day, call.caller.need_person().id, call.now)
    return await calendar_out(call, body.day.year)


class ImportedOut(CalendarOut):
    imported: int = Field(description="导入的天数")


@api.route("POST", "/admin/holidays/import", access=ADMIN, body=ImportIn,
           response=ImportedOut, tag=TAG,
           summary="导入节假日安排（CSV：日期,放假|上班,名称；全部导入或全部不导入）")
async def import_days(call: Call, body: ImportIn) -> ImportedOut:
    rows = await call.domain.holidays.import_csv(body.csv, call.caller.need_person().id, call.now)
    shown = await calendar_out(call, rows[0].day.year)
    return ImportedOut(**shown.model_dump(), imported=len(rows))
