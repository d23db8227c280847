"""活动来源 at the desk, in headless Chromium on the service as `make run` starts it: the
handler's activity list offers GD-DRAW's "活动来源 所有来源" as a select of words, and
picking 重新抽取 lists only the activity cloned by a re-draw, the choice kept in the form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.draws import DrawActivity
from models.people import Person
from services.draws.facts.oplog import Actor
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import desk_draft
from web.context import DOMAIN

HANDLER = "13800000004"


async def test_the_handler_filters_the_activity_list_by_its_source(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    made = await desk_draft(sandbox, "GZ-S-1")
    # an ended draw (its running is tested elsewhere: tests/draws/followups/test_draw_followups.py)
    ended = await desk_draft(sandbox, "GZ-S-2")
    await DrawActivity.filter(id=ended.id).update(status="ended")
    handler = await Person.get(id=ended.handler_id)
    start = datetime.now(UTC) + timedelta(days=5)
    redraw = await sandbox.app[DOMAIN].draws.followups.clones.clone(
        await DrawActivity.get(id=ended.id), "redraw",
        {"bid_open_at": start - timedelta(hours=1), "eval_start": start,
         "eval_end": start + timedelta(hours=4)}, datetime.now(UTC),
        Actor("agency", handler.id, handler.name))
    desk = await signed_in(browser, sandbox, HANDLER, "/console/activities")
    source = desk.get_by_label("活动来源")
    await expect(source).to_have_value("")
    assert await source.locator("option").all_inner_texts() == [
        "所有来源", "新建", "复评", "重新抽取", "其他专家库"]
    await expect(desk.get_by_test_id(f"activity-source-{made.id}")).to_have_text("新建")
    await expect(desk.get_by_test_id(f"activity-source-{redraw.id}")).to_have_text("重新抽取")
    await source.select_option(label="重新抽取")
    await desk.get_by_test_id("search").click()
    await expect(desk.get_by_label("活动来源")).to_have_value("redraw")
    rows = desk.get_by_test_id("activities").locator("tr[data-testid^=activity-]")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-testid", f"activity-{redraw.id}")
    await screenshot(desk, "var/console-activity-source.png")
