"""The console after the draw and at the administrator's desk:
the operation log, the experts' fees, a re-draw, a withdrawal followed expert by expert,
the verifier's history, batches, people and roles, failed notifications re-sent, payment
orders, and the Excel exports read back with openpyxl — over real HTTP, as a browser
submits the forms."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from console.context import CONSOLE
from models.audit import AuditEntry
from models.draws import DrawActivity, DrawLog, Invitation, Project
from models.experts import ExpertProfile
from models.money.payments import PayOrder
from models.notifications import Notification
from models.people import Person, RoleGrant, phone_is
from models.wechat import WeChatIdentity
from sandbox.app import SANDBOX_PLATFORM
from sandbox.pay.gateway import PayGateway
from sandbox.wechat_push import Pusher, text_fields
from services.common.clock import CHINA
from tests.support.access import exact_access
from tests.support.accounts import AES_KEY, APPID, TOKEN
from tests.support.api import Api
from tests.support.applications import PDF
from tests.support.console import Desk
from tests.support.draw_world import drawn, make_experts, prepared, start_draw, the_results_unseal
from tests.support.helpers import china_input, eventually
from tests.support.payments import course_fee
from tests.support.wechat import Chat

LOCAL = "%Y-%m-%dT%H:%M"
# a phone standing on its own (a hex digest such as the seed may hold a run of digits)
PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


async def test_after_the_draw_the_agency_reads_the_log_records_fees_exports_and_redraws(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW: 操作记录, 专家酬劳支付情况 once the evaluation is over, the results exported,
    and 重新抽取 (the original experts avoided) as a new activity to verify again."""
    await make_experts(client, 6)
    aid, _ = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await the_results_unseal(aid, now)
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    _, page = await desk.get(f"/console/activities/{aid}/log")
    assert "核验通过" in page and "开始抽取" in page and "交易中心" in page
    sheets, exported = await exact_access(client, f"/console/activities/{aid}/results.xlsx")
    assert exported.detail["people"] == len(sheets["抽取结果"]) - 1
    confirmed = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    codes = {row[4] for row in sheets["抽取结果"][1:]}
    assert sheets["抽取结果"][0] == (
        "姓名", "专家编号", "工作单位", "专业", "验证码（*为补抽专家）", "情形", "评标场所")
    assert {row[5] for row in sheets["抽取结果"][1:]} == {"参加"}
    # one venue: its name alone, no 主场 / 副场 (FG-807's words only for a remote evaluation)
    assert {row[6] for row in sheets["抽取结果"][1:]} == {"广州公共资源交易中心"}
    assert codes == {i.code for i in confirmed}
    assert len(sheets["到场情况"]) == len(confirmed) + 1
    assert not PHONE.search(str(sheets))  # the agency never sees a phone
    # the evaluation is over: fees are recorded per expert
    await DrawActivity.filter(id=aid).update(finished_at=now)
    await WeChatIdentity.filter(person_id=confirmed[1].person_id).delete()  # no WeChat
    _, page = await desk.get(f"/console/activities/{aid}/fees")
    # where each expert sees the fee marked paid: in WeChat, or nowhere here (told apart)
    assert "使用微信的专家可在公众号（发送“我的劳务费”）或小程序中查看" in page
    assert "专家可在小程序中看到" not in page
    assert f'data-testid="no-wechat-{confirmed[1].id}">未使用微信' in page
    assert f"no-wechat-{confirmed[0].id}" not in page
    first = confirmed[0].id
    await desk.post(f"/console/activities/{aid}/fees/{first}", {"amount_yuan": "八百"})
    assert "请填写金额" in await desk.flash(f"/console/activities/{aid}/fees")
    await desk.post(f"/console/activities/{aid}/fees/{first}",
                    {"amount_yuan": "800.50", "paid": "1"})
    assert "专家费已记录" in await desk.flash(f"/console/activities/{aid}/fees")
    saved = await Invitation.get(id=first)
    assert (saved.fee_fen, saved.fee_paid) == (80050, True)
    # 重新抽取: a new draft with new times, the original experts avoided
    start = (now + timedelta(days=3)).astimezone(CHINA)
    made, _ = await desk.post(f"/console/activities/{aid}/clone/redraw", {
        "bid_open_at": (start - timedelta(hours=1)).strftime(LOCAL),
        "eval_start": start.strftime(LOCAL),
        "eval_end": (start + timedelta(hours=4)).strftime(LOCAL)})
    assert made.status == 303
    child = made.headers["Location"]
    assert "原专家自动回避" in await desk.flash(child)
    _, page = await desk.get(child)
    assert "草稿" in page and page.count("原抽取专家") == len(confirmed)


async def test_a_withdrawal_is_asked_verified_and_followed_expert_by_expert(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW: "首先要填写退选原因并上传证明材料至抽取终端审核", then every expert notified
    and followed (拨打次数, 语音通知状态, 短信发送状态), an outcome got by phone recorded."""
    await make_experts(client, 4)
    aid, _ = await drawn(api, chat, demo)
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    page_path = f"/console/activities/{aid}/withdrawal"
    await desk.get(page_path)
    await desk.post(f"{page_path}/request", {"reason": "招标人决定暂停本项目"})
    assert "附件" in await desk.flash(page_path)  # the evidence first
    too_big, said_ = await desk.upload(f"/console/activities/{aid}/evidence",
                                       {"purpose": "withdrawal"}, "退选申请.pdf",
                                       PDF + b"0" * (12 * 1024 * 1024))
    assert too_big.status == 413 and "附件不能超过 10MB" in said_
    # a scan of several MB, as such a letter usually is, goes through the form
    uploaded, _ = await desk.upload(f"/console/activities/{aid}/evidence",
                                    {"purpose": "withdrawal"}, "退选申请.pdf",
                                    PDF + b"0" * (3 * 1024 * 1024))
    assert uploaded.headers["Location"] == page_path
    await desk.post(f"{page_path}/request", {"reason": "招标人决定暂停本项目"})
    assert "退选申请已提交" in await desk.flash(page_path)
    verifier = Desk(client)
    await verifier.sign_in(demo["verifier"].phone)
    _, queue = await verifier.get("/console/verify")
    assert "退选申请" in queue and "招标人决定暂停本项目" in queue
    await verifier.post(f"/console/verify/{aid}", {"decision": "approve",
                                                   "request": "withdrawal"})
    _, history = await verifier.get("/console/verify/history")
    assert "同意退选" in history and "核验通过" in history
    _, log = await verifier.get(f"/console/verify/{aid}/log")
    assert "申请退选" in log and "招标人决定暂停本项目" in log
    await desk.sign_in(demo["handler"].phone)
    _, page = await desk.get(page_path)
    assert "已退选" in page and 'data-testid="start-withdrawal"' in page
    await desk.post(f"{page_path}/start", {})
    assert "已启动退选" in await desk.flash(page_path)
    _, page = await desk.get(page_path)
    assert 'data-testid="withdrawal-experts"' in page
    # the results are sealed: the experts are rows without name or phone (docs/seal.md)
    assert not PHONE.search(page) and "专家1" in page and "结果解封后显示" in page
    invitation = await Invitation.filter(activity_id=aid, status="withdrawn").first() or \
        await Invitation.filter(activity_id=aid).first()
    assert invitation is not None
    await desk.post(f"{page_path}/outcome", {"invitation_id": str(invitation.id),
                                             "note": "已电话通知，专家知悉"})
    assert "已登记通知结果" in await desk.flash(page_path)
    _, page = await desk.get(page_path)
    assert "已电话通知，专家知悉" in page


async def test_an_administrator_opens_a_batch_and_an_exam_from_the_desk(
        client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, page = await desk.get("/console/batches")
    assert "2026年第二批评标专家征集（广东）" in page and "征集" in page
    now = datetime.now(UTC).astimezone(CHINA)
    batch = {"name": "2027年第一批评标专家征集（广东）", "kind": "collect", "province": "44",
             "specialty_rule": "xinjiang", "apply_from": now.strftime(LOCAL),
             "apply_until": (now + timedelta(days=20)).strftime(LOCAL),
             "review_until": (now + timedelta(days=30)).strftime(LOCAL), "fee_yuan": "350",
             "exam_required": "1", "stages": "市州行业部门预审 | 市 | 按行业\n终审 | 省会"}
    await desk.post("/console/batches", batch)
    assert "审核环节第2行" in await desk.flash("/console/batches")
    batch["stages"] = "市州行业部门预审 | 市 | 按行业\n终审 | 省"
    await desk.post("/console/batches", batch)
    assert "已创建批次" in await desk.flash("/console/batches")
    _, page = await desk.get("/console/batches")
    assert "市州行业部门预审 → 终审" in page and "350.00" in page
    made = re.search(r'<option value="(\d+)">2027年第一批评标专家征集（广东）</option>', page)
    assert made, "the new batch is offered for an exam"
    exam = {"batch_id": made.group(1), "title": "2027年第一批入库考试",
            "opens_at": now.strftime(LOCAL),
            "closes_at": (now + timedelta(days=10)).strftime(LOCAL),
            "duration_minutes": "60", "pass_score": "20",
            "questions": "单选 | 评标委员会成员人数为几人以上单数？ | 三人; 五人 | B | 20\n"
                         "填空 | 这一行的题型不对 | | | 10"}
    await desk.post("/console/batches/exam", exam)
    assert "试题第2行" in await desk.flash("/console/batches")
    await desk.post("/console/batches/exam", {**exam, "questions": exam["questions"].split(
        "\n")[0] + "\n主观 | 简述评标专家的回避情形。 | | | 20"})
    assert "考试已安排" in await desk.flash("/console/batches")
    _, page = await desk.get("/console/batches")
    assert "2027年第一批入库考试" in page and "20 分合格" in page


async def test_an_administrator_finds_people_grants_roles_and_exports_the_register(
        api: Api, client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    await desk.get("/console/people")
    found, page = await desk.post("/console/people/find", {"key": demo["expert"].phone})
    assert found.status == 200 and "评标专家" in page and demo["expert"].phone not in page
    person = await Person.get(phone_is(demo["expert"].phone))
    await desk.post("/console/people/roles", {"person_id": str(person.id), "role": "verifier",
                                              "region": "4401"})
    assert "角色已授予" in await desk.flash("/console/people")
    _, page = await desk.post("/console/people/find", {"key": demo["expert"].phone})
    assert "交易中心核验员" in page
    # a work unit written as a formula is exported as text, never run by Excel
    await ExpertProfile.filter(person_id=person.id).update(work_unit='=HYPERLINK("x","y")')
    sheets, masked = await exact_access(client, "/console/experts.xlsx")
    rows = sheets["专家名册"]
    assert ["name", "masked"] in masked.detail["held"]
    assert rows[0][:3] == ("专家编号", "姓名", "手机号")
    mine = next(r for r in rows[1:] if r[6] and "HYPERLINK" in str(r[6]))
    assert str(mine[6]).startswith("'=") and "****" in str(mine[2])
    assert not PHONE.search(str(rows)) and person.name not in str(rows)
    assert len(rows) - 1 == await ExpertProfile.all().count()
    walked, after = [], 0  # the register a page of two at a time, to its end
    token = await api.login(demo["admin"].mp_openid)
    while after is not None:
        got = await api.call("GET", f"/admin/experts?limit=2&after={after}", token)
        walked += [e["expert_number"] for e in got.data["experts"]]
        after = got.data["next_after"]
    assert sorted(walked) == sorted(str(r[0]) for r in rows[1:])
    # the office that keeps the register reads it in full, and each reading is recorded:
    # the API's reading (a page), the console's export (the whole file, once)
    assert await AuditEntry.filter(action="unmask_register").count() == 0
    read = await client.get("/miniapp/v1/admin/experts?limit=2&unmasked=true",
                            headers={"Authorization": f"Bearer {token}"})  # not kept: in full
    assert read.status == 200
    whole, exported = await exact_access(client, "/console/experts.xlsx?unmasked=1", full=True)
    full = whole["专家名册"]
    assert any(r[1] == person.name and r[2] == demo["expert"].phone for r in full[1:])
    assert "工程" in str(full)  # specialties by name, not by code
    assert (await AuditEntry.get(action="unmask_register")).detail["people"] == 2
    assert exported.detail["people"] == len(full) - 1
    assert exported.detail["held"][:3] == [["expert_number", ""], ["name", "full"],
                                           ["phone", "full"]]
    # the record of those readings is the audit administrator's to read (三权分立)
    assert (await desk.get("/console/access-log"))[0].status == 403
    auditor = Desk(client)
    await auditor.sign_in(demo["audit_admin"].phone)
    _, page = await auditor.get("/console/access-log")
    assert "完整读取专家名册：2 人的姓名、手机号" in page and "周*" in page
    assert f"导出专家名册（含 {len(full) - 1} 人的专家编号、完整姓名、完整手机号、所在地区" in page
    await desk.sign_in(demo["admin"].phone)  # one browser: the administrator's tab again
    _, page = await desk.get("/console/batches")
    batch = re.search(r'/console/batches/(\d+)/applications.xlsx', page)
    assert batch
    applications = (await exact_access(client, batch.group(0)))[0]["申请与审核结果"]
    assert len(applications) >= 2 and demo["applicant"].name not in str(applications)
    assert "*" in str(applications[1][2])  # the ID number masked


async def test_an_administrator_resends_a_dead_notification_and_finance_reads_the_orders(
        api: Api, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    person = await Person.get(phone_is(demo["expert"].phone))
    dead = await Notification.create(
        kind="feedback.answered", person_id=person.id, params={
            "number": "F000001", "category": "功能建议", "content": "已处理",
            "at": "2026年11月20日 10:00"},
        status="dead", attempts=6, next_attempt_at=datetime.now(UTC), client_msg_id="t1",
        last_error="template: 43004 require subscribe")
    _, token = await course_fee(api, demo)
    fee = (await api.call("GET", "/payments/fees", token)).data["fees"][0]
    out = await api.call("POST", f"/payments/fees/{fee['kind']}/{fee['ref_id']}/checkout",
                         token)
    assert out.status == 200
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, page = await desk.get("/console/notifications")
    assert f'data-testid="resend-{dead.id}"' in page and "43004" in page
    await desk.post(f"/console/notifications/{dead.id}/resend", {})
    assert "已重新排队发送" in await desk.flash("/console/notifications")
    await desk.post(f"/console/notifications/{dead.id}/resend", {})
    assert "不是“发送失败”状态" in await desk.flash("/console/notifications")

    async def left_the_queue() -> bool:
        row = await Notification.get(id=dead.id)
        return row.status not in ("queued", "dead") or row.attempts > 0
    await eventually(left_the_queue, timeout=30)
    # the orders are finance's to read, not the system administrator's
    assert (await desk.get("/console/payments"))[0].status == 403
    await desk.sign_in(demo["finance"].phone)
    admin_token = await api.login(demo["finance"].mp_openid)
    walked, before = [], ""  # one order a page, newest first, to the end
    while True:
        got = await api.call("GET", f"/admin/payments?limit=1{before}", admin_token)
        walked += [o["out_trade_no"] for o in got.data["orders"]]
        if got.data["next_before"] is None:
            break
        before = f"&before={got.data['next_before']}"
    assert out.data["out_trade_no"] in walked and len(walked) == len(set(walked))
    assert len(walked) == await PayOrder.all().count()  # every order, none twice
    _, page = await desk.get("/console/payments")
    assert out.data["out_trade_no"] in page and "待支付" in page
    sheets, _ = await exact_access(client, "/console/payments.xlsx")
    assert any(out.data["out_trade_no"] in r for r in sheets["支付订单"])
    assert person.name not in str(sheets)


async def test_a_reviewer_exports_the_queue_as_it_is_shown(client: TestClient,
                                                           demo: dict) -> None:
    desk = Desk(client)
    await desk.sign_in(demo["reviewer"].phone)
    _, page = await desk.get("/console/review")
    rows = (await exact_access(client, "/console/review.xlsx"))[0]["待审核"]
    assert rows[0][:3] == ("编号", "批次", "申请人")
    shown = re.findall(r'data-testid="open-(\d+)"', page)
    assert shown and sorted(str(r[0]) for r in rows[1:]) == sorted(shown)
    assert not PHONE.search(str(rows))
    # filtered by 市州 and 行业, as the queue offers them
    industry = next((str(r[5]) for r in rows[1:] if r[5]), None)
    if industry:
        _, kept = await desk.get(f"/console/review?industry={industry}")
        assert re.findall(r'data-testid="open-(\d+)"', kept)
    _, none = await desk.get("/console/review?industry=nothing-like-it")
    assert "没有待您审核的申请" in none


async def test_a_password_change_ends_the_other_sessions(api: Api, client: TestClient,
                                                         demo: dict) -> None:
    """Whoever knew the old password is out, wherever the password was changed: in the
    console (this session goes on) or in the mini-program (every console session ends)."""
    first = Desk(client)
    await first.sign_in(demo["verifier"].phone)
    stolen = client.session.cookie_jar.filter_cookies(client.make_url("/console/home"))
    old = stolen["eb_console"].value
    client.session.cookie_jar.clear()
    second = Desk(client)
    await second.sign_in(demo["verifier"].phone)
    await second.get("/console/password")
    await second.post("/console/password", {"old_password": "Demo2026ok",
                                            "new_password": "Changed2026ok"})
    assert "其他浏览器和设备上的登录已退出" in await second.flash("/console/home")
    kept, _ = await second.get("/console/home", follow=False)
    assert kept.status == 200
    ended = await client.get("/console/home", allow_redirects=False,
                             cookies={"eb_console": old})
    assert ended.status == 303 and "sign-in" in ended.headers["Location"]
    token = await api.login(demo["verifier"].mp_openid)
    changed = await api.call("POST", "/auth/password", token, {
        "old_password": "Changed2026ok", "new_password": "Again2026ok"})
    assert changed.status == 200, changed.data
    gone, _ = await second.get("/console/home", follow=False)
    assert gone.status == 303 and "sign-in" in gone.headers["Location"]


async def test_the_history_is_the_centres_own_decisions(api: Api, client: TestClient,
                                                        demo: dict) -> None:
    """GD-DRAW: each trading centre verifies the projects of its region; its 审核记录 is
    its region's, however busy another region's centre is."""
    await make_experts(client, 3)
    aid, token = await prepared(api, demo, verify=False)
    desk = Desk(client)
    await desk.sign_in(demo["verifier"].phone)
    _, history = await desk.get("/console/verify/history")
    assert "还没有核验记录" in history
    await desk.get("/console/verify")
    await desk.post(f"/console/verify/{aid}", {"decision": "refuse", "request": "submission",
                                               "reason": "申请附件不清晰"})
    _, history = await desk.get("/console/verify/history")
    assert "核验不通过" in history and "申请附件不清晰" in history
    assert (await start_draw(api, token, aid)).status != 200
    # a busy neighbour: Shenzhen's centre decided 450 times since
    shenzhen, _ = await prepared(api, demo, verify=False)
    project_id = (await DrawActivity.get(id=shenzhen)).project_id
    await Project.filter(id=project_id).update(region="4403")
    await DrawActivity.filter(id=shenzhen).update(terminal="4403")  # sent to its centre
    await DrawLog.bulk_create([DrawLog(activity_id=shenzhen, at=datetime.now(UTC), role="verifier",
                                       actor_name="林*", action="verify", detail={})
                               for _ in range(450)])
    _, history = await desk.get("/console/verify/history")
    assert "申请附件不清晰" in history and "林*" not in history
    # Shenzhen's centre (4403) sees neither Guangzhou's queue nor its decisions
    other = await Person.get(phone_is(demo["applicant"].phone))
    await RoleGrant.create(person=other, role="verifier", region="4403")
    await desk.sign_in(demo["applicant"].phone)
    _, history = await desk.get("/console/verify/history")
    assert "申请附件不清晰" not in history and "林*" in history


async def test_the_sandbox_learns_that_a_user_acted_from_any_push_to_the_callback(
        sandbox: TestServer) -> None:
    """A message sent straight to /wechat/callback (not through the
    simulator) opens the 48-hour window at the fake WeChat, as WeChat's own would; a
    template receipt does not (WeChat's list of what opens it)."""
    platform = sandbox.app[SANDBOX_PLATFORM]
    pusher = Pusher(TOKEN, APPID, AES_KEY, "safe")
    url = str(sandbox.make_url("/wechat/callback"))

    async def push(fields: dict[str, str | int]) -> int:
        built = pusher.build(fields)
        async with aiohttp.ClientSession() as session, session.post(
                url, params=built.query, data=built.body) as resp:
            return resp.status

    receipt = {"ToUserName": "gh_expertbot", "FromUserName": "o_curl_user",
               "CreateTime": int(time.time()), "MsgType": "event",
               "Event": "TEMPLATESENDJOBFINISH", "MsgID": 1, "Status": "success"}
    assert await push(receipt) == 200
    assert platform.user("o_curl_user").last_interaction is None
    assert await push(text_fields("o_curl_user", "帮助")) == 200
    assert platform.user("o_curl_user").last_interaction is not None
    # a menu click opens it as WeChat does (WeChat writes the event CLICK)
    click = {**receipt, "FromUserName": "o_menu_user", "Event": "CLICK", "EventKey": "HELP"}
    del click["MsgID"], click["Status"]
    assert await push(click) == 200
    assert platform.user("o_menu_user").last_interaction is not None


async def test_in_production_the_console_cookies_go_over_https_only(
        client: TestClient, demo: dict) -> None:
    """The composition root sets `secure_cookies` from EXPERTBOT_ENV=production (config/
    app.py); here the switch itself: every console cookie then carries Secure."""
    console = next(app for app in client.app._subapps if CONSOLE in app)
    services = console[CONSOLE]
    object.__setattr__(services, "secure_cookies", True)  # a frozen dataclass, as started
    try:  # (the test client's jar keeps no Secure cookie over http: sent by hand here)
        page = await client.get("/console/sign-in")
        pre = page.cookies["eb_console_pre"]
        assert pre["secure"] and pre["httponly"]
        token = re.search(r'name="_csrf" value="([^"]+)"', await page.text())
        assert token
        signed = await client.post("/console/sign-in", allow_redirects=False, data={
            "account": demo["handler"].phone, "password": "Demo2026ok",
            "_csrf": token.group(1)}, cookies={"eb_console_pre": pre.value})
        assert signed.status == 303
        session = signed.cookies["eb_console"]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    finally:
        object.__setattr__(services, "secure_cookies", False)


async def test_the_legal_person_links_and_unlinks_a_handler(client: TestClient,
                                                            demo: dict) -> None:
    """GD-DRAW: 法人 links a registered handler for a period, and unlinks one."""
    desk = Desk(client)
    await desk.sign_in(demo["agency_legal"].phone)
    _, page = await desk.get("/console/handlers")
    assert demo["handler"].name in page
    until = (datetime.now(UTC) + timedelta(days=365)).astimezone(CHINA).strftime(LOCAL)
    await desk.post("/console/handlers", {"phone": "13900000000", "valid_until": until})
    assert "手机号" in await desk.flash("/console/handlers")  # nobody registered with it
    await desk.post("/console/handlers", {"phone": demo["expert"].phone, "valid_until": until})
    assert f"已向 {demo['expert'].name} 发出经办人关联申请" in await desk.flash("/console/handlers")
    _, page = await desk.get("/console/handlers")
    grant = re.findall(r'/console/handlers/(\d+)/unlink', page)
    assert len(grant) == 2
    await desk.post(f"/console/handlers/{grant[-1]}/unlink", {})
    assert "已解除关联" in await desk.flash("/console/handlers")


async def test_the_dashboard_counts_evaluations_waiting_for_a_supplement(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW: the agency's home shows "专家补抽" — an absence registered at the venue (缺席
    登记 → 待补抽) counts until the 补抽 covers its place."""
    await make_experts(client, 6)
    aid, _ = await drawn(api, chat, demo)
    await the_results_unseal(aid, datetime.now(UTC))
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)

    async def waiting() -> str:
        _, page = await desk.get("/console/home")
        found = re.search(r'data-testid="awaiting-supplement"><b>(\d+)</b>', page)
        assert found, "the dashboard shows 专家补抽"
        return found.group(1)

    assert await waiting() == "0"
    absent = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id").first()
    assert absent is not None
    await desk.post(f"/console/activities/{aid}/after/absence", {"key": absent.code,
                                                                 "kind": "请假"})
    assert await waiting() == "1"
    ready, _ = await desk.post(f"/console/activities/{aid}/after/supplement",
                               {"gather_at": china_input(datetime.now(UTC) + timedelta(hours=1))})
    assert "补抽已准备" in await desk.flash(ready.headers["Location"])
    assert await waiting() == "1"  # prepared, not started: the place is still open
    more, _ = await desk.post(f"/console/activities/{aid}/after/supplement-start",
                              {"nonce": "desk0815"})
    assert more.status == 303 and "补抽已开始" in await desk.flash(more.headers["Location"])
    assert await waiting() == "0"
