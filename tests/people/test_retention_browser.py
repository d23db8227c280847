"""The administrator's retention report in headless Chromium (PIPL Art. 47; 政府采购法
Art. 42; 网络安全法 Art. 21): the declared retention per kind of personal data, and a run
that anonymised one person deregistered past the retention (here the default, 15 years)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.people import Person, phone_is
from tests.support.browser import screenshot, signed_in
from web.context import DOMAIN


async def test_the_administrator_reads_the_retention_report(sandbox: TestServer,
                                                          browser: Any) -> None:
    from playwright.async_api import expect

    now = datetime.now(UTC)
    gone = await Person.get(phone_is("13900000101"))  # a demo pool expert, deregistered long ago
    await Person.filter(id=gone.id).update(deregistered_at=now - timedelta(days=16 * 365))
    await sandbox.app[DOMAIN].retention.run(now)
    desk = await signed_in(browser, sandbox, "13800000007", "/console/retention")
    policy = desk.get_by_test_id("retention-policy")
    await expect(policy).to_contain_text("身份信息")
    await expect(policy).to_contain_text("注销后保存15年")
    await expect(policy).to_contain_text("匿名化（记录保留）")
    runs = desk.get_by_test_id("retention-runs")
    await expect(runs).to_contain_text("1 人")
    await expect(runs).to_contain_text("身份信息 1 条")
    await expect(runs).not_to_contain_text("UTC")
    await screenshot(desk, "var/console-retention.png")
    # an expert cannot open it
    expert = await signed_in(browser, sandbox, "13800000002", "/console/retention")
    await expect(expert.locator("body")).not_to_contain_text("处理记录")
