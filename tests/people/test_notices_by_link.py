"""Everyone can act on what they are told : an expert who has no WeChat at
all (as every expert is right after a register import) is told of a sanction and of a
performance record by SMS, and appeals and replies from the link in it, in a phone browser.

Sources: 招标投标法实施条例 Art. 71 (TBL-REG) for the sanction, the appeal once (ours, as in
the mini-program); 财库〔2016〕198号 (CK-198): the expert "可以……查询本人职责履行情况记录，
并就有关情况作出说明"; the link's 30 days are ours (docs/rules-that-are-ours.md)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from models.notifications import Notification
from models.people import Person
from models.performance import PerformanceRecord
from models.sanctions import Sanction
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.common.links import APPEAL_LINK, REPLY_LINK
from tests.support.api import Api
from tests.support.draw_world import make_experts
from tests.support.helpers import eventually
from tests.support.performance import LATE_AND_AWAY, ended_evaluation
from tests.support.sms import opened, sms_link
from tests.support.wechat import Chat
from web.context import DOMAIN, TEXTS


async def test_an_sms_only_expert_appeals_a_sanction_from_the_link_in_its_sms(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    (expert,) = await make_experts(client, 1, first=5200)
    await WeChatIdentity.filter(person_id=expert.person_id).delete()  # no WeChat at all
    phone = (await Person.get(id=expert.person_id)).phone or ""
    admin = await api.login(demo["admin"].mp_openid)
    today = datetime.now(UTC).astimezone(CHINA).date()
    decided = await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": expert.expert_number, "kind": "warning",
        "reason": "2026年11月某项目评标时迟到40分钟", "starts_on": today.isoformat()})
    assert decided.status == 200, decided.data
    # the SMS tells it and carries the appeal page
    link = await sms_link(platform, phone, "/s/")
    assert "警告" in platform.sms_to(phone)[-1] and "申诉" in platform.sms_to(phone)[-1]
    assert "小程序" not in platform.sms_to(phone)[-1]  # he has no WeChat: only the link
    # a follower without the mini-program reads the same link in chat
    told = await Notification.get(kind="expert.sanctioned", person_id=expert.person_id)
    assert link in client.app[TEXTS].render("notify/expert.sanctioned/chat.j2", **told.params)
    # a post from elsewhere (not from the page: no token of its own) is refused
    bare = await client.post(link, data={"appeal": "x", "_csrf": "made-up"})
    assert bare.status == 403 and "重新打开短信中的链接" in await bare.text()
    text, csrf = await opened(client, link)
    assert "评标时迟到40分钟" in text and "警告" in text and csrf
    forged = await client.post(link, data={"appeal": "x", "_csrf": csrf + "x"})
    assert forged.status == 403
    # an empty appeal is refused in words, the form stays; one too long keeps what was typed
    empty = await client.post(link, data={"appeal": "  ", "_csrf": csrf})
    assert empty.status == 400 and "appeal-form" in await empty.text()
    long = await client.post(link, data={"appeal": "地铁" * 260, "_csrf": csrf})
    assert long.status == 400 and "地铁" * 260 in await long.text()
    # the appeal
    sent = await client.post(link, data={
        "appeal": "当日因地铁故障迟到，已提前电话告知联系人，可提供地铁延误证明。", "_csrf": csrf})
    assert sent.status == 200
    said = await sent.text()
    assert "申诉已提交" in said and "appeal-form" not in said
    sid = decided.data["id"]
    item = await Sanction.get(id=sid)
    assert item.appeal.startswith("当日因地铁故障迟到") and item.appealed_at is not None
    # the administrator sees it waiting, as an appeal made in the mini-program
    waiting = await api.call("GET", "/admin/sanctions", admin, params={"view": "appealed"})
    assert [i["id"] for i in waiting.data["items"]] == [sid]
    # the link again: the appeal stands, a second one is refused in words
    again, _ = await opened(client, link)  # no form: the same token posts again
    assert "您已于" in again and "appeal-form" not in again
    twice = await client.post(link, data={"appeal": "再申诉", "_csrf": csrf})
    assert "只能申诉一次" in await twice.text()
    assert (await Sanction.get(id=sid)).appeal.startswith("当日因地铁故障迟到")
    # the appeal is granted: the SMS says so and sends him to the page, not the
    # mini-program; the page says what is so now, and a stale post says the ruling
    ruled = await api.call("POST", f"/admin/sanctions/{sid}/ruling", admin,
                           {"outcome": "revoked", "ruling": "地铁延误证明属实"})
    assert ruled.status == 200, ruled.data
    await eventually(lambda: any("已复核" in t for t in platform.sms_to(phone)), timeout=15)
    result = next(t for t in platform.sms_to(phone) if "已复核" in t)
    assert "撤销处理" in result and "/s/" in result and "小程序" not in result
    now_page, _ = await opened(client, link)
    assert "警告（已撤销）" in now_page and "复核撤销了这项处理" in now_page
    assert "地铁延误证明属实" in now_page and "请等待" not in now_page
    stale = await client.post(link, data={"appeal": "再申诉", "_csrf": csrf})
    assert "复核结果：撤销处理" in (stale_text := await stale.text())
    assert "请等待" not in stale_text
    # a tampered link (another sanction's number, the same signature) is refused plainly
    token = link.removeprefix("/s/")
    row, rest = token.split("-", 1)
    tampered = await client.get(f"/s/{int(row) + 1}-{rest}")
    assert tampered.status == 403 and "链接无效" in await tampered.text()
    # an expired one says where to appeal instead
    links = client.app[DOMAIN].links
    old = links.notice_link(APPEAL_LINK, sid, time.time() - 60).split("/s/", 1)[1]
    expired = await client.get(f"/s/{old}")
    assert expired.status == 410
    assert "已经过期" in (words := await expired.text()) and "管理部门" in words
    # a body past the cap is refused before it is read
    huge = await client.post(link, data={"appeal": "长" * 10_000, "_csrf": csrf})
    assert huge.status == 413 and "500字以内" in await huge.text()


async def test_an_sms_only_expert_replies_to_a_performance_record_from_its_link(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    aid, token, served = await ended_evaluation(api, chat, client, demo)
    first = served[0]
    await WeChatIdentity.filter(person_id=first.person_id).delete()  # WeChat no more
    phone = (await Person.get(id=first.person_id)).phone or ""
    made = await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                          LATE_AND_AWAY)
    assert made.status == 200, made.data
    link = await sms_link(platform, phone, "/r/")
    text, csrf = await opened(client, link)
    assert "迟到" in text and "擅离职守" in text and LATE_AND_AWAY["comment"] in text
    assert "短信" not in text  # it may have come by chat too: no word of how it came
    assert "小程序" not in platform.sms_to(phone)[-1]  # no WeChat: only the page
    # a reply too long is refused, what was typed stays, the box stays ticked
    long = await client.post(link, data={"reply": "地铁" * 260, "dispute": "1", "_csrf": csrf})
    kept = await long.text()
    assert long.status == 400 and "地铁" * 260 in kept
    assert 'value="1" data-testid="dispute" checked' in kept
    sent = await client.post(link, data={
        "reply": "当天因地铁故障迟到，离开评标室系经组长同意。", "dispute": "1", "_csrf": csrf})
    assert sent.status == 200 and "说明已提交" in await sent.text()
    record = await PerformanceRecord.get(invitation_id=first.id)
    assert record.disputed and record.reply.startswith("当天因地铁故障迟到")
    # the administrator's queue of disputed records has it
    admin = await api.login(demo["admin"].mp_openid)
    queue = await api.call("GET", "/admin/performance/disputed", admin)
    assert [r["id"] for r in queue.data["waiting"]] == [record.id]
    # once only: the page shows the reply, a second one is refused in words
    again, _ = await opened(client, link)  # no form: the same token posts again
    assert "您已于" in again and "申请复核" in again and "reply-form" not in again
    twice = await client.post(link, data={"reply": "补充说明", "_csrf": csrf})
    assert "只能说明一次" in await twice.text()
    # the agency can no longer change what the expert answered
    edit = await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                          {**LATE_AND_AWAY, "score": 60})
    assert edit.status == 409
    # a link signed for another purpose (the appeal page's) does not open the record
    links = client.app[DOMAIN].links
    wrong = links.notice_link(APPEAL_LINK, record.id, time.time() + 60).split("/s/", 1)[1]
    assert (await client.get(f"/r/{wrong}")).status == 403
    expired = links.notice_link(REPLY_LINK, record.id, time.time() - 1).split("/r/", 1)[1]
    assert (await client.get(f"/r/{expired}")).status == 410
