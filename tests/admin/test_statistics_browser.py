"""The administrator's statistics page in headless Chromium: the period's tables and bar
charts in words and yuan (no codes, no fen), a period refused with what was typed kept, the
workbook downloaded; a handler has no such page. The figures themselves are tested over HTTP
(tests/admin/test_statistics.py); here the draws are written straight to the database."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from models.draws import Condition, DrawActivity, Invitation, Notice, Project
from models.experts import ExpertProfile
from services.common.clock import CHINA
from tests.support.browser import screenshot, signed_in

# per draw: its months back, its city, and its invited experts' answers in rank order
DRAWS = ((2, "440106", ("confirmed", "confirmed", "declined", "timeout")),
         (1, "440305", ("confirmed", "absent", "avoided", "declined")),
         (0, "440106", ("confirmed", "confirmed", "confirmed", "released")),
         (0, "440104", ("declined", "confirmed", "confirmed", "declined")))


def month_back(moment: datetime, months: int) -> datetime:
    local = moment.astimezone(CHINA)
    index = local.year * 12 + local.month - 1 - months
    return local.replace(year=index // 12, month=index % 12 + 1, day=1, hour=9, minute=0)


async def held(now: datetime) -> None:
    experts = await ExpertProfile.filter(active=True).order_by("id").limit(4)
    assert len(experts) == 4
    for n, (back, region, answers) in enumerate(DRAWS):
        start = month_back(now, back)
        project = await Project.create(
            agency_id=1, created_by=1, name="某市第一中学教学楼新建工程", number=f"S-{n}",
            kind="工程", region=region, tenderer_name="某市第一中学",
            tenderer_credit_code="12440100MB2C00000X")
        activity = await DrawActivity.create(
            project=project, agency_id=1, handler_id=1, status="ended", bid_open_at=start,
            eval_start=start, eval_end=start + timedelta(hours=6), total=2)
        notice = await Notice.create(activity=activity, venue="广州公共资源交易中心",
                                     city="广州市", district="天河区", street="天润路333号",
                                     gather_at=start, contact_name="陈志强",
                                     contact_phone="020-12345678")
        condition = await Condition.create(activity=activity, notice=notice,
                                           regions=["4401"], main_specialty="A0401",
                                           planned=2)
        for rank, (expert, status) in enumerate(zip(experts, answers, strict=True)):
            await Invitation.create(
                activity=activity, condition=condition, expert_id=expert.id,
                person_id=expert.person_id, rank=rank, wave=1, status=status,
                sent_at=start - timedelta(days=2), due_at=start - timedelta(days=2),
                fee_fen=45050 if status == "confirmed" else None,
                fee_paid=status == "confirmed" and back > 0,
                eval_start=activity.eval_start, eval_end=activity.eval_end)


async def test_the_administrator_reads_the_statistics_and_downloads_them(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    now = datetime.now(UTC)
    await held(now)
    first = f"{month_back(now, 2):%Y-%m}"
    desk = await signed_in(browser, sandbox, "13800000007", "/console/statistics")
    await expect(desk.get_by_test_id("months")).to_contain_text("合计")
    await desk.get_by_label("起始月份").fill(first)
    await desk.get_by_test_id("show").click()
    months = desk.get_by_test_id("months")
    this = now.astimezone(CHINA)
    row = months.get_by_test_id(f"month-{this:%Y-%m}")
    # this month: 2 draws, 8 invited, 5 confirmed, 2 declined of 8 answered, 5 × 450.50 yuan
    await expect(row).to_contain_text(f"{this.year}年{this.month}月")
    await expect(row).to_contain_text("25.0%")
    await expect(row).to_contain_text("2252.50")
    await expect(months.get_by_test_id("month-total")).to_contain_text("合计")
    await expect(desk.get_by_test_id("regions")).to_contain_text("广东省广州市")
    await expect(desk.get_by_test_id("regions")).to_contain_text("广东省深圳市")
    await expect(desk.get_by_test_id("chart-draws").locator("svg")).to_contain_text("2次")
    await expect(desk.get_by_test_id("chart-rates").locator("svg")).to_contain_text("25.0%")
    await expect(desk.get_by_test_id("sanctions")).to_contain_text("暂停评标资格")
    await expect(desk.get_by_test_id("rules")).to_contain_text("拒绝率")
    body = desk.locator("main")
    for raw in ("declined", "confirmed", "4401", "fen", "UTC", "suspension"):
        await expect(body).not_to_contain_text(raw)
    await screenshot(desk, "var/console-statistics.png")
    # the workbook of the same period
    async with desk.expect_download() as download:
        await desk.get_by_test_id("download").click()
    saved = await (await download.value).path()
    book = load_workbook(io.BytesIO(saved.read_bytes()), read_only=True)
    rows = list(book["按月统计"].iter_rows(values_only=True))
    assert rows[-1][:2] == ("合计", 4) and rows[-1][10] == 16  # draws, invitations
    # a period the wrong way round: refused, what was typed kept
    await desk.get_by_label("截止月份（含）").fill(f"{month_back(now, 3):%Y-%m}")
    await desk.get_by_test_id("show").click()
    await expect(desk.get_by_test_id("refusal")).to_contain_text("晚于截止月份")
    await expect(desk.get_by_label("起始月份")).to_have_value(first)
    await expect(desk.get_by_label("截止月份（含）")).to_have_value(f"{month_back(now, 3):%Y-%m}")
    await screenshot(desk, "var/console-statistics-refused.png")
    await desk.get_by_label("起始月份").fill("2026-13")
    await desk.get_by_test_id("show").click()
    await expect(desk.get_by_test_id("refusal")).to_contain_text("起始月份“2026-13”不是月份")
    await expect(desk.get_by_label("起始月份")).to_have_value("2026-13")
    await expect(desk.get_by_label("起始月份")).to_have_attribute("aria-invalid", "true")
    # an agency's handler has no such page
    handler = await signed_in(browser, sandbox, "13800000004", "/console/statistics")
    await expect(handler.locator("body")).not_to_contain_text("抽中最多的专家")
