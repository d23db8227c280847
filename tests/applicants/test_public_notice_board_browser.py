"""The published 公示 in headless Chromium, on a desktop and on a phone, without signing in:
the batch, each applicant's name, unit, specialties and period, and how to object; nothing
runs off the screen."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from models.applications import Batch
from models.people import Person
from tests.support.api import Api
from tests.support.applications import in_notice
from tests.support.browser import screenshot

CONTACT = "吉林省财政厅政府采购监管处，电话0431-88888888"


async def test_the_public_notice_reads_on_a_desktop_and_a_phone(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    app = await in_notice(api, demo)
    await Batch.filter(id=app.batch_id).update(objection_contact=CONTACT)
    name = (await Person.get(id=app.person_id)).name
    url = str(client.make_url("/public-notice"))
    for shape, viewport in (("desktop", {"width": 1280, "height": 800}),
                            ("phone", {"width": 375, "height": 740})):
        page = await (await browser.new_context(viewport=viewport)).new_page()
        await page.goto(url)
        await expect(page.get_by_test_id("batch")).to_contain_text("吉林省政府采购评审专家征集")
        entry = page.get_by_test_id("entry")
        await expect(entry).to_contain_text(name)
        await expect(entry).to_contain_text("广州市示例建筑设计研究院")
        await expect(entry).to_contain_text("道路工程、桥梁工程")
        await expect(page.get_by_test_id("objection")).to_contain_text(CONTACT)
        await expect(page.locator("body")).not_to_contain_text("138")
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (shape, overflow)
        await screenshot(page, f"var/public-notice-{shape}.png")
        await page.context.close()
