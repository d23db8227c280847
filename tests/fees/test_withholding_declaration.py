"""The monthly withholding declaration (扣缴申报, IIT-LAW Art. 9; TAX-61 Art. 8): once the
month's fees are paid, finance reads every payment with its income, deduction, taxable
income, rate, quick deduction and tax — those with no tax too — and the month's totals, and
exports the list with names and ID numbers in full for the declaration, that reading on
record; a payment of another month is not on it."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.audit import AuditEntry
from models.draws import Invitation
from models.money.payouts import Payout
from models.people import Person
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import TransferDesk
from services.common.clock import CHINA
from tests.support.access import exact_access
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, funded, record
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_finance_declares_the_months_fees_with_the_tax_withheld(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, item, "900.00", "连续评审，经双方确认")).status == 200
    assert (await record(api, aid, token, other)).status == 200
    await funded(api, demo, aid, token)
    for expert in (item, other):
        sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                              {"invitation_id": expert.id})
        assert sent.status == 200, sent.data
        bill = bill_of(pay_gateway, expert)
        TransferDesk(pay_gateway).confirm(bill.package_info, bill.openid)

    async def both_paid() -> bool:
        return await Invitation.filter(id__in=[item.id, other.id], fee_paid=True).count() == 2
    await eventually(both_paid, timeout=10)
    paid = await Payout.get(invitation_id=item.id)
    assert paid.finished_at is not None
    month = f"{paid.finished_at.astimezone(CHINA):%Y-%m}"

    finance = await api.login(demo["finance"].mp_openid)
    listed = await api.call("GET", "/finance/withholding", finance, params={"month": month})
    assert listed.status == 200, listed.data
    rows = {r["gross_yuan"]: r for r in listed.data["payments"]}
    # (900 − 800) × 20 % = 20.00; 400 is below the 800 deducted: declared, no tax
    taxed, untaxed = rows["900.00"], rows["400.00"]
    assert (taxed["deduction_yuan"], taxed["taxable_yuan"], taxed["rate_pct"],
            taxed["quick_yuan"], taxed["tax_yuan"], taxed["net_yuan"]) == (
        "800.00", "100.00", 20, "0.00", "20.00", "880.00")
    assert (untaxed["taxable_yuan"], untaxed["rate_pct"], untaxed["tax_yuan"],
            untaxed["net_yuan"]) == ("0.00", 0, "0.00", "400.00")
    assert (taxed["income_item"], taxed["id_type"]) == ("劳务报酬所得", "居民身份证")
    assert (listed.data["gross_yuan"], listed.data["tax_yuan"], listed.data["net_yuan"]) == (
        "1300.00", "20.00", "1280.00")
    person = await Person.get(id=item.person_id)
    assert "*" in taxed["id_number"] and "*" in taxed["name"]  # masked unless asked
    assert not await AuditEntry.filter(action="export").exists()
    # another month has none of them; a month that is not one is refused
    assert (await api.call("GET", "/finance/withholding", finance,
                           params={"month": "2020-01"})).data["payments"] == []
    assert (await api.call("GET", "/finance/withholding", finance,
                           params={"month": "2026-13"})).status == 422
    for other_role in ("handler", "admin"):
        who = await api.login(demo[other_role].mp_openid)
        assert (await api.call("GET", "/finance/withholding", who)).status == 403

    # the desk: the month's totals, and the file for the declaration, in full and on record
    desk = Desk(client)
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get(f"/console/withholding?month={month}")
    assert "1300.00" in page and "20.00" in page and person.id_masked in page
    sheets, read = await exact_access(client, f"/console/withholding.xlsx?month={month}")
    (title, *lines) = sheets["扣缴申报明细"]
    assert title[:3] == ("姓名", "证件类型", "证件号码")
    declared = next(r for r in lines if r[0] == person.name)
    number = client.app[DOMAIN].people.id_number_of(person)
    assert declared[2] == number and declared[9] in (20, "20.00", 20.0)
    # on record as what it holds: names and ID numbers in full, no phone
    assert read.detail["people"] == 2 and read.detail["held"] == [
        ["name", "full"], ["id_number", "full"], ["fee", ""]]
    # the same list read in full through the API: a reading of the same kinds, on record
    full = await client.get("/miniapp/v1/finance/withholding",  # not kept: in full
                            params={"month": month, "unmasked": "true"},
                            headers={"Authorization": f"Bearer {finance}"})
    assert full.status == 200 and number in await full.text()
    reading = await AuditEntry.filter(action="read_full").order_by("-id").first()
    assert reading is not None and reading.detail["held"] == read.detail["held"]
    auditor = await api.login(demo["audit_admin"].mp_openid)
    shown = (await api.call("GET", "/admin/access-log", auditor)).data["entries"]
    assert [(e["what"], e["held"], e["purpose"]) for e in shown[:2]] == [
        ("读取个人所得税扣缴申报明细（2 人的完整姓名、完整身份证号、劳务报酬与代扣个税；"
         "用途：个人所得税扣缴申报）", ["完整姓名", "完整身份证号", "劳务报酬与代扣个税"],
         "个人所得税扣缴申报"),
        ("导出个人所得税扣缴申报明细（含 2 人的完整姓名、完整身份证号、劳务报酬与代扣个税；"
         "用途：个人所得税扣缴申报）", ["完整姓名", "完整身份证号", "劳务报酬与代扣个税"],
         "个人所得税扣缴申报")]
