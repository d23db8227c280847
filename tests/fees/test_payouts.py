"""Experts' fees paid through WeChat Pay's 商家转账 against the fake gateway on loopback (its
own RSA key, signed requests and answers, signed and encrypted notifications, retried until
acknowledged). The issue's words: "the merchant transfer (商家转账, transfer-bills, scene
佣金报酬 with 劳务报酬 as the user's perception) that the expert confirms in the mini-program
(wx.requestMerchantTransfer data from the backend), 24-hour expiry and its refund,
notifications verified like pay notifications, reconciliation ... The agency or the centre
chooses per activity whether fees are paid through the platform or recorded as paid
elsewhere (today's behaviour)"; its test: "a payout through the sandbox's transfer confirmed
by the expert, one expired and refunded, a replayed notification changes nothing". GD-DRAW
(GD-DRAW) has the agency record 专家酬劳支付情况 after the evaluation."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from models.draws import DrawLog, Invitation
from models.money.payouts import Payout
from models.notifications import Notification
from models.people import Person
from models.wechat import Channel, WeChatIdentity
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import TransferDesk
from tests.support.api import Api
from tests.support.draw_world import openid_of
from tests.support.fees import row_of
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, funded, record
from tests.support.wechat import Chat
from web.context import DOMAIN


async def platform(api: Api, aid: int, token: str) -> Any:
    return await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                          {"channel": "platform"})




async def send(api: Api, aid: int, token: str, item: Invitation) -> Any:
    return await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})


async def expert_token(api: Api, item: Invitation) -> str:
    mini = await WeChatIdentity.get(person_id=item.person_id, channel=Channel.MINI_PROGRAM)
    return await api.login(mini.openid)




async def told(item: Invitation, kind: str) -> int:
    return await Notification.filter(kind=kind, person_id=item.person_id).count()


async def test_the_expert_confirms_and_is_paid_once_whatever_is_replayed(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    # today's behaviour until the agency chooses otherwise: recorded as paid elsewhere
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert (fees.data["channel"], fees.data["platform_available"]) == ("elsewhere", True)
    assert fees.data["channel_title"] == "线下支付并登记"
    refused = await send(api, aid, token, item)
    assert refused.status == 409 and "线下支付" in refused.message
    chosen = await platform(api, aid, token)
    assert chosen.status == 200 and chosen.data["channel_title"].startswith("通过微信支付发放")
    unrecorded = await send(api, aid, token, item)
    assert unrecorded.status == 400 and "先登记" in unrecorded.message
    assert (await record(api, aid, token, item)).status == 200
    # the centre's money goes out only from a sheet the agency funded and finance approved
    unfunded = await send(api, aid, token, item)
    assert unfunded.status == 409 and "请先提交专家费清单" in unfunded.message
    assert not pay_gateway.transfers
    await funded(api, demo, aid, token)

    sent = await send(api, aid, token, item)
    assert sent.status == 200, sent.data
    payout = row_of(sent, item)["payout"]
    assert (payout["state_title"], payout["amount_yuan"]) == ("待专家确认收款", "400.00")
    bill = bill_of(pay_gateway, item)
    mini = await WeChatIdentity.get(person_id=item.person_id, channel=Channel.MINI_PROGRAM)
    assert (bill.amount, bill.openid, bill.state) == (40000, mini.openid, "WAIT_USER_CONFIRM")
    assert bill.params["transfer_scene_id"] == "1005"
    assert bill.params["user_recv_perception"] == "劳务报酬"
    assert {i["info_type"] for i in bill.params["transfer_scene_report_infos"]} == {
        "岗位类型", "报酬说明"}
    assert bill.remark.endswith("评标劳务费") and len(bill.remark) <= 32
    # the name goes sealed with every bill, however small (the receipt needs it)
    assert bill.params["user_name"] and bill.user_name == (await Person.get(id=item.person_id)).name
    assert await told(item, "fee.payout_ready") == 1
    # a second bill for the same fee is refused while this one waits
    again = await send(api, aid, token, item)
    assert again.status == 409 and "等待确认收款" in again.message
    # 我的劳务费 in chat says where the money is: on its way, to be confirmed, not 未支付
    said = (await chat.say(await openid_of(item.person_id), "我的劳务费")).text
    assert "已发出，请于" in said and "确认收款" in said and "未支付" not in said

    # the expert: the bill in the mini-program, confirmed through wx.requestMerchantTransfer
    mine = await expert_token(api, item)
    listed = await api.call("GET", "/expert/payouts", mine)
    assert listed.status == 200
    (own,) = listed.data["payouts"]
    assert (own["can_confirm"], own["state_title"], own["amount_yuan"]) == (
        True, "待专家确认收款", "400.00")
    params = await api.call("GET", f"/expert/payouts/{own['id']}/confirm", mine)
    assert params.status == 200
    assert params.data == {"mchId": pay_gateway.mchid, "appId": bill.appid,
                           "package": bill.package_info, "openId": mini.openid}
    someone_else = await expert_token(api, other)  # the other expert who served
    assert (await api.call("GET", f"/expert/payouts/{own['id']}/confirm",
                           someone_else)).status == 404
    TransferDesk(pay_gateway).confirm(params.data["package"], mini.openid)

    async def paid() -> bool:
        return (await Invitation.get(id=item.id)).fee_paid
    await eventually(paid, timeout=10)
    assert (await Payout.get(id=own["id"])).state == "paid"
    assert await told(item, "fee.payout_paid") == 1
    checked = await api.call("POST", f"/expert/payouts/{own['id']}/check", mine)
    assert (checked.data["state_title"], checked.data["can_confirm"]) == ("已到账", False)
    row = row_of(await api.call("GET", f"/draws/activities/{aid}/fees", token), item)
    assert row["paid"] is True and row["payout"]["state_title"] == "已到账"
    # finance sees every transfer across agencies, by state, the payee masked
    finance = await api.login(demo["finance"].mp_openid)
    (seen,) = (await api.call("GET", "/finance/transfers", finance,
                              params={"state": "paid"})).data["transfers"]
    assert (seen["id"], seen["state_title"], seen["amount_yuan"]) == (own["id"], "已到账",
                                                                      "400.00")
    assert "*" in seen["payee"] and seen["project"] and seen["agency"]
    assert (await api.call("GET", "/finance/transfers", finance,
                           params={"state": "waiting"})).data["transfers"] == []
    assert (await api.call("GET", "/finance/transfers", token)).status == 403

    # the same notification again (WeChat Pay repeats them): acknowledged, nothing changes
    headers, body = pay_gateway.notification(
        None, event="MCHTRANSFER.BILL.FINISHED", resource=bill.finished(pay_gateway.mchid),
        original_type="mch_payment")
    replay = await client.post("/pay/notify", data=body.encode(), headers=headers)
    assert replay.status == 204
    assert await told(item, "fee.payout_paid") == 1
    assert await DrawLog.filter(activity_id=aid, action="payout_result").count() == 1
    # a forged one (signature broken) and one for another amount: refused, nothing changes
    forged = dict(headers, **{"Wechatpay-Signature": headers["Wechatpay-Signature"][::-1]})
    assert (await client.post("/pay/notify", data=body.encode(), headers=forged)).status == 401
    other = dict(bill.finished(pay_gateway.mchid), transfer_amount=1)
    headers, body = pay_gateway.notification(None, event="MCHTRANSFER.BILL.FINISHED",
                                             resource=other, original_type="mch_payment")
    assert (await client.post("/pay/notify", data=body.encode(), headers=headers)).status == 400
    stale_headers, stale = pay_gateway.notification(
        None, event="MCHTRANSFER.BILL.FINISHED", resource=bill.finished(pay_gateway.mchid),
        original_type="mch_payment", timestamp=int(time.time()) - 600)
    assert (await client.post("/pay/notify", data=stale.encode(),
                              headers=stale_headers)).status == 401

    # paid through the platform: "paid" is the transfer's, and the amount stays
    tick = await record(api, aid, token, item, paid=False)
    assert tick.status == 400 and "请勿手工勾选" in tick.message
    changed = await record(api, aid, token, item, "450.00", "补差", paid=True)
    assert changed.status == 409 and "不能再修改" in changed.message
    back = await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                          {"channel": "elsewhere"})
    assert back.status == 409 and "不能再改为线下支付" in back.message


async def test_an_unconfirmed_transfer_expires_and_is_sent_again(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """WeChat Pay closes a bill the payee has not confirmed within 24 hours; the money stays
    with the merchant and the agency sends it again."""
    aid, token, (first, second) = await fees_ready(api, chat, client, demo)
    assert (await platform(api, aid, token)).status == 200
    for item in (first, second):
        assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    assert (await send(api, aid, token, first)).status == 200
    old = bill_of(pay_gateway, first)
    TransferDesk(pay_gateway).expire(old.out_bill_no)

    async def expired() -> bool:
        return await Payout.filter(out_bill_no=old.out_bill_no, state="expired").exists()
    await eventually(expired, timeout=10)
    assert not (await Invitation.get(id=first.id)).fee_paid
    assert await told(first, "fee.payout_closed") == 1
    closed = await Notification.get(kind="fee.payout_closed", person_id=first.person_id)
    assert closed.kind == "fee.payout_closed"
    row = row_of(await api.call("GET", f"/draws/activities/{aid}/fees", token), first)
    assert row["payout"]["state_title"] == "超时未确认，已退回" and row["paid"] is False
    # the expert's page no longer offers it
    mine = await expert_token(api, first)
    (own,) = (await api.call("GET", "/expert/payouts", mine)).data["payouts"]
    assert own["can_confirm"] is False
    assert (await api.call("GET", f"/expert/payouts/{own['id']}/confirm", mine)).status == 409

    resent = await send(api, aid, token, first)
    assert resent.status == 200
    new = bill_of(pay_gateway, first)
    assert new.out_bill_no != old.out_bill_no and new.state == "WAIT_USER_CONFIRM"
    TransferDesk(pay_gateway).confirm(new.package_info, new.openid)

    async def paid() -> bool:
        return (await Invitation.get(id=first.id)).fee_paid
    await eventually(paid, timeout=10)
    assert pay_gateway.transfer_paid_fen == 40000  # paid once in all


async def test_a_lost_notification_is_made_good_by_asking(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """WeChat Pay, 商家转账回调通知: "如果在所有通知频率后仍没有收到微信侧回调,
    商户应主动调用查询订单接口确认订单状态"."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await platform(api, aid, token)).status == 200
    assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    assert (await send(api, aid, token, item)).status == 200
    bill = bill_of(pay_gateway, item)
    pay_gateway.drop_notifications += 1
    TransferDesk(pay_gateway).confirm(bill.package_info, bill.openid)
    payouts = client.app[DOMAIN].fees.payouts
    now = datetime.now(UTC)
    assert await payouts.sweep(now) == 0  # nothing stale yet: WeChat Pay not asked
    assert not (await Invitation.get(id=item.id)).fee_paid
    assert await payouts.sweep(now + timedelta(minutes=6)) == 1
    assert (await Invitation.get(id=item.id)).fee_paid
    assert (await Payout.get(out_bill_no=bill.out_bill_no)).state == "paid"
    assert await told(item, "fee.payout_paid") == 1


async def test_the_agency_withdraws_a_bill_corrects_the_fee_and_sends_it(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """A bill not yet confirmed can be withdrawn (撤销转账); from 2,000 yuan WeChat Pay
    checks the payee's real name, sent encrypted with its public key."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await platform(api, aid, token)).status == 200
    assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    sent = await send(api, aid, token, item)
    # the CANCELLED notification comes before the cancel call's answer: still the agency's
    # withdrawal, not the 24-hour expiry
    pay_gateway.transfer_notify_first = True
    withdrawn = await api.call(
        "POST", f"/draws/activities/{aid}/payouts/{row_of(sent, item)['payout']['id']}/cancel",
        token)
    assert withdrawn.status == 200, withdrawn.data

    async def cancelled() -> bool:
        return await Payout.filter(invitation_id=item.id, state="cancelled").exists()
    await eventually(cancelled, timeout=10)
    assert await told(item, "fee.payout_closed") == 1
    # the approved sheet holds its amounts: finance returns it for the correction
    held = await record(api, aid, token, item, "2500.00", "连续两日评审，经双方确认")
    assert held.status == 409 and "联系财务退回清单" in held.message
    finance = await api.login(demo["finance"].mp_openid)
    again = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance,
                           {"approve": True, "total_yuan": "800.00"})
    assert again.status == 409 and "已经批准" in again.message  # approved once
    returned = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance,
                              {"approve": False, "total_yuan": "0", "reason": "  "})
    assert returned.status == 400 and "写明原因" in returned.message
    returned = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance,
                              {"approve": False, "total_yuan": "0",
                               "reason": "金额需按两日评审更正"})
    assert returned.status == 200 and returned.data["state_title"].startswith("财务已退回")
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert fees.data["funding"]["returned_reason"] == "金额需按两日评审更正"
    refused = await send(api, aid, token, item)
    assert refused.status == 409 and "财务退回" in refused.message
    corrected = await record(api, aid, token, item, "2500.00", "连续两日评审，经双方确认")
    assert corrected.status == 200, corrected.data
    sheet = await funded(api, demo, aid, token, "HX2026002")
    assert sheet["total_yuan"] == "2900.00" and sheet["reference"] == "HX2026002"
    assert [r["off_standard"] for r in sheet["experts"]] == [True, False]
    assert (await send(api, aid, token, item)).status == 200
    bill = bill_of(pay_gateway, item)
    person = await Person.get(id=item.person_id)
    # (2,500 − 800) × 20 % = 340.00 withheld (TAX-61 Art. 8): 2,160.00 transferred
    assert (bill.amount, bill.user_name) == (216000, person.name)
    assert bill.params["user_name"] != person.name  # encrypted on the wire


async def test_a_refused_transfer_says_why_and_leaves_nothing_open(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """WeChat Pay refuses a transfer the merchant's balance cannot cover (NOT_ENOUGH); an
    expert who never opened the mini-program cannot receive one."""
    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    assert (await platform(api, aid, token)).status == 200
    for expert in (item, other):
        assert (await record(api, aid, token, expert)).status == 200
    await funded(api, demo, aid, token)
    pay_gateway.transfer_balance_fen = 10000
    refused = await send(api, aid, token, item)
    assert refused.status == 409 and "NOT_ENOUGH" in refused.message
    assert "余额" in refused.message
    assert (await Payout.get(invitation_id=item.id)).state == "failed"
    pay_gateway.transfer_balance_fen = None
    assert (await send(api, aid, token, item)).status == 200  # a new bill, once it can
    await WeChatIdentity.filter(person_id=other.person_id,
                                channel=Channel.MINI_PROGRAM).delete()
    no_mini = await send(api, aid, token, other)
    # WeChat Pay cannot reach them: no bill, they are asked for a bank account instead
    # (tests/fees/test_payout_accounts.py)
    assert no_mini.status == 200 and row_of(no_mini, other)["account"]["given_at"] is None
    assert not await Payout.filter(invitation_id=other.id).exists()


async def test_a_withdrawal_racing_the_experts_confirmation_pays_once(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """The expert taps 收款 just before the agency's 撤销 reaches WeChat Pay, whose notice has
    not arrived yet: WeChat Pay refuses the cancel, the bill's state is asked and applied at
    once, the agency reads that it went through, and no second bill can be made."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await platform(api, aid, token)).status == 200
    assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    sent = await send(api, aid, token, item)
    bill = bill_of(pay_gateway, item)
    desk = TransferDesk(pay_gateway)
    desk._settle(bill, "SUCCESS")  # confirmed at WeChat Pay; its notice still on its way
    withdrawn = await api.call(
        "POST", f"/draws/activities/{aid}/payouts/{row_of(sent, item)['payout']['id']}/cancel",
        token)
    assert withdrawn.status == 409 and "确认收款" in withdrawn.message, withdrawn.data
    paid = await Payout.get(invitation_id=item.id)
    assert paid.state == "paid" and (await Invitation.get(id=item.id)).fee_paid
    again = await send(api, aid, token, item)
    assert again.status == 409  # never a second bill
    await desk._notify(bill)  # the late notice changes nothing
    assert await Payout.filter(invitation_id=item.id).count() == 1
    assert pay_gateway.transfer_paid_fen == bill.amount


async def test_a_bill_being_cancelled_is_neither_confirmed_nor_sent_again_until_it_is(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """Cancel before re-issue (WX-PAY 撤销转账): WeChat Pay answers a cancel with CANCELING and
    cancels in its own time; until it says CANCELLED the bill reads 撤销中 everywhere, the
    expert has nothing to confirm, and no second bill is made for the fee."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await platform(api, aid, token)).status == 200
    assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    sent = await send(api, aid, token, item)
    first = bill_of(pay_gateway, item)
    pay_gateway.transfer_cancel_slow = True
    payout_id = row_of(sent, item)["payout"]["id"]
    withdrawn = await api.call("POST", f"/draws/activities/{aid}/payouts/{payout_id}/cancel",
                               token)
    assert withdrawn.status == 200, withdrawn.data
    assert row_of(withdrawn, item)["payout"]["state_title"] == "撤销中（等待微信支付确认）"
    mine = await api.call("GET", "/expert/payouts", await expert_token(api, item))
    (own,) = mine.data["payouts"]
    assert (own["state_title"], own["can_confirm"]) == ("撤销中（等待微信支付确认）", False)
    with pytest.raises(LookupError):  # WeChat shows the expert nothing to confirm either
        TransferDesk(pay_gateway).confirm(first.out_bill_no, first.openid)
    again = await send(api, aid, token, item)
    assert again.status == 409 and "正在撤销" in again.message
    assert [b for b in pay_gateway.transfers if b.startswith(f"FEE{item.id:010d}")] == [
        first.out_bill_no]
    # WeChat Pay says cancelled: the fee is sent again, once, and paid once
    TransferDesk(pay_gateway).cancelled(first.out_bill_no)

    async def cancelled() -> bool:
        return await Payout.filter(id=payout_id, state="cancelled").exists()
    await eventually(cancelled, timeout=10)
    assert (await send(api, aid, token, item)).status == 200
    second = bill_of(pay_gateway, item)
    assert second.out_bill_no != first.out_bill_no
    TransferDesk(pay_gateway).confirm(second.package_info, second.openid)

    async def paid() -> bool:
        return (await Invitation.get(id=item.id)).fee_paid
    await eventually(paid, timeout=10)
    assert pay_gateway.transfer_paid_fen == second.amount
    assert await Payout.filter(invitation_id=item.id, state="paid").count() == 1
