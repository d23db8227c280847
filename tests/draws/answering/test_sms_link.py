"""Answering an invitation by the link in its SMS: a page any phone browser opens
without signing in, showing what the WeChat invitation shows and never the project; one
decision per invitation, answered by the engine as a chat reply; a forged or tampered link
refused plainly, a reused one showing the decision already made, an expired one saying so,
and a guessing address slowed (the client's address read through a trusted proxy). The
last test clicks through it in Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from models.draws import Invitation, InvitationStatus
from models.notifications import Notification
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.links import ANSWER_LINK
from tests.support.browser import screenshot
from tests.support.clock import MovedClock
from tests.support.draw_world import invited_by_sms
from tests.support.sms import FORM_TOKEN, sms_world, submitted
from web.context import DOMAIN


async def _link(client: TestClient, invitation: Invitation) -> str:
    links = client.app[DOMAIN].links
    return "/a/" + links.short(ANSWER_LINK, str(invitation.id))


async def _setup(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
                 platform: Platform, monkeypatch: pytest.MonkeyPatch,
                 clock: Clock = SYSTEM_CLOCK) -> tuple[TestClient, Invitation, str]:
    _, client, _, person_id, _ = await sms_world(aiohttp_client, infra, wechat, platform,
                                                 monkeypatch, clock)
    invitation = await invited_by_sms(person_id, datetime.now(UTC))
    return client, invitation, await _link(client, invitation)


async def test_the_link_shows_the_invitation_and_takes_one_decision(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, invitation, link = await _setup(aiohttp_client, infra, wechat, platform,
                                            monkeypatch)
    page = await client.get(link)
    html = await page.text()
    assert page.status == 200 and "评标室302" in html and "天润路333号" in html
    assert "某中学" not in html and "教学楼" not in html  # never the project or tenderer
    # the venue's contact is shown as it is, to be called (no invisible marks copied along)
    assert "陈 020-87654321" in html and "\u2063" not in html and "\u2064" not in html
    assert 'data-testid="answer-form"' in html and "回复截止" in html
    token = FORM_TOKEN.search(html)
    assert token is not None
    # as a register import makes him: no WeChat at all
    await WeChatIdentity.filter(person_id=invitation.person_id).delete()
    answered = await client.post(link, data={"choice": "1", "_csrf": token.group(1)})
    html = await answered.text()
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and confirmed.code in html
    # he has no WeChat: the page says how to check in from it, and the code goes by SMS too
    assert "在本页点“签到”" in html and "公众号" not in html and "也已用短信发送" in html
    sent = await Notification.get(kind="sms.reply", person_id=invitation.person_id)
    assert sent.params["variant"] == "confirmed" and confirmed.code in sent.params["text"]
    # queued with the decision, in the statement that queues the agency's progress: a
    # failure after the commit cannot leave the code on the page alone
    # (the draw's end, when the acceptance completes it, carries the progress instead)
    assert await Notification.filter(kind__in=["draw.progress", "draw.ended"],
                                     created_at=sent.created_at).exists()
    assert "回复截止" not in html  # answered: no deadline left to keep
    # the link used again: the first decision stands and is shown
    again = await client.post(link, data={"choice": "2", "reason": "改主意了",
                                          "_csrf": token.group(1)})
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED
    assert "参加" in await again.text()
    reopened = await (await client.get(link)).text()
    assert "您已回复：参加" in reopened and 'data-testid="answer-form"' not in reopened


async def test_forged_expired_and_hammered_links_are_refused_plainly(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, invitation, link = await _setup(aiohttp_client, infra, wechat, platform,
                                            monkeypatch)
    other = f"/a/{invitation.id + 1}.{link.rsplit('.', 1)[1]}"  # another id, the same MAC
    for bad in (link[:-1] + ("A" if link[-1] != "A" else "B"), other, "/a/x", "/a/1."):
        answer = await client.get(bad)
        assert answer.status == 403 and "链接无效" in await answer.text()
        assert (await client.post(bad, data={"choice": "1"})).status == 403
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.SENT
    # past the deadline: the page says so and offers nothing
    await Invitation.filter(id=invitation.id).update(
        due_at=datetime.now(UTC) - timedelta(minutes=1))
    late = await (await client.get(link)).text()
    assert "回复时限已过" in late and 'data-testid="answer-form"' not in late
    # the link expires with the invitation: a day after its deadline it is refused
    await Invitation.filter(id=invitation.id).update(
        due_at=datetime.now(UTC) - timedelta(days=1, minutes=1))
    expired = await client.get(link)
    assert expired.status == 403 and "已经过期" in await expired.text()
    assert (await client.post(link, data={"choice": "1"})).status == 403


async def test_a_guessing_address_is_slowed_and_experts_behind_the_proxy_are_not(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch, clock: MovedClock) -> None:
    """Behind nginx every connection comes from 127.0.0.1: the client is the address the
    trusted proxy appends to X-Forwarded-For. Ten bad links from one address this minute
    and that address is refused even a good link; an expert at another address (or the
    same carrier address with a good link, before it guessed) is not affected; one
    invitation's page opened 30 times in a minute is refused, another's still opens."""
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, ::1")
    client, invitation, link = await _setup(aiohttp_client, infra, wechat, platform,
                                            monkeypatch, clock)
    clock.early_in_a_minute(20)  # the limits count per clock minute
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    expert = {"X-Forwarded-For": "198.51.100.20"}
    forged = link[:-1] + ("A" if link[-1] != "A" else "B")
    assert [(await client.get(forged, headers=guesser)).status for _ in range(10)
            ] == [403] * 10
    refused = await client.get(link, headers=guesser)
    assert refused.status == 429 and "打开次数过多" in await refused.text()
    # a made-up X-Forwarded-For entry left of the proxy's own does not escape the limit
    spoofed = {"X-Forwarded-For": "192.0.2.99, 203.0.113.7"}
    assert (await client.get(link, headers=spoofed)).status == 429
    page = await client.get(link, headers=expert)
    assert page.status == 200 and 'data-testid="answer-form"' in await page.text()
    # the good link hammered: refused after 30 opens this minute (GET and POST alike)
    statuses = [(await client.get(link, headers=expert)).status for _ in range(30)]
    assert statuses.count(429) == 1 and statuses[-1] == 429
    other = await invited_by_sms((await Invitation.get(id=invitation.id)).person_id,
                           datetime.now(UTC), number="SMS-2")
    assert (await client.get(await _link(client, other), headers=expert)).status == 200
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.SENT


async def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch, clock: MovedClock) -> None:
    """Nobody set TRUSTED_PROXIES: a client writing its own X-Forwarded-For on each
    request is still one address to the limit."""
    client, _, link = await _setup(aiohttp_client, infra, wechat, platform, monkeypatch,
                                   clock)
    forged = link[:-1] + ("A" if link[-1] != "A" else "B")
    clock.early_in_a_minute(20)  # the limits count per clock minute
    statuses = [(await client.get(forged, headers={"X-Forwarded-For": f"203.0.113.{n}"})
                 ).status for n in range(11)]
    assert statuses == [403] * 10 + [429]


async def test_an_expert_declines_with_a_reason_in_a_phone_browser(
        aiohttp_server: Any, aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    from playwright.async_api import expect

    client, invitation, link = await _setup(aiohttp_client, infra, wechat, platform,
                                            monkeypatch)
    phone = await browser.new_page(viewport={"width": 375, "height": 740})
    await phone.goto(str(client.make_url(link)))
    await expect(phone.get_by_text("评标室302")).to_be_visible()
    await screenshot(phone, "var/answer-open.png")
    await phone.locator("#reason").fill("出差在外地")
    await phone.get_by_test_id("choice-2").click()
    await expect(phone.get_by_test_id("said")).to_contain_text("原因已记录")
    await screenshot(phone, "var/answer-page.png")
    declined = await Invitation.get(id=invitation.id)
    assert declined.status == InvitationStatus.DECLINED and declined.reason == "出差在外地"


async def test_an_expert_without_wechat_checks_in_and_out_on_the_page(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    """Once confirmed, the page is where he checks in at the venue and out when he leaves:
    it says when that opens, then offers 签到, then 签退 (10 minutes later), then what was
    done."""
    from playwright.async_api import expect

    from models.draws import DrawActivity, Notice

    client, invitation, link = await _setup(aiohttp_client, infra, wechat, platform,
                                            monkeypatch)
    phone = await browser.new_page(viewport={"width": 375, "height": 800})
    await phone.goto(str(client.make_url(link)))
    await phone.get_by_test_id("choice-1").click()
    await expect(phone.get_by_test_id("said")).to_contain_text("已确认参加")
    await expect(phone.get_by_test_id("checkin-state")).to_contain_text("开放")
    await expect(phone.get_by_test_id("checkin-button")).to_have_count(0)  # not yet
    await Notice.filter(activity_id=invitation.activity_id).update(
        gather_at=datetime.now(UTC) - timedelta(minutes=5))  # he is there, a bit late
    await phone.reload()
    await phone.get_by_test_id("checkin-button").click()
    await expect(phone.get_by_test_id("said")).to_contain_text("签到成功")
    await screenshot(phone, "var/answer-checkin.png")
    at = (await Invitation.get(id=invitation.id)).checkin_at
    assert at is not None
    await phone.get_by_test_id("checkout").click()  # too soon: a repeat, said so
    await expect(phone.get_by_test_id("said")).to_contain_text("无需重复签到")
    await Invitation.filter(id=invitation.id).update(checkin_at=at - timedelta(minutes=11))
    await phone.get_by_test_id("checkout").click()  # the evaluation not begun: no departure
    await expect(phone.get_by_test_id("said")).to_contain_text("评标尚未开始")
    await DrawActivity.filter(id=invitation.activity_id).update(
        eval_start=datetime.now(UTC) - timedelta(minutes=1))
    await phone.get_by_test_id("checkout").click()
    await expect(phone.get_by_test_id("said")).to_contain_text("签退成功")
    await expect(phone.get_by_test_id("checkout")).to_have_count(0)
    await screenshot(phone, "var/answer-checkout.png")
    assert (await Invitation.get(id=invitation.id)).checkout_at is not None


async def test_the_withdrawal_notice_carries_the_link_and_takes_shoudao(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Withdrawal notices and reminders carry the invitation's link; once the
    evaluation is withdrawn (GD-DRAW: 退选), the page says so and takes the expert's 收到,
    which confirms the notice reached them (退选状态 "已确认")."""
    from datetime import UTC, datetime

    from models.draws import DrawActivity, DrawStatus
    from models.notifications import Notification
    from web.context import DOMAIN

    client, invitation, link = await _setup(aiohttp_client, infra, wechat, platform,
                                            monkeypatch)
    domain, now = client.app[DOMAIN], datetime.now(UTC)
    await domain.draws.running.replies.reply(invitation.id, invitation.person_id, 1, now)
    await DrawActivity.filter(id=invitation.activity_id).update(
        status=DrawStatus.WITHDRAWN, ended_at=now, withdraw_reason="项目流标")
    async with domain.outbox.change(now) as change:
        await domain.draws.followups.withdrawals._tell(change, await invitation.activity,
                                                       await Invitation.get(id=invitation.id))
    notice = await Notification.filter(kind="draw.cancelled").first()
    assert notice is not None and notice.params["link"].endswith(link)
    page = await (await client.get(link)).text()
    assert "本次评标已取消" in page and 'data-testid="acknowledge"' in page
    done = await (await submitted(client, link, {"acknowledge": "1"})).text()
    assert "已确认您收到" in done and 'data-testid="acknowledge"' not in done
    assert (await Invitation.get(id=invitation.id)).acknowledged_at is not None
