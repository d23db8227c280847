"""The simulator's phone does in its mini-program screen every step a person does in the
mini-program, through the real mini-program API (wx.login's code from the sandbox, then
/miniapp/v1 with the session), in headless Chromium on the service as `make run` starts it;
what WeChat itself shows (face verification, the transfer and authorisation pages) is a
sheet played against the sandbox's fakes. Every refusal reads as the API words it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from models.applications import Application, AppStatus
from models.draws import Invitation
from models.experts import ExpertProfile
from models.money.payouts import Payout
from models.people import Person
from services.common.clock import CHINA
from tests.support.applications import PNG
from tests.support.browser import screenshot, simulator
from tests.support.helpers import eventually
from tests.support.performance import LATE_AND_AWAY
from tests.support.phone import (
    demo_draw_answered,
    desks,
    evaluation_over,
    fees_sent,
    gathering_now,
    openid_of,
)
from web.context import DOMAIN


async def test_a_new_user_registers_applies_prints_and_a_returned_form_opens_from_its_message(
        sandbox: TestServer, browser: Any) -> None:
    """XJ-SIGNUP: register, fill the form, upload the certificates, print (the form locks),
    sign and upload it, submit; the reviewer returns an application from her phone, and
    its template message opens that application in the applicant's mini-program."""
    from playwright.async_api import expect

    phone = await simulator(browser, sandbox)
    await phone.get_by_test_id("user-o_demo_visitor").click()
    # the official account's menu button 小程序 opens the phone's mini-program
    await phone.get_by_role("button", name="小程序", exact=True).first.click()
    await expect(phone.get_by_test_id("mp")).to_be_visible()
    status = phone.get_by_test_id("mp-status")
    register = phone.get_by_test_id("mp-register")
    await phone.get_by_test_id("mp-register-sample").click()
    await phone.get_by_test_id("mp-register-code").click()
    await expect(status).to_have_class("done")
    sms = phone.get_by_test_id("inbox-sms").filter(has_text="注册")  # to the number typed
    await expect(sms).to_contain_text("验证码", timeout=15_000)
    code = re.search(r"\d{6}", await sms.inner_text())
    assert code, await sms.inner_text()
    await register.get_by_label("短信验证码").fill(code.group(0))
    await phone.get_by_test_id("mp-register-submit").click()
    await expect(phone.get_by_test_id("mp-me")).to_contain_text("测试申请人")
    await expect(phone.get_by_test_id("mp-me")).to_contain_text("申请人")

    await phone.get_by_test_id("mp-tile-application").click()
    collect = phone.locator("[data-testid^=mp-batch-]", has_text="征集")
    await collect.get_by_role("button", name="在此批次申请").click()
    # printing an empty form is refused in the API's words, naming what is missing
    await phone.get_by_test_id("mp-print").click()
    await expect(status).to_contain_text("还有以下内容未填写")
    await expect(status).to_contain_text("政治面貌")
    await phone.get_by_test_id("mp-form-sample").click()
    await expect(phone.get_by_label("单位统一社会信用代码")).to_have_value(re.compile(r"^9144"))
    # the batch's rule set is said beside the field it limits (XJ-SIGNUP: 三级类别最多选4个);
    # over it, the save is refused in those words and what was typed stays in the box
    await expect(phone.get_by_test_id("mp-limit-specialties")).to_contain_text(
        "三级类别共至多选4个")
    specialties = phone.get_by_label("评标专业（代码，逗号分隔）")
    typed = "A0501, A050201, A050202, A050301, A050302"
    await specialties.fill(typed)
    await phone.get_by_test_id("mp-save").click()
    await expect(status).to_contain_text("三级类别共不得超过4项")
    await expect(specialties).to_have_value(typed)
    await specialties.fill("A0401, A0402")
    await phone.get_by_test_id("mp-save").click()
    await expect(status).to_contain_text("已保存")
    # a file from the phone, and the rest from the simulator's examples
    await phone.get_by_test_id("mp-file-photo").set_input_files(files=[{
        "name": "一寸照片.png", "mimeType": "image/png", "buffer": PNG}])
    await expect(phone.get_by_test_id("mp-attachment-photo")).to_contain_text("一寸照片.png")
    for kind in ("id_front", "id_back", "diploma", "title_cert", "pledge", "qualification"):
        await phone.get_by_test_id(f"mp-sample-{kind}").click()
        await expect(phone.get_by_test_id(f"mp-attachment-{kind}")).to_contain_text(kind)
    await phone.get_by_test_id("mp-attachments").scroll_into_view_if_needed()
    await screenshot(phone, "var/simulator-mp-application-draft.png")
    await phone.get_by_test_id("mp-print").click()
    link = phone.get_by_test_id("mp-form-link")
    assert "/forms/applications/" in (await link.get_attribute("href") or "")
    async with phone.context.expect_page() as opened:
        await link.click()
    form = await opened.value
    await expect(form.locator("body")).to_contain_text("测试申请人")
    await form.close()
    async with phone.expect_download() as got:
        await phone.get_by_test_id("mp-review-form-pdf").click()
    assert (await (await got.value).path()).read_bytes().startswith(b"%PDF-")
    await phone.get_by_test_id("mp-sample-review_form").click()
    await expect(phone.get_by_test_id("mp-attachment-review_form")).to_contain_text("review_form")
    await phone.get_by_test_id("mp-submit").click()
    await expect(status).to_contain_text("已提交审核")
    mine = phone.locator("[data-testid^=mp-application-]").first
    await expect(mine.get_by_test_id("mp-application-status")).to_contain_text(
        "市州行业部门预审")
    await expect(mine.get_by_test_id("mp-application-log")).to_contain_text("提交")
    await screenshot(phone, "var/simulator-mp-application-submitted.png")
    applicant = await Person.get(name="测试申请人")
    assert await Application.exists(person_id=applicant.id, status=AppStatus.IN_REVIEW)

    # 王晓明, silent for two days: what happens to his application comes as a template message
    await phone.get_by_test_id("user-o_demo_applicant").click()
    await phone.get_by_test_id("close-window").click()
    await expect(phone.get_by_test_id("chat")).to_contain_text("48小时客服窗口已过期")
    # 刘芳 asks in chat what waits for her; its link opens the mini-program's review page
    await phone.get_by_test_id("user-o_demo_reviewer").click()
    await phone.get_by_test_id("tab-chat").click()
    await phone.get_by_test_id("text").fill("待审核")
    await phone.get_by_test_id("send").click()
    await phone.get_by_test_id("reply").last.get_by_test_id("mini-program-link").click()
    await expect(phone.get_by_test_id("mp-title")).to_have_text("待我审核")
    theirs = phone.locator("[data-testid^=mp-review-]", has_text="王晓明").first
    await theirs.get_by_role("textbox").fill("学历证书不清晰，请重新上传")
    await theirs.get_by_role("button", name="退回修改").click()
    await expect(status).to_contain_text("请勾选需要申请人修改的内容")  # the API's words
    await theirs.get_by_label("附件", exact=True).check()
    await theirs.get_by_role("button", name="退回修改").click()
    await expect(status).to_contain_text("王晓明的申请：已退回修改")
    await expect(phone.locator("[data-testid^=mp-review-]", has_text="王晓明")).to_have_count(0)
    # his template message opens the application in his mini-program
    await phone.get_by_test_id("user-o_demo_applicant").click()
    message = phone.get_by_test_id("inbox-template").filter(has_text="退回修改")
    await message.get_by_test_id("open-page").click(timeout=15_000)
    await expect(phone.get_by_test_id("mp-title")).to_have_text("申请入库")
    returned = phone.locator("[data-testid^=mp-application-]").first
    await expect(returned.get_by_test_id("mp-application-status")).to_contain_text("退回")
    await expect(returned).to_contain_text("学历证书不清晰，请重新上传")
    await screenshot(phone, "var/simulator-mp-application-returned.png")
    await phone.get_by_test_id("mp-withdraw").click()
    await expect(status).to_contain_text("已撤回")
    await expect(phone.get_by_test_id("mp-application-form")).to_be_visible()


async def test_an_expert_checks_in_by_face_takes_the_fee_and_answers_for_the_record(
        sandbox: TestServer, browser: Any) -> None:
    """WX-FACE: check-in by face where the venue checks identity (a failed face first, told
    what to do); WX-PAY: the fee confirmed on WeChat's transfer page, transfers authorised
    once; CK-198: the performance record disputed; Art. 71: a sanction appealed; the credit
    read; deregistration, refused until the words are typed."""
    from playwright.async_api import expect

    aid, served = await demo_draw_answered(sandbox)
    item = served[0]
    person = await Person.get(id=item.person_id)
    await gathering_now(aid)
    phone = await simulator(browser, sandbox)
    await phone.get_by_test_id(f"user-{await openid_of(person.id)}").click()
    await phone.get_by_test_id("tab-mp").click()
    await expect(phone.get_by_test_id("mp-me")).to_contain_text(person.name)
    status = phone.get_by_test_id("mp-status")
    sheet = phone.get_by_test_id("wx-sheet")

    await phone.get_by_test_id("mp-tile-invitations").click()
    invitation = phone.get_by_test_id(f"mp-invitation-{item.id}")
    await expect(invitation.get_by_test_id("mp-invitation-status")).to_have_text("参加")
    await expect(invitation).to_contain_text("可刷脸签到")
    await invitation.get_by_test_id("mp-face-checkin").click()
    await expect(sheet).to_contain_text("不保存您的人脸图像")  # told before the face
    await screenshot(phone, "var/simulator-mp-face.png")
    await sheet.get_by_test_id("wx-face-fail").click()
    await expect(status).to_contain_text("刷脸核验未通过（没有采集到清晰的人脸）")
    await expect(status).to_contain_text("再试一次")
    assert (await Invitation.get(id=item.id)).checkin_at is None
    await invitation.get_by_test_id("mp-face-checkin").click()
    await sheet.get_by_test_id("wx-face-pass").click()
    await expect(status).to_contain_text("刷脸核验通过，签到成功")
    assert (await Invitation.get(id=item.id)).checkin_at is not None

    await evaluation_over(aid)
    async with desks(sandbox) as api:
        await fees_sent(api, aid, item)
    await phone.get_by_test_id("mp-home").click()
    await phone.get_by_test_id("mp-tile-fees").click()
    payout = phone.locator("[data-testid^=mp-payout-]").first
    await expect(payout.get_by_test_id("mp-payout-state")).to_have_text("待专家确认收款")
    await payout.get_by_role("button", name="确认收款").click()
    await expect(sheet).to_contain_text("收款金额：400.00元")
    await screenshot(phone, "var/simulator-mp-transfer.png")
    await sheet.get_by_test_id("wx-receive").click()
    await expect(status).to_contain_text("转账已到账")
    await expect(payout.get_by_test_id("mp-payout-state")).to_have_text("已到账")
    await eventually(lambda: Invitation.exists(id=item.id, fee_paid=True), timeout=10)
    assert await Payout.exists(invitation_id=item.id, state="paid")
    # the 电子回单 the paid notice promises in 我的专家费: said to come, then downloaded
    paid = await Payout.get(invitation_id=item.id)
    await expect(payout.get_by_test_id(f"mp-receipt-pending-{paid.id}")).to_contain_text(
        "微信支付生成后可在这里下载")
    receipts = sandbox.app[DOMAIN].fees.receipts
    await eventually(lambda: _archived(receipts, paid.id), timeout=15)
    await phone.get_by_test_id("mp-home").click()
    await phone.get_by_test_id("mp-tile-fees").click()
    async with phone.expect_download() as got:
        await phone.get_by_test_id(f"mp-receipt-{paid.id}").click()
    saved = await (await got.value).path()
    assert (await asyncio.to_thread(Path(saved).read_bytes)).startswith(b"%PDF")
    # authorised once: the next fee needs no confirmation
    await phone.get_by_test_id("mp-authorise").click()
    await expect(sheet).to_contain_text("免确认收款授权")
    await sheet.get_by_test_id("wx-authorise").click()
    await expect(status).to_contain_text("已开通免确认收款")
    await expect(phone.get_by_test_id("mp-authorisation-state")).to_contain_text("已开通")
    await screenshot(phone, "var/simulator-mp-fees.png")

    # the agency records the performance, the administrator warns him
    today = datetime.now(UTC).astimezone(CHINA).date().isoformat()
    number = (await ExpertProfile.get(person_id=person.id)).expert_number
    async with desks(sandbox) as api:
        handler = await api.login("mp_demo_handler")
        recorded = await api.call("PUT", f"/draws/activities/{aid}/performance/{item.id}",
                                  handler, LATE_AND_AWAY)
        assert recorded.status == 200, recorded.data
        admin = await api.login("mp_demo_admin")
        warned = await api.call("POST", "/admin/sanctions", admin, {
            "expert_number": number, "kind": "warning", "reason": "评标时擅离职守",
            "starts_on": today})
        assert warned.status == 200, warned.data
    await phone.get_by_test_id("mp-home").click()
    await phone.get_by_test_id("mp-tile-records").click()
    record = phone.locator("[data-testid^=mp-record-]").first
    await expect(record).to_contain_text("擅离职守")
    await record.get_by_role("textbox").fill("离开系经评标委员会同意")
    await record.get_by_role("button", name="有异议，申请复核").click()
    await expect(status).to_contain_text("已申请管理员复核")
    await expect(phone.get_by_test_id("mp-record-reply")).to_contain_text("离开系经评标委员会同意")
    await phone.get_by_test_id("mp-home").click()
    await phone.get_by_test_id("mp-tile-sanctions").click()
    sanction = phone.locator("[data-testid^=mp-sanction-]").first
    await expect(sanction).to_contain_text("评标时擅离职守")
    await sanction.get_by_role("textbox").fill("当日离开评标室系经评标委员会同意")
    await sanction.get_by_role("button", name="提出申诉").click()
    await expect(phone.get_by_test_id("mp-sanction-appeal")).to_contain_text("经评标委员会同意")
    await phone.get_by_test_id("mp-home").click()
    await phone.get_by_test_id("mp-tile-credit").click()
    await expect(phone.get_by_test_id("mp-credit")).to_contain_text("处分 1 次")
    await screenshot(phone, "var/simulator-mp-credit.png")

    await phone.get_by_test_id("mp-home").click()
    await phone.get_by_test_id("mp-tile-deregister").click()
    await phone.get_by_test_id("mp-deregister-confirm").fill("注销")
    await phone.get_by_test_id("mp-deregister").click()
    await expect(status).to_contain_text("确认注销")  # the words to type, in the refusal
    await phone.get_by_test_id("mp-deregister-confirm").fill("确认注销")
    await phone.get_by_test_id("mp-deregister").click()
    await expect(phone.get_by_test_id("mp-deregistered")).to_contain_text("保存")
    await screenshot(phone, "var/simulator-mp-deregistered.png")
    assert (await Person.get(id=person.id)).deregistered_at is not None
    assert not (await ExpertProfile.get(person_id=person.id)).active


async def _archived(receipts: Any, payout_id: int) -> bool:
    """The receipts' sweep run (as the worker's, each minute): is this one archived?"""
    await receipts.sweep(datetime.now(UTC))
    return bool(await receipts.archived([payout_id]))
