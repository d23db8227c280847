"""Authorised transfers (用户授权免确认, WX-PAY) against the fake gateway on loopback. The
issue's words: "an expert authorises once in the mini-program; later payouts to them go
without a per-transfer confirmation; the authorisation can be revoked; the sandbox fakes the
mode with its documented checks. Without the mode, today's confirmation flow stays"; its
test: "experts are paid net of tax (one authorised, one confirming)"."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.draws import Invitation
from models.money.payouts import Payout, TransferAuthorisation
from models.notifications import Notification
from models.wechat import Channel, WeChatIdentity
from sandbox.pay.authorisation import AuthorisationDesk
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import AUTHORISED_FIELDS, TransferDesk
from services.payments import PayError
from services.payments.transfers import TransferRequest
from tests.support.api import Api
from tests.support.fees import row_of
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, funded, record
from tests.support.wechat import Chat
from web.context import DOMAIN


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The merchant has the mode (WECHATPAY_TRANSFER_AUTHORISED; the other tests run
    without it, as production does by default)."""
    return settings.model_copy(update={"wechatpay_transfer_authorised": True})


async def send(api: Api, aid: int, token: str, item: Invitation) -> Any:
    return await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})


async def openid_of(item: Invitation) -> str:
    mini = await WeChatIdentity.get(person_id=item.person_id, channel=Channel.MINI_PROGRAM)
    return str(mini.openid)


async def ready(api: Api, chat: Chat, client: TestClient, demo: dict,
                ) -> tuple[int, str, Invitation, Invitation]:
    """Two experts' fees paid through the platform, recorded above 800 yuan (so tax is
    withheld), funded and approved."""
    aid, token, (first, second) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, first, "900.00", "评审延长")).status == 200
    assert (await record(api, aid, token, second, "1000.00", "评审延长")).status == 200
    await funded(api, demo, aid, token)
    return aid, token, first, second


async def authorise(api: Api, gateway: PayGateway, item: Invitation) -> str:
    """The expert opens 免确认收款 in the mini-program and agrees on WeChat's page."""
    mine = await api.login(await openid_of(item))
    params = await api.call("POST", "/expert/payouts/authorisation", mine)
    assert params.status == 200, params.data
    assert (params.data["mchId"], params.data["appId"]) == (gateway.mchid,
                                                            gateway.transfer_authorizations[
        next(reversed(gateway.transfer_authorizations))].appid)
    AuthorisationDesk(gateway).agree(params.data["package"], await openid_of(item))

    async def active() -> bool:
        return await TransferAuthorisation.filter(person_id=item.person_id,
                                                  state="active").exists()
    await eventually(active, timeout=10)
    checked = await api.call("POST", "/expert/payouts/authorisation/check", mine)
    assert checked.status == 200
    assert (checked.data["authorised"], checked.data["state_title"]) == (True, "已开通免确认收款")
    return mine


async def test_one_expert_authorised_is_paid_without_confirming_the_other_confirms(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, first, second = await ready(api, chat, client, demo)
    mine = await api.login(await openid_of(first))
    before = await api.call("GET", "/expert/payouts", mine)
    assert (before.data["authorised"], before.data["authorisation_available"]) == (False, True)
    await authorise(api, pay_gateway, first)
    auth = await TransferAuthorisation.get(person_id=first.person_id)
    assert auth.authorization_id and auth.granted_at is not None

    # the authorised expert: the bill names the authorisation, no openid, and is paid at once
    sent = await send(api, aid, token, first)
    assert sent.status == 200, sent.data
    assert row_of(sent, first)["payout"]["state_title"] == "已到账"
    bill = bill_of(pay_gateway, first)
    assert bill.params["authorization_id"] == auth.authorization_id
    assert "openid" not in bill.params and bill.state == "SUCCESS"
    # the call's own fields (WxJava PR #4051: no notify_url in 用户授权后转账's body)
    assert set(bill.params) <= AUTHORISED_FIELDS and "notify_url" not in bill.params
    # 900.00 less 20 % of (900 - 800): 880.00 transferred, 20.00 withheld
    assert bill.amount == 88000
    payout = await Payout.get(invitation_id=first.id)
    assert (payout.gross_fen, payout.tax_fen, payout.amount_fen) == (90000, 2000, 88000)
    assert payout.authorisation_no == auth.out_authorization_no
    assert (await Invitation.get(id=first.id)).fee_paid
    listed = await api.call("GET", "/expert/payouts", mine)
    assert listed.data["authorised"] is True
    (own,) = listed.data["payouts"]
    assert (own["can_confirm"], own["amount_yuan"], own["tax_yuan"]) == (False, "880.00",
                                                                          "20.00")

    # the other expert confirms as today
    sent = await send(api, aid, token, second)
    assert row_of(sent, second)["payout"]["state_title"] == "待专家确认收款"
    other = bill_of(pay_gateway, second)
    assert other.openid == await openid_of(second) and "authorization_id" not in other.params
    assert other.amount == 96000  # 1000.00 less 20 % of 200.00
    TransferDesk(pay_gateway).confirm(other.package_info, other.openid)

    async def both_paid() -> bool:
        return await Invitation.filter(id__in=[first.id, second.id], fee_paid=True).count() == 2
    await eventually(both_paid, timeout=10)
    assert pay_gateway.transfer_paid_fen == 88000 + 96000

    async def notified() -> bool:
        return await Notification.filter(kind="fee.payout_paid",
                                         person_id=first.person_id).count() == 1
    await eventually(notified, timeout=10)
    assert not await Notification.filter(kind="fee.payout_ready",
                                         person_id=first.person_id).exists()

    # replayed notifications (the authorisation's, the bill's) change nothing
    fake = pay_gateway.transfer_authorizations[auth.out_authorization_no]
    headers, body = pay_gateway.notification(
        None, event="MCHTRANSFER.AUTHORIZATION.CONFIRMED",
        resource=fake.as_resource(pay_gateway.mchid), original_type="mch_payment")
    assert (await client.post("/pay/notify", data=body.encode(), headers=headers)).status == 204
    again = await TransferAuthorisation.get(id=auth.id)
    assert (again.state, again.granted_at) == ("active", auth.granted_at)
    headers, body = pay_gateway.notification(
        None, event="MCHTRANSFER.BILL.FINISHED", resource=bill.finished(pay_gateway.mchid),
        original_type="mch_payment")
    assert (await client.post("/pay/notify", data=body.encode(), headers=headers)).status == 204
    assert await Notification.filter(kind="fee.payout_paid",
                                     person_id=first.person_id).count() == 1
    assert pay_gateway.transfer_paid_fen == 88000 + 96000
    # another payee's authorisation in a forged resource: refused
    forged = dict(fake.as_resource(pay_gateway.mchid), openid="o_someone_else")
    headers, body = pay_gateway.notification(
        None, event="MCHTRANSFER.AUTHORIZATION.CLOSED", resource=forged,
        original_type="mch_payment")
    assert (await client.post("/pay/notify", data=body.encode(), headers=headers)).status == 400
    assert (await TransferAuthorisation.get(id=auth.id)).state == "active"


async def test_revoked_the_next_payout_waits_for_confirmation_again(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, first, _ = await ready(api, chat, client, demo)
    mine = await authorise(api, pay_gateway, first)
    again = await api.call("POST", "/expert/payouts/authorisation", mine)
    assert again.status == 409 and "已开通免确认收款" in again.message
    revoked = await api.call("POST", "/expert/payouts/authorisation/revoke", mine)
    assert revoked.status == 200, revoked.data
    assert (revoked.data["authorised"], revoked.data["state_title"]) == (False, "已关闭")
    auth = await TransferAuthorisation.get(person_id=first.person_id)
    assert auth.revoked_at is not None
    fake = pay_gateway.transfer_authorizations[auth.out_authorization_no]
    assert (fake.state, fake.close_reason) == ("CLOSED", "MERCHANT_CLOSE")
    twice = await api.call("POST", "/expert/payouts/authorisation/revoke", mine)
    assert twice.status == 409 and "尚未开通" in twice.message

    sent = await send(api, aid, token, first)
    assert row_of(sent, first)["payout"]["state_title"] == "待专家确认收款"
    bill = bill_of(pay_gateway, first)
    assert bill.state == "WAIT_USER_CONFIRM" and bill.openid == await openid_of(first)
    assert "authorization_id" not in bill.params
    # the fake refuses a transfer under the closed authorisation, and one it never gave
    gateway = client.app[DOMAIN].fees.payouts.gateway
    for authorization_id in (auth.authorization_id, "1350000000000000000000000000000"):
        try:
            await gateway.create(TransferRequest("FEEX" + authorization_id[-8:],
                                                 "", 1000, "评标劳务费", "",
                                                 authorization_id))
        except PayError as exc:
            assert exc.code == "INVALID_REQUEST" and "授权" in str(exc)
        else:
            raise AssertionError("a transfer without a live authorisation was made")


async def test_refusals_are_reported_in_words(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, first, _ = await ready(api, chat, client, demo)
    mine = await api.login(await openid_of(first))
    # without the mode nothing is offered: today's confirmation flow
    authorisations = client.app[DOMAIN].fees.payouts.authorisations
    authorisations.enabled = False
    listed = await api.call("GET", "/expert/payouts", mine)
    assert listed.data["authorisation_available"] is False
    off = await api.call("POST", "/expert/payouts/authorisation", mine)
    assert off.status == 409 and "未开通微信支付的免确认收款授权" in off.message
    authorisations.enabled = True
    # a merchant WeChat Pay has not given the mode
    pay_gateway.transfer_authorization_open = False
    refused = await api.call("POST", "/expert/payouts/authorisation", mine)
    assert refused.status == 409 and "商户无权限发起" in refused.message, refused.message
    assert "逐笔确认收款" in refused.message
    pay_gateway.transfer_authorization_open = True
    await authorise(api, pay_gateway, first)

    # closed in WeChat, and the notification lost: the transfer under it is refused in
    # words, the authorisation is asked about, and the next payout waits for confirmation
    auth = await TransferAuthorisation.get(person_id=first.person_id, state="active")
    pay_gateway.drop_notifications += 1
    AuthorisationDesk(pay_gateway).close(auth.out_authorization_no)
    sent = await send(api, aid, token, first)
    assert sent.status == 409, sent.data
    assert "免确认收款授权已失效" in sent.message and "已关闭" in sent.message, sent.message
    assert (await TransferAuthorisation.get(id=auth.id)).state == "closed"
    assert not (await Invitation.get(id=first.id)).fee_paid
    resent = await send(api, aid, token, first)
    assert row_of(resent, first)["payout"]["state_title"] == "待专家确认收款"
