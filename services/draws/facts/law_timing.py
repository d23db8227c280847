"""When a 政府采购 draw may start (CK-198 Art. 14: "除采用竞争性谈判、竞争性磋商方式采购，以及
异地评审的项目外，采购人或者采购代理机构抽取评审专家的开始时间原则上不得早于评审活动开始前2个
工作日"). The working days are the holiday calendar's (services/reference/holidays.py); the
earliest start is the first moment, China time, of the second working day before the day the
evaluation starts (ours: docs/rules-that-are-ours.md); a year the calendar does not know
refuses the start until the administrator enters its notice. A remote evaluation here (a 副场, a
condition another library draws) or one drawn here for another library is 异地评审."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from models.draws import ActivityKind, DrawActivity, Notice, Project
from models.federated_draws import PeerAsk
from services.common.clock import CHINA
from services.common.errors import Conflict
from services.reference import Holidays

CATEGORY = "政府采购"  # the project kind's category (services/draws/setup/form_options.py)
EXEMPT_METHODS = ("竞争性谈判", "竞争性磋商")  # Art. 14's own exceptions, with 异地评审
WORKING_DAYS = 2
LOOK_BACK = 40  # calendar days searched for the working days (a Golden Week and weekends)


def earliest_day(evaluation_day: date, days_off: dict[date, bool]) -> date:
    """The WORKING_DAYS-th working day before `evaluation_day`."""
    day, counted = evaluation_day, 0
    while counted < WORKING_DAYS:
        day -= timedelta(days=1)
        counted += Holidays.is_working(day, days_off)
    return day


async def earliest_start(activity: DrawActivity) -> datetime | None:
    """The first moment the draw may start, or None where Art. 14 does not apply."""
    if activity.kind == ActivityKind.PEER:
        return None
    project = await Project.get(id=activity.project_id)
    if project.kind.partition("/")[0] != CATEGORY or project.tender_method in EXEMPT_METHODS:
        return None
    ids = [activity.id] + ([activity.parent_id] if activity.parent_id else [])
    if await Notice.filter(activity_id__in=ids, role="secondary").exists() \
            or await PeerAsk.filter(activity_id__in=ids).exists():
        return None
    evaluation_day = activity.eval_start.astimezone(CHINA).date()
    span = await Holidays.span(evaluation_day - timedelta(days=LOOK_BACK), evaluation_day)
    first = earliest_day(evaluation_day, span.days)
    # a year no calendar knows is never counted Monday to Friday here: the draw could start
    # before the law allows (a 春节 not known), so the start waits for the calendar
    if unknown := [y for y in span.missing if first.year <= y]:
        raise Conflict("draw.calendar_missing", year=unknown[0])
    return datetime.combine(first, time(0), CHINA)
