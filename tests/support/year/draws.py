"""The draws of the year: a draw each month, its evaluation held, the experts' check-ins and
the performance records by their deadline; and 政府采购 draws tried just before and just after
their legal moment (CK-198 Art. 14) across the holidays and the 调休 days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from models.draws import DrawActivity, Invitation, Notice
from models.experts import ExpertProfile
from services.common.clock import CHINA, china_time
from tests.support.draw_world import finish, prepared, start_draw
from tests.support.year.world import Year

PROCUREMENT = {"kind": "政府采购/货物", "tender_method": "公开招标"}
NOT_LOADED = "的节假日安排尚未导入"  # the refusal's words for a year no calendar knows
RECORD = {"late": False, "left_early": False, "conduct": [], "score": 90,
          "comment": "按时到场，认真履职"}


def china(day: date, at: time) -> datetime:
    return datetime.combine(day, at, CHINA)


async def _prepared(year: Year, evaluation: datetime, total: int,
                    form: dict[str, str] | None = None) -> tuple[int, str]:
    """A verified activity whose evaluation starts at `evaluation` (the helpers count from the
    system's time: the offset to the year's clock is theirs to add)."""
    return await prepared(year.api, year.demo, total=total, project_form=form,
                          eval_in=evaluation - datetime.now(UTC))


async def monthly_draw(year: Year, evaluation: date) -> tuple[int, str]:
    """A works draw of three experts for an evaluation on `evaluation` at 09:00, started now
    and answered."""
    aid, token = await _prepared(year, china(evaluation, time(9)), 3)
    started = await start_draw(year.api, token, aid)
    if started.status != 200:
        year.broke(f"{year.today()} draw {aid} not started: {started.message or started.data}")
        return aid, token
    year.ran("draws")
    confirmed = await finish(year.chat, aid)
    year.ran("experts confirmed", len(confirmed))
    if (await DrawActivity.get(id=aid)).status != "ended":
        year.broke(f"{year.today()} draw {aid} did not end with its experts")
    return aid, token


async def daily_draw(year: Year, evaluation: date) -> None:
    """A works draw of one expert for the next working day's evaluation, answered."""
    aid, token = await _prepared(year, china(evaluation, time(14)), 1)
    started = await start_draw(year.api, token, aid)
    if started.status != 200:
        year.broke(f"{year.today()} daily draw {aid}: {started.message or started.data}")
        return
    year.ran("daily draws")
    if not await finish(year.chat, aid):
        year.broke(f"{year.today()} daily draw {aid}: nobody confirmed")


async def absence(year: Year, aid: int, token: str) -> None:
    """At the evaluation's start the agency registers the last confirmed expert absent (by
    their phone number, GD-DRAW 缺席登记)."""
    served = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    numbers = {p.person_id: p.expert_number for p in await ExpertProfile.filter(
        person_id__in=[s.person_id for s in served], expert_number__startswith="T-")}
    known = [s for s in served if s.person_id in numbers]  # their phones are the year's
    if len(served) < 3 or not known:
        return
    phone = f"139{int(numbers[known[-1].person_id].removeprefix('T-')):08d}"
    registered = await year.api.call("POST", f"/draws/activities/{aid}/absences", token,
                                     {"key": phone, "kind": "缺席"})
    if registered.status != 200:
        year.broke(f"{year.today()} absence in {aid}: {registered.message or registered.data}")
    else:
        year.ran("absences")


async def held(year: Year, aid: int) -> None:
    """The evaluation held today, 09:00 to 15:00: each expert checked in at 08:50 and out at
    15:00, one of them ten minutes late (the 评标系统 reports the end)."""
    day = year.today()
    start, end = china(day, time(9)), china(day, time(15))
    served = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    for n, item in enumerate(served):
        came = start - timedelta(minutes=10) + timedelta(minutes=20 * (n == 1))
        await Invitation.filter(id=item.id).update(checkin_at=came, checkout_at=end)
    await Notice.filter(activity_id=aid).update(gather_at=start - timedelta(minutes=30))
    await DrawActivity.filter(id=aid).update(eval_start=start, eval_end=end, finished_at=end,
                                             unsealed_pushed=True)
    year.ran("check-ins", len(served))


async def records(year: Year, aid: int, token: str) -> None:
    """The performance records, made today: the deadline the service sets is checked
    against the bench's calendar (CK-198: 5个工作日), and none is counted on a holiday."""
    sheet = await year.api.call("GET", f"/draws/activities/{aid}/performance", token)
    if sheet.status != 200:
        year.broke(f"{year.today()} performance sheet of {aid}: {sheet.data}")
        return
    evaluation = sheet.data["evaluation"]
    ended = datetime.fromisoformat(evaluation["finished_at"]).astimezone(CHINA).date()
    want = year.calendar.nth_working_after(ended, 5)
    last = date.fromisoformat(evaluation["last_day"])
    guessed = evaluation["guessed_years"]
    if last != want or not year.calendar.working(last):
        words = f"{year.today()} records of {aid}: last day {last}, the calendar says {want}"
        if guessed:  # counted Monday to Friday and said so beside it (a warning, not a breach)
            year.month.notes.append(f"{words} (guessed {guessed}: warned)")
        else:
            year.broke(words)
    for row in sheet.data["experts"]:
        put = await year.api.call(
            "PUT", f"/draws/activities/{aid}/performance/{row['invitation_id']}", token,
            {**RECORD, "late": row is sheet.data["experts"][1]} if row["absence"] is None
            else {**RECORD, "score": None, "comment": "无故缺席"})
        if put.status != 200:
            year.broke(f"{year.today()} record in {aid}: {put.message or put.data}")
        else:
            year.ran("performance records")


async def procurement_prepared(year: Year, evaluation: date) -> tuple[int, str]:
    """A 政府采购 draw of one expert for `evaluation`, ready, and tried at once: refused,
    in words that say when (or that the year's calendar is not loaded)."""
    aid, token = await _prepared(year, china(evaluation, time(9)), 1, PROCUREMENT)
    await _early(year, aid, token, evaluation)
    return aid, token


async def _early(year: Year, aid: int, token: str, evaluation: date) -> None:
    tried = await start_draw(year.api, token, aid)
    legal = year.calendar.legal_moment(evaluation)
    if tried.status == 200:
        year.broke(f"{china_time(year.now())} 政府采购 draw {aid} for {evaluation} started "
                   f"before {china_time(legal)}")
        return
    if NOT_LOADED in tried.message:
        year.ran("政府采购 refused: calendar not loaded")
        if evaluation.year in year.calendar_years_loaded():
            year.broke(f"{year.today()} draw {aid}: refused as not loaded, but it is")
    elif f"最早可于 {china_time(legal)} 起" in tried.message:
        year.ran("政府采购 refused: too early")
    else:
        year.broke(f"{china_time(year.now())} draw {aid} for {evaluation}: {tried.message}")


async def procurement_at_moment(year: Year, aid: int, token: str, evaluation: date) -> None:
    """A minute before its legal moment: refused; a minute after: started (refused in words
    while the evaluation's year has no calendar loaded)."""
    legal = year.calendar.legal_moment(evaluation)
    year.at(legal - timedelta(minutes=1))
    await _early(year, aid, token, evaluation)
    year.at(legal + timedelta(minutes=1))
    tried = await start_draw(year.api, token, aid)
    if tried.status == 200:
        year.ran("政府采购 started at its moment")
        await finish(year.chat, aid)
    elif NOT_LOADED in tried.message and evaluation.year not in year.calendar_years_loaded():
        year.ran("政府采购 refused: calendar not loaded")
    else:
        year.broke(f"{china_time(year.now())} 政府采购 draw {aid} for {evaluation} refused "
                   f"after its moment {china_time(legal)}: {tried.message or tried.data}")
