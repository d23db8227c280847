"""Each expert's account of a finished year (年度考核, BJ-EXAM Art. 18: "年度考核在日常考核的
基础上进行"; GZ-EXAM: "以年度为一个周期"; what it holds and when it is made are ours,
docs/rules-that-are-ours.md): the China calendar year, made once every evaluation of the
year has passed the agency's recording deadline (CK-198: 5 working days), each expert told
theirs once, read by the expert and by the administrator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from models.draws import Condition, DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.experts import ExpertProfile
from models.learning.education import Course, Enrollment, Grading
from models.notifications import Notification
from models.performance import PerformanceRecord
from models.sanctions import Sanction, YearlyAccount
from services.common.clock import CHINA
from services.standing import YearlyAccounts
from services.standing.yearly_accounts import year_bounds, year_of
from tests.support.access import exact_access
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import openid_of
from tests.support.performance import LATE_AND_AWAY, ended_evaluation, mini_token
from tests.support.wechat import Chat
from web.context import DOMAIN, TEXTS


def at(text: str) -> datetime:
    """A China time, as the people of the library read it."""
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


# a moment -> the year whose account counts it (the China calendar year)
YEARS = [
    (at("2026-12-31 23:59:59"), 2026),
    (at("2027-01-01 00:00"), 2027),
    (datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC), 2026),  # 23:59:59 China time
    (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), 2027),  # the China year's turn
    (at("2026-01-01 00:00"), 2026),
    (at("2025-12-31 23:59:59"), 2025),
]


@pytest.mark.parametrize(("moment", "year"), YEARS)
def test_the_year_is_the_china_year(moment: datetime, year: int) -> None:
    assert year_of(moment) == year
    start, end = year_bounds(year)
    assert start <= moment < end


async def test_the_year_is_made_when_its_last_records_are_due(client: TestClient) -> None:
    # an evaluation ending at 2025-12-31 24:00 is recorded within 5 working days on the
    # 2026 notice (HOLIDAY-NOTICE: 1 to 3 January off, Sunday 4 January worked): 4, 5, 6,
    # 7 and 8 January, so 2025's accounts are made from 9 January 00:00 China time
    assert await YearlyAccounts.opens(2025) == at("2026-01-09 00:00")
    yearly = client.app[DOMAIN].yearly_accounts
    assert await yearly.make(at("2026-01-08 23:59")) == 0
    assert not await YearlyAccount.filter(year=2025).exists()


async def _evaluation_at(like: DrawActivity, start: datetime, expert_id: int,
                         person_id: int) -> DrawActivity:
    """Another evaluation of the same agency starting at `start`, the expert served."""
    other = await DrawActivity.create(
        project_id=like.project_id, agency_id=like.agency_id, handler_id=like.handler_id,
        status=DrawStatus.ENDED, bid_open_at=start - timedelta(hours=1), eval_start=start,
        eval_end=start + timedelta(hours=4), total=1)
    notice = await Notice.create(activity=other, venue="第二评标室", city="广州市",
                                 district="越秀区", street="东风中路1号", gather_at=start,
                                 contact_name="李", contact_phone="020-1")
    condition = await Condition.create(activity=other, notice=notice, regions=["4401"],
                                       main_specialty="A0802", planned=1)
    invitation = await Invitation.create(
        activity=other, condition=condition, expert_id=expert_id, person_id=person_id, rank=0,
        wave=1, sent_at=start, due_at=start, status=InvitationStatus.CONFIRMED, code="2",
        eval_start=other.eval_start, eval_end=other.eval_end)
    await PerformanceRecord.create(
        activity_id=other.id, invitation_id=invitation.id, expert_id=expert_id,
        person_id=person_id, score=90, recorded_by=person_id, recorded_at=start, late=True)
    return other


async def test_each_expert_gets_the_years_account_once_and_reads_it(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    aid, token, served = await ended_evaluation(api, chat, client, demo)
    first = served[0]
    assert (await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                           LATE_AND_AWAY)).status == 200
    # the evaluation started a second before the year's turn: 2026's
    last = at("2026-12-31 23:59:59")
    await DrawActivity.filter(id=aid).update(eval_start=last, eval_end=last + timedelta(
        hours=2), bid_open_at=last - timedelta(hours=1))
    # ... another at the turn itself (16:00 UTC on 31 December): 2027's, not counted
    activity = await DrawActivity.get(id=aid)
    await _evaluation_at(activity, datetime(2026, 12, 31, 16, 0, tzinfo=UTC), first.expert_id,
                         first.person_id)
    # continuing education and sanctions by the same year
    for title, done in (("2026年度评标专家继续教育", "2026-12-31 23:59"),
                        ("2027年度评标专家继续教育", "2027-01-01 00:00")):
        course = await Course.create(title=title, year=int(title[:4]), hours=24,
                                     study_from=at("2026-01-01 00:00"),
                                     study_until=at("2027-12-31 00:00"))
        await Enrollment.create(course=course, person_id=first.person_id,
                                grading=Grading.PASSED, completed_at=at(done))
    for day in ("2026-12-31", "2027-01-01"):
        await Sanction.create(expert_id=first.expert_id, kind="warning", reason="未按时到场",
                              decided_on=day, starts_on=day, decided_by=first.person_id)
    # every expert of the test an expert in 2026 (made today: from 2027 on, a library's
    # experts made this year are no experts of 2026's and get no account of it)
    await ExpertProfile.filter(created_at__gte=at("2027-01-01 00:00")).update(
        created_at=at("2026-12-01 00:00"))
    yearly = client.app[DOMAIN].yearly_accounts
    openid = await openid_of(first.person_id)
    assert "还没有年度履职情况" in (await chat.say(openid, "年度履职")).text
    opens = await yearly.opens(2026)
    assert opens.astimezone(CHINA).month == 1 and opens.astimezone(CHINA).year == 2027
    assert await yearly.make(opens - timedelta(seconds=1)) == 0  # records may still come
    assert await yearly.make(at("2027-04-01 00:00")) == 0  # after March: not at all
    made = await yearly.make(opens + timedelta(hours=2, minutes=10))
    assert made >= 2
    assert await yearly.make(opens + timedelta(days=1)) == 0  # once a year
    told = await Notification.filter(kind="expert.yearly_account",
                                      person_id=first.person_id).order_by("id")
    assert [n.params["year"] for n in told] == ["2026"]
    assert told[0].lane == 1  # the mass notices' lane: never ahead of one person's invitation
    said = client.app[TEXTS].render("notify/expert.yearly_account/chat.j2", **told[0].params)
    assert "2026年度您受邀评标 1 次" in said and "参加评标 1 次，迟到 1 次" in said
    assert "继续教育合格 1 门，共 24 学时" in said and "受处理 1 次" in said
    # the expert reads it in the mini-program
    expert = await mini_token(api, first.person_id)
    mine = await api.call("GET", "/expert/yearly-accounts", expert)
    assert mine.status == 200
    (account,) = mine.data["accounts"]
    assert {k: account[k] for k in ("year", "invited", "declined", "served", "late",
                                    "left_early", "conduct", "absent", "leave", "sanctions",
                                    "courses", "hours")} == {
        "year": 2026, "invited": 1, "declined": 0, "served": 1, "late": 1, "left_early": 0,
        "conduct": 1, "absent": 0, "leave": 0, "sanctions": 1, "courses": 1, "hours": 24}
    # ... and in chat, by the command or the words
    for words in ("年度履职", "我的年度履职情况", "今年的年度考核"):
        said = (await chat.say(openid, words)).text
        assert "2026年度：受邀评标 1 次（不参加 0 次），参加评标 1 次，迟到 1 次" in said, said
        assert "继续教育合格 1 门，共 24 学时" in said
    # the administrator reads the year's, names masked; a handler may not
    admin = await api.login(demo["admin"].mp_openid)
    number = (await ExpertProfile.get(id=first.expert_id)).expert_number
    rows: list[dict] = []
    after = None
    while True:
        page = await api.call("GET", "/admin/yearly-accounts", admin,
                              params={"year": 2026, "limit": 1, **(
                                  {"after": after} if after else {})})
        assert page.status == 200
        rows += page.data["accounts"]
        if not (after := page.data["next"]):
            break
    mine_there = [r for r in rows if r["expert_number"] == number]
    assert len(rows) == made and len(mine_there) == 1 and mine_there[0]["served"] == 1
    assert "*" in mine_there[0]["name"]
    assert (await api.call("GET", "/admin/yearly-accounts", token,
                           params={"year": 2026})).status == 403
    later = await api.call("GET", "/admin/yearly-accounts", admin, params={"year": 2027})
    assert later.data["accounts"] == []
    assert datetime.fromisoformat(later.data["made_from"]) > opens + timedelta(days=360)
    # ... and in the console, in words
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, page = await desk.get("/console/yearly-accounts?year=2026")
    assert number in page and "年度履职情况" in page and "1 门，24 学时" in page
    # ... and as an Excel file, every expert by number, the names masked, on the record
    sheets, entry = await exact_access(client, "/console/yearly-accounts.xlsx?year=2026")
    (sheet,) = sheets.values()
    assert sheet[0][:5] == ("专家编号", "姓名", "受邀次数", "不参加次数", "参加评标次数")
    mine_row = [r for r in sheet[1:] if r[0] == number]
    assert len(sheet) - 1 == made and len(mine_row) == 1 and mine_row[0][4] == 1
    assert entry.detail["people"] == made and entry.detail["why"] == "yearly_review"
    _, empty = await desk.get("/console/yearly-accounts?year=2027")
    assert "2027年度的履职情况尚未生成（该年最后的评标履职记录截止于 2028年01月" in empty
