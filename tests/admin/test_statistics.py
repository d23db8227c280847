"""The administrator's statistics over real HTTP: two draws held in different months, an
expert who declines in chat, one registered absent by the agency, fees recorded and paid,
sanctions decided through the API; the figures, the rates, the most-drawn list and the
workbook all say what was done; a bad month is refused in words; a handler is refused."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.experts import ExpertProfile
from services.common.clock import CHINA, china_today
from tests.support.api import Api
from tests.support.draw_world import (
    finish,
    make_experts,
    openid_of,
    prepared,
    start_draw,
    the_results_unseal,
)
from tests.support.wechat import Chat


def month_back(moment: datetime, months: int) -> datetime:
    """The 10th of the month `months` before `moment`'s (China time), 09:00."""
    local = moment.astimezone(CHINA)
    index = local.year * 12 + local.month - 1 - months
    return local.replace(year=index // 12, month=index % 12 + 1, day=10, hour=9, minute=0)


async def test_the_figures_say_what_was_done(api: Api, chat: Chat, client: TestClient,
                                             demo: dict) -> None:
    await make_experts(client, 8)
    now = datetime.now(UTC)
    # an earlier draw, its evaluation moved two months back (the month is what is tested)
    earlier, token = await prepared(api, demo, total=1)
    assert (await start_draw(api, token, earlier)).status == 200
    await finish(chat, earlier)
    held = month_back(now, 2)
    await DrawActivity.filter(id=earlier).update(eval_start=held,
                                                 eval_end=held + timedelta(hours=6))
    # this month's: the first invited declines ("2"), the rest accept
    aid, token = await prepared(api, demo, total=2)
    assert (await start_draw(api, token, aid)).status == 200
    first = await Invitation.filter(activity_id=aid).order_by("rank").first()
    assert first is not None
    await chat.say(await openid_of(first.person_id), "2")
    confirmed = await finish(chat, aid)
    assert len(confirmed) == 2 and (await DrawActivity.get(id=aid)).status == "ended"
    await the_results_unseal(aid, now)  # the evaluation starts in 20 minutes
    absent = confirmed[0]
    registered = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                {"key": absent.code, "kind": "缺席"})
    assert registered.status == 200, registered.data
    # this month's evaluation held on the 10th (its results unsealed 20 minutes before it
    # began, as above): late on a month's last evening, now's 20 minutes and the 复评's 5
    # more would fall in the next month
    mid = month_back(now, 0)
    await DrawActivity.filter(id=aid).update(eval_start=mid, eval_end=mid + timedelta(hours=6))
    # a 复评 of this month's evaluation by calls: one original expert agreed, one said no on
    # the phone (no invitation, no refusal: counted apart)
    done = await DrawActivity.get(id=aid)
    reeval = await DrawActivity.create(
        project_id=done.project_id, agency_id=done.agency_id, handler_id=done.handler_id,
        status="ended", kind="reeval", parent_id=aid, by_calls=True, total=2,
        bid_open_at=done.bid_open_at, eval_start=done.eval_start + timedelta(minutes=5),
        eval_end=done.eval_end)
    for item, status in zip(confirmed, ("declined", "confirmed"), strict=True):
        await Invitation.create(activity_id=reeval.id, condition_id=item.condition_id,
                                expert_id=item.expert_id, person_id=item.person_id,
                                status=status, wave=1, rank=0,
                                sent_at=done.eval_start, due_at=done.eval_start,
                                eval_start=reeval.eval_start, eval_end=reeval.eval_end)
    # a draft is no draw; fees are recorded by the agency (not what is tested here)
    await prepared(api, demo, total=1, submitted=False)
    await Invitation.filter(id=confirmed[1].id).update(fee_fen=30000, fee_paid=True)
    await Invitation.filter(id=absent.id).update(fee_fen=25050, fee_paid=False)
    # sanctions: a warning and a suspension in force today
    admin = await api.login(demo["admin"].mp_openid)
    today = china_today(now)
    serving = {i.expert_id for i in confirmed}  # a suspension would take their place
    numbers = [p.expert_number for p in await ExpertProfile.filter(
        expert_number__startswith="T-").exclude(id__in=serving).order_by("id")]
    for number, kind, ends in ((numbers[0], "warning", None),
                               (numbers[1], "suspension", today + timedelta(days=30))):
        made = await api.call("POST", "/admin/sanctions", admin, {
            "expert_number": number, "kind": kind, "reason": "评标中途离开评标现场",
            "starts_on": today.isoformat(), "ends_on": ends and ends.isoformat()})
        assert made.status == 200, made.data

    this, then = now.astimezone(CHINA), held
    query = {"from_month": f"{then:%Y-%m}", "to_month": f"{this:%Y-%m}"}
    got = await api.call("GET", "/admin/statistics", admin, params=query)
    assert got.status == 200, got.data
    data = got.data
    assert [m["month"] for m in data["months"]] == [
        f"{month_back(now, n):%Y-%m}" for n in (2, 1, 0)]
    assert data["months"][0]["month_title"] == f"{then.year}年{then.month}月"
    old, middle, current = data["months"]
    assert (old["draws"], middle["draws"], current["draws"]) == (1, 0, 1)
    assert (current["reevals"], current["recall_attended"], current["recall_declined"]) == (
        1, 1, 1)
    assert (current["supplements"], current["redraws"]) == (0, 0)
    statuses = Counter(await Invitation.filter(activity_id=aid).values_list("status",
                                                                           flat=True))
    assert current["invited"] == sum(statuses.values())
    assert (current["confirmed"], current["declined"], current["absent"]) == (2, 1, 1)
    assert current["avoided"] == 0 and current["no_answer"] == 0
    answered = 2 + 1 + statuses[InvitationStatus.RELEASED]
    assert current["answered"] == answered
    assert Decimal(current["decline_rate"]) == (Decimal(100) / answered).quantize(
        Decimal("0.1"))
    assert Decimal(current["absence_rate"]) == Decimal("50.0")
    assert Decimal(current["fees_recorded_yuan"]) == Decimal("550.50")
    assert Decimal(current["fees_paid_yuan"]) == Decimal("300.00")
    assert middle["decline_rate"] is None and middle["absence_rate"] is None
    assert data["total"]["draws"] == 2 and data["total"]["month_title"] == "合计"
    assert data["regions"] == [{"region": "4401", "region_name": "广东省广州市", "draws": 2}]
    # the most drawn: each evaluation served (a 复评 attended too; the absent one's evaluation
    # does not count)
    served = await Invitation.filter(activity_id__in=[earlier, aid, reeval.id],
                                     status=InvitationStatus.CONFIRMED)
    assert len(served) == 3
    on_top = Counter([(await ExpertProfile.get(id=i.expert_id)).expert_number
                      for i in served])
    ranked = [(e["expert_number"], e["evaluations"]) for e in data["most_drawn"]]
    assert dict(ranked[:len(on_top)]) == on_top  # one expert may have served both
    assert [n for _, n in ranked] == sorted((n for _, n in ranked), reverse=True)
    assert all(n == 0 for _, n in ranked[len(on_top):])
    assert len(data["least_drawn"]) == 10 and data["least_drawn"][0]["evaluations"] == 0
    # the absent one is counted for the earlier draw at most, whoever served it
    absent_number = (await ExpertProfile.get(id=absent.expert_id)).expert_number
    served_before = await Invitation.filter(activity_id=earlier, expert_id=absent.expert_id,
                                            status=InvitationStatus.CONFIRMED).count()
    assert on_top.get(absent_number, 0) == served_before
    assert dict(ranked).get(absent_number, 0) == served_before
    assert all(set(e) == {"expert_number", "name", "evaluations"} for e in data["most_drawn"])
    assert {s["kind_title"]: s["count"] for s in data["sanctions"]} == {
        "警告": 1, "暂停评标资格": 1, "取消评标专家资格": 0, "终身禁止参加评标": 0}
    assert any(name == "拒绝率" for name, _ in data["rules"])

    # the workbook holds the same numbers
    sheet = await api.call("GET", "/admin/statistics.xlsx", admin, params=query)
    assert sheet.status == 200, sheet.data
    book = load_workbook(io.BytesIO(sheet.data["body"]), read_only=True)
    assert book.sheetnames == ["按月统计", "按地区统计", "抽中最多的专家", "抽中最少的专家",
                               "生效中的处分", "专家费", "口径说明"]
    rows = list(book["按月统计"].iter_rows(values_only=True))
    assert rows[0][:8] == ("月份", "抽取次数", "其中补抽", "其中重新抽取", "复评次数",
                           "为外库副场抽取次数", "外库专家参加副场", "外库专家不能参加")
    assert rows[3][0] == f"{this.year}年{this.month}月"
    assert rows[3][1:17] == (1, 0, 0, 1, 0, 0, 0, 1, 1, current["invited"], 2, 1, 0, 0, 1,
                             answered)
    assert Decimal(str(rows[3][17])) == Decimal(current["decline_rate"])
    assert Decimal(str(rows[3][19])) == Decimal("550.50")
    assert Decimal(str(rows[3][20])) == Decimal("300.00")
    assert rows[4][:2] == ("合计", 2)
    assert list(book["按地区统计"].iter_rows(values_only=True))[1] == ("广东省广州市", 2)
    top = list(book["抽中最多的专家"].iter_rows(values_only=True))[1:]
    assert [(r[1], r[3]) for r in top] == ranked
    assert ("暂停评标资格", 1) in list(book["生效中的处分"].iter_rows(values_only=True))


async def test_bad_months_are_refused_in_words_and_a_handler_is_refused(
        api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    bad = await api.call("GET", "/admin/statistics", admin, params={"from_month": "2026-13"})
    assert bad.status == 400 and "起始月份“2026-13”不是月份" in bad.message
    order = await api.call("GET", "/admin/statistics", admin,
                           params={"from_month": "2026-11", "to_month": "2026-10"})
    assert order.status == 400 and "晚于截止月份" in order.message
    long = await api.call("GET", "/admin/statistics.xlsx", admin,
                          params={"from_month": "2023-01", "to_month": "2026-01"})
    assert long.status == 400 and "最多统计 36 个月" in long.message
    fine = await api.call("GET", "/admin/statistics", admin,
                          params={"from_month": "2023-02", "to_month": "2026-01"})
    assert fine.status == 200 and len(fine.data["months"]) == 36
    default = await api.call("GET", "/admin/statistics", admin)
    this = china_today(datetime.now(UTC))
    assert len(default.data["months"]) == 12
    assert default.data["to_month"] == f"{this:%Y-%m}"
    handler = await api.login(demo["handler"].mp_openid)
    for path in ("/admin/statistics", "/admin/statistics.xlsx"):
        refused = await api.call("GET", path, handler)
        assert refused.status == 403, refused.data
