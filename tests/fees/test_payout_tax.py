"""The tax withheld from an expert's fee paid through the platform: the centre paying the
fee is the withholding agent (IIT-LAW Art. 9) and pre-withholds by TAX-61 Art. 8, one
evaluation's fee being one payment (docs/rules-that-are-ours.md). The transfer is the fee
less the tax; the expert reads the fee, the tax and what is transferred wherever they read
the transfer: the mini-program, the notices, the page the SMS links."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.draws import Invitation
from models.money.payouts import Payout
from models.notifications import Notification
from models.wechat import Channel, WeChatIdentity
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import TransferDesk
from tests.support.api import Api
from tests.support.fees import row_of
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, funded, record
from tests.support.sms import opened
from tests.support.wechat import Chat
from web.context import TEXTS

WORDS = "应发 900.00元，代扣个人所得税 20.00元，实发 880.00元"


async def _read(client: TestClient, item: Invitation, kind: str) -> str:
    """What the expert reads of a notice, in chat and by SMS."""
    told = await Notification.get(kind=kind, person_id=item.person_id)
    texts = client.app[TEXTS]
    return "\n".join(texts.render(f"notify/{kind}/{channel}.j2", **told.params)
                     for channel in ("chat", "sms"))


async def test_a_fee_above_800_yuan_is_transferred_less_its_tax_and_the_expert_reads_all_three(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, item, "900.00", "连续评审，经双方确认")).status == 200
    assert (await record(api, aid, token, other)).status == 200  # 400.00: nothing taxable
    await funded(api, demo, aid, token)
    for expert in (item, other):
        sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                              {"invitation_id": expert.id})
        assert sent.status == 200, sent.data

    # the transfer is the net: (900 − 800) × 20 % = 20.00 withheld
    assert bill_of(pay_gateway, item).amount == 88000
    assert bill_of(pay_gateway, other).amount == 40000
    row = await Payout.get(invitation_id=item.id)
    assert (row.gross_fen, row.taxable_fen, row.tax_rate, row.tax_fen, row.amount_fen) == (
        90000, 10000, 20, 2000, 88000)
    # the agency's page says the same
    shown = row_of(sent := await api.call("GET", f"/draws/activities/{aid}/fees", token),
                   item)["payout"]
    assert sent.status == 200
    assert (shown["gross_yuan"], shown["tax_yuan"], shown["amount_yuan"]) == (
        "900.00", "20.00", "880.00")

    # the notice of the bill, in chat and by SMS
    assert WORDS in await _read(client, item, "fee.payout_ready")
    assert "代扣" not in await _read(client, other, "fee.payout_ready")
    # the mini-program's list of transfers
    mini = await WeChatIdentity.get(person_id=item.person_id, channel=Channel.MINI_PROGRAM)
    mine = await api.login(mini.openid)
    (own,) = (await api.call("GET", "/expert/payouts", mine)).data["payouts"]
    assert (own["gross_yuan"], own["tax_yuan"], own["amount_yuan"], own["amount_words"]) == (
        "900.00", "20.00", "880.00", WORDS)
    # the mini-program's list of fees
    fees = (await api.call("GET", "/expert/fees", mine)).data["fees"]
    assert [f["payout"]["amount_words"] for f in fees if f["payout"]] == [WORDS]
    # the page the SMS links to
    told = await Notification.get(kind="fee.payout_ready", person_id=item.person_id)
    page, _ = await opened(client, "/w/" + told.params["link"].split("/w/", 1)[1])
    assert "代扣个人所得税" in page and "880.00元" in page and "900.00元" in page

    # confirmed and paid: the expert reads what reached their change
    TransferDesk(pay_gateway).confirm(bill_of(pay_gateway, item).package_info, mini.openid)

    async def paid() -> bool:
        return (await Invitation.get(id=item.id)).fee_paid
    await eventually(paid, timeout=10)
    assert WORDS + " 已转入您的微信零钱" in await _read(client, item, "fee.payout_paid")
    assert pay_gateway.transfer_paid_fen == 88000
