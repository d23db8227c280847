"""The notice's venue at the desk, in Chromium: the agency's clerk picks it from the trading
centre's venues by name (no code on the page), or, for a venue outside the centre, chooses
"其他场所" and types its name; the notice keeps the venue's record, which the identity check
at check-in follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import Notice
from models.venues import Venue
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import desk_draft

VENUE = "广州公共资源交易中心"
LOCAL = "%Y-%m-%dT%H:%M"


async def test_the_clerk_picks_the_centres_venue_by_name_or_types_another(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    centre = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("PUT", "/venues", centre, {
        "name": VENUE, "region": "4401", "identity_check": True})).status == 200
    venue = await Venue.get(name=VENUE)
    activity = await desk_draft(client.server, f"GZ-V-{datetime.now(UTC).timestamp():.0f}")
    gather = (activity.eval_start - timedelta(minutes=30)).astimezone(CHINA).strftime(LOCAL)
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{activity.id}")
    form = desk.get_by_test_id("notice-form")
    choice = form.get_by_label("评标场所")
    # the centre's venues by name, and a way out for a venue outside it: no code shown
    await expect(choice.locator("option")).to_have_text(
        [VENUE, "其他场所（不在本交易中心，填写名称）"])
    await expect(choice).to_have_value(str(venue.id))  # the record, chosen by its name
    await expect(form.get_by_test_id("venue-choice-hint")).to_contain_text("核验身份")
    for label, typed in (("市", "广州市"), ("区", "天河区"), ("街道门牌", "天润路333号"),
                         ("联系人", "陈志强"), ("联系电话", "020-12345678")):
        await form.get_by_label(label, exact=True).fill(typed)
    await form.get_by_label("集合时间").fill(gather)
    await screenshot(desk, "var/console-notice-venue.png")
    await form.get_by_test_id("add-notice").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("通知已添加")
    (notice,) = await Notice.filter(activity_id=activity.id)
    assert (notice.venue, notice.venue_id) == (VENUE, venue.id)
    await expect(desk.get_by_test_id(f"notice-{notice.id}")).to_contain_text(VENUE)
    # a venue outside the centre: "其他场所", its name typed, kept as typed, unlinked
    form = desk.get_by_test_id("notice-form")
    await form.get_by_label("评标场所").select_option(label="其他场所（不在本交易中心，填写名称）")
    await form.get_by_label("其他场所名称").fill("韶关市公共资源交易中心")
    for label, typed in (("市", "韶关市"), ("区", "武江区"), ("街道门牌", "沿江路16号"),
                         ("联系人", "刘敏"), ("联系电话", "0751-8888888")):
        await form.get_by_label(label, exact=True).fill(typed)
    await form.get_by_label("集合时间").fill(gather)
    await form.get_by_test_id("add-notice").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("通知已添加")
    other = await Notice.get(activity_id=activity.id, role="secondary")
    assert (other.venue, other.venue_id) == ("韶关市公共资源交易中心", None)
    await screenshot(desk, "var/console-notice-venues-added.png")
