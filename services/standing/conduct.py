"""The conduct items an administrator maintains for performance records (the offences of
招标投标法实施条例 Art. 71 and 72, in the regulation's words, and any the administrator adds),
and the deadline for recording (财库〔2016〕198号: within 5 working days of the review),
working days by the holiday calendar the administrator keeps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from tortoise.transactions import in_transaction

from models.performance import ConductItem, PerformanceRecord, PerformanceSettings
from services.common.clock import CHINA
from services.common.errors import BadInput, Conflict, NotFound
from services.reference import Holidays

ART_71 = "招标投标法实施条例第七十一条"
ART_72 = "招标投标法实施条例第七十二条"
# (code, name, article, position): what migration 0038 seeds, kept here for a database made
# without the migrations' data (an emptied one)
STATUTORY = [
    ("tbl71-1", "应当回避而不回避", ART_71 + "第（一）项", 10),
    ("tbl71-2", "擅离职守", ART_71 + "第（二）项", 20),
    ("tbl71-3", "不按照招标文件规定的评标标准和方法评标", ART_71 + "第（三）项", 30),
    ("tbl71-4", "私下接触投标人", ART_71 + "第（四）项", 40),
    ("tbl71-5", "向招标人征询确定中标人的意向或者接受任何单位或者个人明示或者暗示提出的倾向"
     "或者排斥特定投标人的要求", ART_71 + "第（五）项", 50),
    ("tbl71-6", "对依法应当否决的投标不提出否决意见", ART_71 + "第（六）项", 60),
    ("tbl71-7", "暗示或者诱导投标人作出澄清、说明或者接受投标人主动提出的澄清、说明",
     ART_71 + "第（七）项", 70),
    ("tbl71-8", "其他不客观、不公正履行职务的行为", ART_71 + "第（八）项", 80),
    ("tbl72", "收受投标人的财物或者其他好处", ART_72, 90),
]
DEFAULT_DEADLINE_DAYS = 5  # 财库〔2016〕198号
DEADLINE_DAYS = (1, 30)  # what an administrator may set
NAME_MAX, ARTICLE_MAX = 200, 64
CALENDAR_SPAN = timedelta(days=90)  # the calendar read for one deadline


def names_in(catalogue: list[ConductItem], codes: list[str]) -> list[str]:
    """`names` with the catalogue already read (a list names many records' items)."""
    known = {i.code: i for i in catalogue}
    ordered = sorted(codes, key=lambda c: (known[c].position, known[c].id) if c in known
                     else (1 << 30, 0))
    return [known[c].name if c in known else c for c in ordered]


def _clean(name: str, article: str) -> tuple[str, str]:
    name, article = " ".join(name.split()), " ".join(article.split())
    if not name:
        raise BadInput("conduct.name")
    if len(name) > NAME_MAX or len(article) > ARTICLE_MAX:
        raise BadInput("conduct.too_long", name=NAME_MAX, article=ARTICLE_MAX)
    return name, article


def deadline(ended: datetime, days: int,
             calendar: dict[date, bool] | None = None) -> datetime:
    """The end (midnight, China time) of the `days`-th working day after the day the
    evaluation ended: Monday to Friday, but for the holiday calendar's days off and make-up
    working days ({day: off}, services/reference/holidays.py)."""
    day, counted = ended.astimezone(CHINA).date(), 0
    while counted < days:
        day += timedelta(days=1)
        if Holidays.is_working(day, calendar or {}):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=CHINA)


class ConductCatalogue:
    """The conduct items an agency's performance record picks from (the statutory ones and
    the administrator's), and the deadline of the record."""

    @staticmethod
    async def items(active_only: bool = False) -> list[ConductItem]:
        """The catalogue in its order (the statutory items written first if it is empty)."""
        if not await ConductItem.exists():
            async with in_transaction():
                for code, name, article, position in STATUTORY:
                    await ConductItem.get_or_create(code=code, defaults={
                        "name": name, "article": article, "position": position})
        query = ConductItem.filter(active=True) if active_only else ConductItem.all()
        return list(await query.order_by("position", "id"))

    @staticmethod
    async def names(codes: list[str]) -> list[str]:
        """The items' names, in the catalogue's order (a code no longer known: itself)."""
        return names_in(await ConductCatalogue.items(), codes)

    @staticmethod
    async def add_item(name: str, article: str, position: int, now: datetime) -> ConductItem:
        """A new item, active; its code is made from its id (the records keep codes)."""
        name, article = _clean(name, article)
        if await ConductItem.exists(name=name):
            raise Conflict("conduct.duplicate", name=name)
        async with in_transaction():
            item = await ConductItem.create(code=f"new-{now.timestamp():.6f}", name=name,
                                            article=article, position=position, changed_at=now)
            item.code = f"item-{item.id}"
            await item.save(update_fields=["code"])
        return item

    @staticmethod
    async def change_item(item_id: int, name: str, article: str, position: int, active: bool,
                          now: datetime) -> ConductItem:
        """An item renamed, moved or (de)activated: a deactivated one is no longer offered, and
        the records that chose it keep it."""
        item = await ConductItem.get_or_none(id=item_id)
        if item is None:
            raise NotFound("conduct.not_found")
        name, article = _clean(name, article)
        if await ConductItem.exists(name=name, id__not=item_id):
            raise Conflict("conduct.duplicate", name=name)
        item.name, item.article, item.position, item.active = name, article, position, active
        item.changed_at = now
        await item.save(update_fields=["name", "article", "position", "active", "changed_at"])
        return item

    @staticmethod
    async def remove_item(item_id: int) -> None:
        """An item no record chose is removed; one a record chose can only be deactivated."""
        item = await ConductItem.get_or_none(id=item_id)
        if item is None:
            raise NotFound("conduct.not_found")
        used = [r for r in await PerformanceRecord.all().values_list("conduct", flat=True)
                if item.code in (r or [])]
        if used:
            raise Conflict("conduct.in_use", name=item.name, count=len(used))
        await item.delete()

    @staticmethod
    async def deadline_days() -> int:
        """Working days the agency has after the evaluation ends."""
        row = await PerformanceSettings.get_or_none(id=1)
        return row.deadline_days if row else DEFAULT_DEADLINE_DAYS

    @staticmethod
    async def set_deadline_days(days: int, person_id: int, now: datetime) -> int:
        """An administrator sets the working days an agency has after an evaluation ends."""
        if not DEADLINE_DAYS[0] <= days <= DEADLINE_DAYS[1]:
            raise BadInput("conduct.deadline_days", least=DEADLINE_DAYS[0], most=DEADLINE_DAYS[1])
        await PerformanceSettings.update_or_create(id=1, defaults={
            "deadline_days": days, "changed_by": person_id, "changed_at": now})
        return days

    @staticmethod
    async def due(ended: datetime, days: int) -> datetime:
        """deadline() by the calendar the administrator keeps."""
        (one,) = await ConductCatalogue.deadlines([ended], days)
        return one

    @staticmethod
    async def deadlines(ended: list[datetime], days: int) -> list[datetime]:
        """deadline() of each evaluation's end by the administrator's calendar, read once for
        them all (a sweep over a province's last two months of evaluations reads it once, not
        once each)."""
        if not ended:
            return []
        days_ended = [e.astimezone(CHINA).date() for e in ended]
        calendar = await Holidays.span(min(days_ended), max(days_ended) + CALENDAR_SPAN)
        return [deadline(e, days, calendar.days) for e in ended]

    @staticmethod
    async def guessed_years(ended: datetime, due: datetime) -> tuple[int, ...]:
        """The years between the end and the deadline no calendar knows: counted Monday to
        Friday, which the page says beside the deadline."""
        return await Holidays.unknown(ended.astimezone(CHINA).date(),
                                      due.astimezone(CHINA).date())
