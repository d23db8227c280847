"""The administrator's 年度履职情况 in headless Chromium: last year's accounts listed by
expert, in words and numbers, with the Excel file offered; a year not made yet says when it
will be."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestServer

from models.experts import ExpertProfile
from models.sanctions import YearlyAccount
from services.common.clock import china_today
from tests.support.browser import screenshot, signed_in


async def test_the_administrator_reads_last_years_accounts(sandbox: TestServer,
                                                            browser: Any) -> None:
    from playwright.async_api import expect

    last = china_today(datetime.now(UTC)).year - 1
    expert = await ExpertProfile.filter(active=True).order_by("id").first()
    assert expert is not None
    await YearlyAccount.create(
        expert_id=expert.id, person_id=expert.person_id, year=last, invited=14, declined=2,
        served=11, late=1, left_early=0, conduct=1, absent=1, leave=0, sanctions=0, courses=1,
        hours=24, credit_score=86, credit_level="B", made_at=datetime.now(UTC))
    desk = await signed_in(browser, sandbox, "13800000007", "/console/yearly-accounts")
    row = desk.get_by_test_id(f"account-{expert.expert_number}")
    await expect(row).to_contain_text("14（2）")
    await expect(row).to_contain_text("1 门，24 学时")
    await expect(row).to_contain_text("86（B）")
    await expect(desk.get_by_test_id("yearly-file")).to_have_attribute(
        "href", f"/console/yearly-accounts.xlsx?year={last}")
    await screenshot(desk, "var/console-yearly-accounts.png")
    await desk.get_by_label("年度").select_option(str(last - 1))
    await desk.get_by_role("button", name="查看").click()
    await expect(desk.get_by_test_id("yearly-accounts")).to_contain_text(
        f"{last - 1}年度的履职情况尚未生成（该年最后的评标履职记录截止于 {last}年01月")
    await expect(desk.get_by_test_id("yearly-file")).to_have_count(0)
