"""Working days by the holiday calendar. CK-198 (财库〔2016〕198号): the agency records
performance "评审活动结束后5个工作日内"; 工作日 are those of the State Council's notice
(HOLIDAY-NOTICE: 国庆节 10月1日至7日放假调休，9月20日（周日）、10月10日（周六）上班), read from
the package `chinesecalendar`, and of the centre's own changes (who, why)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity
from models.notifications import Notification
from services.common.clock import CHINA
from services.draws.record.performance_due import PerformanceDue, reminder_at
from services.reference.national_calendar import package_years
from services.standing.conduct import ConductCatalogue
from tests.support.api import Api
from tests.support.performance import LATE_AND_AWAY, ended_evaluation
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_the_deadline_skips_the_national_holidays_counts_make_up_days_and_follows_the_administrator(  # noqa: E501
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    aid, token, _ = await ended_evaluation(api, chat, client, demo)
    admin = await api.login(demo["admin"].mp_openid)
    # the evaluation ended on Wednesday 30 September 2026, in the evening (China time):
    # 1–7 October off; Thu 8 (1), Fri 9 (2), Sat 10 worked (3), Mon 12 (4), Tue 13 (5)
    ended = datetime(2026, 9, 30, 19, 0, tzinfo=CHINA).astimezone(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=ended - timedelta(hours=6),
                                             eval_end=ended, finished_at=ended)

    async def last_day() -> str:
        got = await api.call("GET", f"/draws/activities/{aid}/performance", token)
        assert got.status == 200, got.data
        return str(got.data["evaluation"]["last_day"])

    assert await last_day() == "2026-10-13"
    seeded = await api.call("GET", "/admin/holidays", admin, params={"year": "2026"})
    assert seeded.data["source"]["package"].startswith("chinesecalendar ")
    days = {d["day"]: (d["off"], d["name"]) for d in seeded.data["days"]}
    assert days["2026-10-10"] == (False, "国庆节调休上班")
    assert days["2026-02-15"] == (True, "春节") and days["2026-02-23"] == (True, "春节")
    assert sum(1 for off, _ in days.values() if not off) == 6  # the notice's 上班 days

    # a local holiday on Monday 12 October: the deadline moves to Wednesday 14; the change
    # says why, beside the national days
    unsaid = await api.call("PUT", "/admin/holidays", admin, {
        "day": "2026-10-12", "off": True, "name": "本地假日", "reason": " "})
    assert unsaid.status == 400 and "原因" in unsaid.message
    changed = await api.call("PUT", "/admin/holidays", admin, {
        "day": "2026-10-12", "off": True, "name": "本地假日", "reason": "本市防汛停工"})
    assert changed.status == 200
    assert [(d["day"], d["reason"]) for d in changed.data["days"] if d["centre"]] == [
        ("2026-10-12", "本市防汛停工")]
    assert await last_day() == "2026-10-14"
    # removed again: back to the 13th; removing it twice is refused in words
    assert (await api.call("POST", "/admin/holidays/remove", admin,
                           {"day": "2026-10-12"})).status == 200
    assert await last_day() == "2026-10-13"
    again = await api.call("POST", "/admin/holidays/remove", admin, {"day": "2026-10-12"})
    assert again.status == 404 and "没有本中心的调整" in again.message

    # the year after the package's last is not known: said so; a notice entered with a bad
    # line enters nothing
    year = max(package_years()) + 1
    unknown = await api.call("GET", "/admin/holidays", admin, params={"year": str(year)})
    assert (unknown.data["known"], unknown.data["source"], unknown.data["days"]) == (
        False, None, [])
    notice = {"document": "国办发明电〔测试〕1号", "issued_on": f"{year - 1}-11-10"}
    bad = await api.call("POST", "/admin/holidays/import", admin, {**notice, "csv": (
        f"日期,安排,名称\n{year}-01-01,放假,元旦\n{year}-13-01,放假,错误")})
    assert bad.status == 400 and "第 3 行" in bad.message and "未导入" in bad.message
    assert (await api.call("GET", "/admin/holidays", admin, params={"year": str(year)})
            ).data["days"] == []
    good = await api.call("POST", "/admin/holidays/import", admin, {**notice, "csv": (
        f"{year}-01-01,放假,元旦\n{year}-02-06,上班,春节调休上班\n")})
    assert good.status == 200 and good.data["imported"] == 2 and good.data["known"]
    assert good.data["source"] == {"package": "", **notice}
    assert [(d["day"], d["off"], d["centre"]) for d in good.data["days"]] == [
        (f"{year}-01-01", True, False), (f"{year}-02-06", False, False)]
    # only the administrator keeps it
    assert (await api.call("PUT", "/admin/holidays", token, {
        "day": "2026-10-12", "off": True, "reason": "x"})).status == 403
    assert date(2026, 10, 13).weekday() == 1  # the dates above are read as China's


async def test_the_agency_is_reminded_on_the_last_working_day_once_unless_the_record_is_in(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The issue: "nothing reminds the agency before it". The evaluation ended on Wednesday
    30 September 2026: the last working day is Tuesday 13 October (the 国庆 holidays and the
    make-up Saturday counted), so the reminder goes that morning, once."""
    aid, token, served = await ended_evaluation(api, chat, client, demo)
    outbox = client.app[DOMAIN].outbox
    ended = datetime(2026, 9, 30, 19, 0, tzinfo=CHINA).astimezone(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=ended - timedelta(hours=6),
                                             eval_end=ended, finished_at=ended)
    monday_evening = datetime(2026, 10, 12, 20, 0, tzinfo=CHINA)
    assert await PerformanceDue(outbox).remind(monday_evening) == 0
    tuesday_morning = datetime(2026, 10, 13, 9, 5, tzinfo=CHINA)
    assert await PerformanceDue(outbox).remind(tuesday_morning) == 1
    handler = (await DrawActivity.get(id=aid)).handler_id
    told = await Notification.get(kind="performance.due", person_id=handler)
    assert (told.params["count"], told.params["last_day"]) == ("2", "2026年10月13日")
    assert await PerformanceDue(outbox).remind(tuesday_morning + timedelta(hours=2)) == 0
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    assert "提醒履职记录即将截止" in [e["title"] for e in log]

    # an evaluation whose records are all in is not reminded
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(finished_at=now - timedelta(minutes=5))
    await Notification.filter(kind="performance.due").delete()
    for item in served:
        assert (await api.call("PUT", f"/draws/activities/{aid}/performance/{item.id}", token,
                               LATE_AND_AWAY)).status == 200
    due = await ConductCatalogue.due(now - timedelta(minutes=5), 5)
    assert await PerformanceDue(outbox).remind(reminder_at(due)) == 0


async def test_the_reminders_read_the_calendar_once_however_many_evaluations_ended(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The draw sweep looks at every evaluation ended in the last two months (a province's
    are thousands) every 15 s: their deadlines come from one reading of the calendar, not
    one each, and the one due is reminded as before."""
    from models.draws import DrawStatus
    from tests.support.queries import QueryCounter

    aid, _token, _served = await ended_evaluation(api, chat, client, demo)
    ended = datetime(2026, 9, 30, 19, 0, tzinfo=CHINA).astimezone(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=ended - timedelta(hours=6),
                                             eval_end=ended, finished_at=ended)
    one = await DrawActivity.get(id=aid)
    for days in range(2, 42):  # forty more, ended on the days before (none with experts)
        end = ended - timedelta(days=days)
        await DrawActivity.create(
            project_id=one.project_id, agency_id=one.agency_id, handler_id=one.handler_id,
            status=DrawStatus.ENDED, bid_open_at=end - timedelta(days=1),
            eval_start=end - timedelta(hours=6), eval_end=end, finished_at=end, total=1,
            started_at=end - timedelta(days=2))
    async with QueryCounter() as counted:
        sent = await PerformanceDue(client.app[DOMAIN].outbox).remind(
            datetime(2026, 10, 13, 9, 5, tzinfo=CHINA))
    assert sent == 1
    read = [s for s in counted.sent if "calendar_day" in s]
    assert 1 <= len(read) <= 2, read  # the years the window spans
