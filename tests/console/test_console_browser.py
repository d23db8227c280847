"""The console in headless Chromium: the agency's handler signs in with a
password, opens an activity and watches its counts rise by themselves while experts answer
in chat (GD-DRAW: 抽取进度); the sandbox opens the console as any demo user and mints
mini-program login codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestClient, TestServer

from models.draws import Notice
from services.common.clock import CHINA
from services.demo import DEMO_PASSWORD
from tests.support.api import Api
from tests.support.applications import PDF, applicant, make_batch, ready_to_submit
from tests.support.browser import reload, screenshot
from tests.support.draw_world import finish, make_experts, prepared, start_draw
from tests.support.wechat import Chat


async def test_the_sandbox_mints_login_codes_and_opens_the_console_as_anyone(
        sandbox: TestServer) -> None:
    """With `make run`, anyone can act as any role without the project's
    tests: a login code for the mini-program API, and the console signed in."""
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
        url = sandbox.make_url
        minted = await http.get(url("/sandbox/api/login-code"),
                                params={"openid": "mp_demo_verifier"})
        code = (await minted.json())["code"]
        login = await http.post(url("/miniapp/v1/auth/login"), json={"code": code})
        assert login.status == 200 and (await login.json())["bound"] is True
        posted = await http.post(url("/sandbox/api/login-code"), json={"openid": "mp_new"})
        assert posted.status == 200 and (await posted.json())["code"]
        empty = await http.get(url("/sandbox/api/login-code"))
        assert empty.status == 400 and "openid" in (await empty.json())["message"]
        opened = await http.get(url("/sandbox/console-as"), params={"key": "admin"})
        assert opened.status == 200 and "周平" in await opened.text()
        unknown = await http.get(url("/sandbox/console-as"), params={"key": "nobody"})
        assert unknown.status == 404


async def test_the_handler_watches_the_draw_count_up_without_reloading(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    await make_experts(client, 4)
    aid, token = await prepared(api, demo, total=2)
    desk = await browser.new_page(viewport={"width": 1280, "height": 800})
    await desk.goto(str(client.make_url(f"/console/activities/{aid}")))
    # a mistyped password: refused, the account still in its box, the password not
    await desk.get_by_label("手机号或身份证号").fill(demo["handler"].phone)
    await desk.get_by_label("密码").fill("Wrong2026ok")
    await desk.get_by_test_id("sign-in").click()
    await expect(desk.get_by_test_id("error")).to_be_visible()
    await expect(desk.get_by_label("手机号或身份证号")).to_have_value(demo["handler"].phone)
    await expect(desk.get_by_label("密码")).to_have_value("")
    await desk.get_by_label("密码").fill(DEMO_PASSWORD)
    await desk.get_by_test_id("sign-in").click()
    await expect(desk.get_by_test_id("status")).to_be_visible()  # back where it started
    await expect(desk.get_by_test_id("confirmed")).to_have_text("0")
    # the handler has begun typing a random string when the draw starts elsewhere (the API):
    # the new status is announced, the page is not reloaded under the typing
    await desk.get_by_label("随机串").fill("73")
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    await expect(desk.get_by_test_id("confirmed")).to_have_text("2", timeout=10_000)
    await expect(desk.get_by_test_id("status")).not_to_have_text("已核验")
    await expect(desk.get_by_test_id("status-changed")).to_be_visible()
    await expect(desk.get_by_test_id("status-changed")).to_contain_text("状态已变为「")
    await expect(desk.get_by_label("随机串")).to_have_value("73")
    await screenshot(desk, "var/console-activity.png")
    # ended, the evaluation two days away: the gathering time can still be corrected; a
    # time already past is refused in words, what was typed stays in its box
    notice = await Notice.get(activity_id=aid)
    await reload(desk)
    await expect(desk.get_by_test_id("gathering-hint")).to_be_visible()
    box = desk.get_by_label("新的集合时间")
    await box.fill("2020-01-01T09:00")
    await desk.get_by_test_id(f"gathering-{notice.id}").click()
    await expect(desk.get_by_role("alert").first).to_contain_text("集合时间已经过去")
    await expect(box).to_have_value("2020-01-01T09:00")
    later = (notice.gather_at + timedelta(hours=1)).astimezone(CHINA)
    await box.fill(f"{later:%Y-%m-%dT%H:%M}")
    await desk.get_by_test_id(f"gathering-{notice.id}").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("集合时间已修改")
    await screenshot(desk, "var/console-gathering-corrected.png")
    await desk.goto(str(client.make_url("/console/home")))
    await expect(desk.get_by_test_id("dashboard")).to_be_visible()
    await screenshot(desk, "var/console-home.png")
    await desk.get_by_test_id("sign-out").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已退出登录")


async def test_a_reviewer_returns_then_approves_in_the_browser(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    """HN-APPLY: the reviewer returns an item with the reason (市州行业部门可打回…要求申请人
    进行修改信息); once resubmitted, approves it to the next stage."""
    from playwright.async_api import expect

    token = await applicant(api, demo)
    app_id = await ready_to_submit(api, token, await make_batch("2026年第二批评标专家征集"))
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    desk = await browser.new_page(viewport={"width": 1280, "height": 800})
    await desk.goto(str(client.make_url("/console/review")))
    await desk.get_by_label("手机号或身份证号").fill(demo["reviewer"].phone)
    await desk.get_by_label("密码").fill(DEMO_PASSWORD)
    await desk.get_by_test_id("sign-in").click()
    await desk.get_by_test_id(f"open-{app_id}").click()
    await desk.wait_for_url(f"**/console/review/{app_id}")
    await desk.wait_for_load_state()
    # no decision is made for the reviewer: nothing is chosen until they choose
    for action in ("action-approve", "action-return"):
        await expect(desk.get_by_test_id(action)).not_to_be_checked()
    await desk.get_by_test_id("action-return").check()
    reason = desk.get_by_label("原因（退回、不通过时必填，申请人会收到）")
    await reason.fill("职称证书不清晰")
    # a return without the item to correct is refused, and the form comes back as it
    # was: still 退回修改, the reason still there, the missing choice marked
    async with desk.expect_response(lambda r: r.request.method == "POST" and
                                    f"/console/review/{app_id}" in r.url) as posted:
        await desk.get_by_test_id("decide").click()
    sent = parse_qs((await posted.value).request.post_data or "")
    assert sent.get("reason") == ["职称证书不清晰"] and sent.get("action") == ["return"], sent
    await expect(desk.get_by_test_id("flash")).to_have_attribute("data-kind", "refused",
                                                                 timeout=20_000)
    await expect(desk.get_by_test_id("action-return")).to_be_checked()
    await expect(desk.get_by_test_id("action-approve")).not_to_be_checked()
    await expect(reason).to_have_value("职称证书不清晰")
    await screenshot(desk, "var/console-review-refused.png")
    await desk.get_by_label("职称", exact=True).check()
    await screenshot(desk, "var/console-review.png")
    await desk.get_by_test_id("decide").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("退回修改", timeout=20_000)
    # the applicant prints again, signs, resubmits; the reviewer approves
    base = f"/applications/{app_id}"
    assert (await api.call("POST", f"{base}/print", token)).status == 200
    await api.upload(f"{base}/attachments/review_form", token, PDF, "f.pdf",
                     "application/pdf")
    assert (await api.call("POST", f"{base}/submit", token)).status == 200
    await desk.goto(str(client.make_url(f"/console/review/{app_id}")))
    await desk.get_by_test_id("action-approve").check()
    await desk.get_by_test_id("decide").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("省行业部门审核",
                                                               timeout=20_000)
    # the attachments stay readable; each PDF loads in its frame when it is opened (five
    # viewers loading with the page took the focus from the reason being typed)
    await desk.goto(str(client.make_url(f"/console/review/{app_id}")))
    frame = desk.locator("details[data-frame-on-open] iframe").first
    assert await frame.get_attribute("src") is None
    async with desk.expect_response(lambda r: "/attachments/" in r.url) as opened:
        await desk.get_by_test_id("open-pdf").first.click()
    assert (await opened.value).status == 200
    await expect(frame).to_be_visible()
