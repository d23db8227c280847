"""An expert WeChat Pay cannot pay is paid another way (an expert who
cannot receive a WeChat transfer is paid another way the payer records). WeChat Pay's
商家转账 is confirmed by the payee in the mini-program (WX-PAY); an expert without it (as
every expert is right after a register import) is asked by SMS for a bank account in their
own name, gives it on the page the SMS links to, and the payer records the transfer made to
it; the number is sealed at rest and shown masked, in full only on the payer's request,
which the activity's log records."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.draws import DrawLog, Invitation
from models.money.payouts import Payout, PayoutAccount
from models.notifications import Notification
from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.pay.gateway import PayGateway
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.common.pii import find_unmasked
from tests.support.api import Api
from tests.support.fees import row_of
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, funded, record
from tests.support.sms import opened, sms_link
from tests.support.wechat import Chat
from web.context import DOMAIN, TEXTS

NUMBER = "6222 0212 3456 7890 123"


async def test_an_expert_without_the_mini_program_gives_a_bank_account_and_is_paid_into_it(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway,
        platform: Platform) -> None:
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    await WeChatIdentity.filter(person_id=item.person_id).delete()  # no WeChat at all
    person = await Person.get(id=item.person_id)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, item, "900.00", "连续评审，经双方确认")).status == 200
    await funded(api, demo, aid, token)
    finance = await api.login(demo["finance"].mp_openid)
    sheet = f"/finance/fee-sheets/{aid}/accounts/{item.id}"
    # 发放: no transfer bill (WeChat Pay could not reach them); the expert is asked by SMS
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})
    assert sent.status == 200, sent.data
    row = row_of(sent, item)
    assert row["payout"] is None and row["account"]["given_at"] is None
    assert not await Payout.exists(invitation_id=item.id)
    link = await sms_link(platform, person.phone or "", "/f/")
    # the tax is withheld as for a WeChat transfer: (900 − 800) × 20 % = 20.00
    words = "应发 900.00元，代扣个人所得税 20.00元，实发 880.00元"
    assert words in platform.sms_to(person.phone or "")[-1]
    # recording a transfer before the expert gave an account is refused in words
    early = await api.call("POST", f"{sheet}/paid", finance, {"reference": "X1"})
    assert early.status == 409 and "尚未提供收款银行账户" in early.message
    # the expert's page: the day and the amount; someone else's name is refused
    text, csrf = await opened(client, link)
    assert words in text and "account-form" in text
    other = await client.post(link, data={"holder": "张三", "bank": "中国工商银行天河支行",
                                          "number": NUMBER, "_csrf": csrf})
    refused = await other.text()
    assert other.status == 400 and "本人" in refused
    # nothing typed is lost: the holder, the bank and the whole number stay to be corrected
    assert all(f'value="{v}"' in refused for v in ("张三", "中国工商银行天河支行", NUMBER))
    short = await client.post(link, data={"holder": person.name, "bank": "中国工商银行",
                                          "number": "1234", "_csrf": csrf})
    assert short.status == 400 and "位数字" in await short.text()
    given = await client.post(link, data={"holder": person.name, "bank": "中国工商银行天河支行",
                                          "number": NUMBER, "_csrf": csrf})
    assert given.status == 200
    page = await given.text()
    assert "收款账户已提交" in page and "**** **** 0123" in page and "交易中心财务转账后" in page
    assert "6222021234567890123" not in page and "6222 0212" not in page
    # sealed at rest
    account = await PayoutAccount.get(invitation_id=item.id)
    assert "6222021234567890123" not in account.number_enc
    assert client.app[DOMAIN].vault.decrypt(account.number_enc, b"payout-account") == \
        "6222021234567890123"
    # the agency sees it masked on its fees page; the money is the funded sheet's, at the
    # centre: finance reads the number in full, transfers and records it, not the agency
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    shown = row_of(fees, item)["account"]
    assert (shown["holder"], shown["number_masked"]) == (person.name, "**** **** 0123")
    assert (row_of(fees, item)["wechat"], row_of(fees, item)["mini_program"]) == (False, False)
    other = next(r for r in fees.data["experts"] if r["invitation_id"] != item.id)
    assert (other["wechat"], other["mini_program"]) == (True, True)
    # finance's count of the transfers waiting for it, whichever sheets it lists
    due = await api.call("GET", "/finance/fee-sheets", finance, params={"state": "submitted"})
    assert due.data["sheets"] == [] and due.data["bank_due"] == 1
    (listed,) = (await api.call("GET", "/finance/fee-sheets", finance,
                                params={"state": "approved"})).data["sheets"]
    ways = {r["invitation_id"]: r["mini_program"] for r in listed["experts"]}
    assert ways == {item.id: False, other["invitation_id"]: True}
    assert "6222021234567890123" not in str(fees.data)
    assert (await api.call("POST", f"{sheet}/number", token)).status == 403
    assert (await api.call("POST", f"{sheet}/paid", token, {"reference": "X1"})).status == 403
    full = await api.call("POST", f"{sheet}/number", finance)
    assert full.status == 200 and full.data["number"] == "6222021234567890123"
    assert await DrawLog.exists(activity_id=aid, action="payout_account_read")
    # finance records the transfer of the net: the fee is paid, the expert told by SMS
    paid = await api.call("POST", f"{sheet}/paid", finance, {"reference": "ICBC20261125001"})
    assert paid.status == 200, paid.data
    row = next(r for r in paid.data["experts"] if r["invitation_id"] == item.id)
    assert row["paid"] and row["account"]["paid_ref"] == "ICBC20261125001"
    assert (await Invitation.get(id=item.id)).fee_paid
    assert (await api.call("GET", "/finance/fee-sheets", finance)).data["bank_due"] == 0
    account = await PayoutAccount.get(invitation_id=item.id)
    assert (account.gross_fen, account.tax_fen, account.amount_fen) == (90000, 2000, 88000)
    await eventually(lambda: any("已转入您提供的银行账户" in t
                                 for t in platform.sms_to(person.phone or "")), timeout=15)
    assert "**** **** 0123" in platform.sms_to(person.phone or "")[-1]
    assert words in platform.sms_to(person.phone or "")[-1]
    twice = await api.call("POST", f"{sheet}/paid", finance, {"reference": "ICBC20261125002"})
    assert twice.status == 409
    # on the month's withholding declaration, as a bank transfer
    month = f"{account.paid_at.astimezone(CHINA):%Y-%m}" if account.paid_at else ""
    declared = await api.call("GET", "/finance/withholding", finance, params={"month": month})
    (bank,) = [r for r in declared.data["payments"] if r["by_bank"]]
    assert (bank["gross_yuan"], bank["tax_yuan"], bank["net_yuan"]) == (
        "900.00", "20.00", "880.00")
    # the link again: paid, the account can no longer be changed
    again, _ = await opened(client, link)
    assert "已于" in again and "ICBC20261125001" in again and "account-form" not in again
    late = await client.post(link, data={"holder": person.name, "bank": "中国银行",
                                         "number": "6217000011112222333", "_csrf": csrf})
    assert late.status == 409 and "不能再更改" in await late.text()
    assert not find_unmasked(again)
    # a tampered link is refused
    token_part = link.removeprefix("/f/")
    assert (await client.get("/f/" + token_part[:-1] + ("A" if token_part[-1] != "A" else "B"))
            ).status == 403


async def test_an_expert_who_cannot_take_the_wechat_transfer_chooses_a_bank_account(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway,
        platform: Platform) -> None:
    """The bill's SMS links a page: the transfer is confirmed in the mini-program only
    (WX-PAY), or the expert chooses a bank account, which withdraws the bill."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})
    assert sent.status == 200 and row_of(sent, item)["payout"]["state"] == "waiting"
    told = await Notification.get(kind="fee.payout_ready", person_id=item.person_id)
    link = "/w/" + told.params["link"].split("/w/", 1)[1]
    assert link in client.app[TEXTS].render("notify/fee.payout_ready/sms.j2", **told.params)
    text, csrf = await opened(client, link)
    assert "400.00元" in text and "小程序" in text and "改为银行转账收款" in text
    chosen = await client.post(link, data={"_csrf": csrf}, allow_redirects=False)
    assert chosen.status == 303 and chosen.headers["Location"].startswith("/f/")
    # the bill is withdrawn (not read as expired, and the expert is not told it was)
    await eventually(lambda: bill_of(pay_gateway, item).state == "CANCELLED", timeout=10)

    async def withdrawn() -> bool:
        return await Payout.filter(invitation_id=item.id, state="cancelled").exists()
    await eventually(withdrawn, timeout=10)
    assert not await Notification.exists(kind="fee.payout_closed", person_id=item.person_id)
    page, csrf = await opened(client, chosen.headers["Location"])
    assert "account-form" in page
    person = await Person.get(id=item.person_id)
    given = await client.post(chosen.headers["Location"], data={
        "holder": person.name, "bank": "中国建设银行", "number": "6217000011112222333",
        "_csrf": csrf})
    assert given.status == 200 and "**** **** 2333" in await given.text()
    # the bill's page now says it can no longer be confirmed; the agency sees the account,
    # and 发放 again asks for the account rather than making a new bill
    again, _ = await opened(client, link)
    assert "已不能确认收款" in again and "another-way-form" not in again
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert row_of(fees, item)["account"]["number_masked"] == "**** **** 2333"
    bills = await Payout.filter(invitation_id=item.id).count()
    resent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                            {"invitation_id": item.id})
    assert resent.status == 200 and await Payout.filter(invitation_id=item.id).count() == bills
