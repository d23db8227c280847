"""Finance's ledger of experts' fees per agency and per China month, over real HTTP: the
sheet the agency funded and finance approved, each fee WeChat Pay paid, and the totals
adding up, in the API, on the page and in the Excel download (a personal-data reading on
record, as exactly what the file holds)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity
from models.people import Agency
from sandbox.pay.gateway import PayGateway
from services.common.clock import china_today
from tests.support.access import exact_access
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.transfer_bill import paid_fees
from tests.support.wechat import Chat


async def test_the_ledger_adds_up_to_what_was_paid(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    aid, bills = await paid_fees(api, chat, client, demo, pay_gateway)
    agency = await Agency.get(id=(await DrawActivity.get(id=aid)).agency_id)
    month = f"{china_today(datetime.now(UTC)):%Y-%m}"
    finance = await api.login(demo["finance"].mp_openid)
    got = await api.call("GET", "/finance/ledger", finance, params={"month": month})
    assert got.status == 200, got.data
    [mine] = [b for b in got.data["agencies"] if b["agency_id"] == agency.id]
    assert mine["agency"] == agency.name
    [sheet] = mine["sheets"]
    assert (sheet["activity_id"], sheet["total_yuan"], sheet["reference"], sheet["state"]) \
        == (aid, "800.00", "HX2026001", "approved")
    assert sheet["approved_on"] is not None
    # named by its number and section: a project's 施工 and 监理 activities apart
    assert sheet["project"].endswith(f"（CQSQ{aid:08d}，标段 1 施工）")
    assert all(f["project"] == sheet["project"] for f in mine["fees"])
    assert sorted(f["reference"] for f in mine["fees"]) == sorted(
        b.transfer_bill_no for b in bills)
    assert all("*" in f["name"] for f in mine["fees"])  # masked unless asked in full
    gross = sum(Decimal(f["gross_yuan"]) for f in mine["fees"])
    tax = sum(Decimal(f["tax_yuan"]) for f in mine["fees"])
    net = sum(Decimal(f["net_yuan"]) for f in mine["fees"])
    paid = sum(b.amount for b in bills)
    assert net == Decimal(paid) / 100 == Decimal(mine["net_yuan"])
    assert gross == tax + net == Decimal(mine["gross_yuan"]) == Decimal(mine["funded_yuan"])
    # one agency only; another month is empty
    one = await api.call("GET", "/finance/ledger", finance,
                         params={"month": month, "agency_id": str(agency.id)})
    assert [b["agency_id"] for b in one.data["agencies"]] == [agency.id]
    assert (await api.call("GET", "/finance/ledger", finance,
                           params={"month": "2020-01"})).data["agencies"] == []
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("GET", "/finance/ledger", expert)).status == 403
    # the page and the Excel file: names, yuan, China dates, a totals row that adds up
    desk = Desk(client)
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get(f"/console/fee-ledger?month={month}")
    assert agency.name in page and "800.00" in page and "HX2026001" in page
    sheets, read = await exact_access(
        client, f"/console/fee-ledger.xlsx?month={month}&agency_id={agency.id}")
    # on record as what it holds: the experts' names in full, no phone, no ID number
    assert read.detail["people"] == len(bills) and read.detail["held"] == [
        ["name", "full"], ["fee", ""]]
    funded_rows, fee_rows = sheets["专家费清单入账"], sheets["劳务费发放"]
    assert funded_rows[0][:3] == ("代理机构", "项目", "清单金额（元）")
    assert funded_rows[-1][:3] == (agency.name, "合计", 800)
    assert len(fee_rows) == 2 + len(bills)  # header, one row a fee, the totals
    body, totals = fee_rows[1:-1], fee_rows[-1]
    assert {r[6] for r in body} == {"微信支付商家转账"}
    assert all("*" not in str(r[2]) and r[7].endswith("日") for r in body)
    assert totals[1] == "合计" and totals[3] == sum(r[3] for r in body) == \
        totals[4] + totals[5] == paid / 100
