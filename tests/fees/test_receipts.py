"""The electronic receipt (电子回单) of each fee paid by WeChat transfer (WX-PAY 商户单号申请/查询
电子回单): applied for once the transfer is paid, asked after while WeChat Pay makes it,
downloaded and archived only when its SHA-256 is the one announced; finance downloads it and
sees, on its transfers page, those not archived a day after they were paid and why; the
expert downloads the receipt of their own transfer, nobody else's."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from models.money.payouts import Payout, PayoutReceipt
from models.people import Person
from models.wechat import Channel, WeChatIdentity
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.payouts import fees_ready, funded, paid_by_transfer
from tests.support.wechat import Chat
from web.context import DOMAIN


async def _mini(person_id: int) -> str:
    return (await WeChatIdentity.get(person_id=person_id,
                                     channel=Channel.MINI_PROGRAM)).openid


async def test_a_paid_transfers_receipt_is_archived_once_its_digest_matches(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    await funded(api, demo, aid, token)
    # (the worker's own sweep runs each minute too: WeChat Pay takes its time here until
    # the test says the receipt is made)
    pay_gateway.receipt_pending_queries = 10_000
    paid = await paid_by_transfer(api, pay_gateway, aid, token, item)
    receipts = client.app[DOMAIN].fees.receipts
    finance = await api.login(demo["finance"].mp_openid)
    # applied for, still being made: not downloadable yet, said in words
    now = datetime.now(UTC)
    await receipts.sweep(now)
    row = await PayoutReceipt.get(payout_id=paid.id)
    assert row.state == "applied"
    early = await api.call("GET", f"/finance/transfers/{paid.id}/receipt", finance)
    assert early.status == 404 and "还没有归档" in early.message
    # made, but the file served does not match the digest announced: not archived
    pay_gateway.receipt_tampered = True
    pay_gateway.receipts[paid.out_bill_no].waits = 0
    await receipts.sweep(now)
    row = await PayoutReceipt.get(payout_id=paid.id)
    assert (row.state, row.problem) == ("applied", "RECEIPT_HASH_MISMATCH")
    # a day on, finance's transfers page names it and why
    await Payout.filter(id=paid.id).update(finished_at=now - timedelta(hours=25))
    late = await api.call("GET", "/finance/receipts/overdue", finance)
    (found,) = late.data["receipts"]
    assert found["payout_id"] == paid.id and "摘要不一致" in found["why"]
    assert "*" in found["payee"]
    desk = Desk(client)
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get("/console/transfers")
    assert "到账超过24小时仍未归档电子回单的转账（1笔）" in page and paid.out_bill_no in page
    # asked again, a good file: archived with its digest, the finding gone
    pay_gateway.receipt_tampered = False
    await receipts.sweep(now)
    row = await PayoutReceipt.get(payout_id=paid.id)
    announced = pay_gateway.receipts[paid.out_bill_no].file
    assert (row.state, row.sha256) == ("archived", hashlib.sha256(announced).hexdigest())
    assert (await api.call("GET", "/finance/receipts/overdue", finance)).data["receipts"] == []
    assert await receipts.sweep(now) == 0  # archived once
    got = await client.get(f"/miniapp/v1/finance/transfers/{paid.id}/receipt",
                           headers={"Authorization": f"Bearer {finance}"})
    assert got.status == 200 and await got.read() == announced
    _, page = await desk.get("/console/transfers")
    assert f'/console/transfers/{paid.id}/receipt' in page
    # the expert reads their own; another expert cannot
    mine = await api.login(await _mini(item.person_id))
    listed = await api.call("GET", "/expert/payouts", mine)
    assert [p["receipt"] for p in listed.data["payouts"] if p["id"] == paid.id] == [True]
    own = await client.get(f"/miniapp/v1/expert/payouts/{paid.id}/receipt",
                           headers={"Authorization": f"Bearer {mine}"})
    assert own.status == 200 and (await own.read()).startswith(b"%PDF")
    theirs = await api.login(await _mini(other.person_id))
    refused = await client.get(f"/miniapp/v1/expert/payouts/{paid.id}/receipt",
                               headers={"Authorization": f"Bearer {theirs}"})
    assert refused.status == 404


async def test_the_statistics_count_the_months_money_as_the_ledger_does(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """Fees paid by transfer, tax withheld and receipts archived, per month and agency, the
    same as finance's ledger says."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    await funded(api, demo, aid, token)
    paid = await paid_by_transfer(api, pay_gateway, aid, token, item)
    pay_gateway.receipt_pending_queries = 0
    await client.app[DOMAIN].fees.receipts.sweep(datetime.now(UTC))
    assert (await PayoutReceipt.get(payout_id=paid.id)).state == "archived"
    month = f"{paid.finished_at.astimezone(CHINA):%Y-%m}" if paid.finished_at else ""
    admin = await api.login(demo["admin"].mp_openid)
    figures = await api.call("GET", "/admin/statistics", admin,
                             params={"from_month": month, "to_month": month})
    (row,) = figures.data["money"]
    finance = await api.login(demo["finance"].mp_openid)
    ledger = await api.call("GET", "/finance/ledger", finance, params={"month": month})
    (book,) = ledger.data["agencies"]
    assert [(f["payout_id"], f["receipt"]) for f in book["fees"]] == [(paid.id, True)]
    assert (row["agency"], row["transfers"], row["receipts"], row["banked"]) == (
        book["agency"], 1, 1, 0)
    assert (row["tax_yuan"], row["net_yuan"]) == (book["tax_yuan"], book["net_yuan"])
    # the workbook's 专家费 sheet says the same
    sheet = await api.call("GET", "/admin/statistics.xlsx", admin,
                           params={"from_month": month, "to_month": month})
    book = load_workbook(io.BytesIO(sheet.data["body"]), read_only=True)
    header, line = list(book["专家费"].iter_rows(values_only=True))
    assert header[1] == "代理机构" and header[-1] == "电子回单已归档笔数"
    assert (line[1], line[2], line[4], line[8]) == (row["agency"], 1, 0, 1)
    assert Decimal(str(line[6])) == Decimal(row["tax_yuan"])
    assert Decimal(str(line[7])) == Decimal(row["net_yuan"])
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, page = await desk.get(f"/console/statistics?from_month={month}&to_month={month}")
    assert "电子回单已归档" in page and "1 / 1" in page
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get(f"/console/fee-ledger?month={month}")
    assert f"/console/transfers/{paid.id}/receipt" in page


def test_a_receipt_answer_is_read_only_as_documented() -> None:
    """A finished receipt must carry a SHA256 and an address on the gateway itself (a
    signed request goes nowhere else); an unknown state is refused."""
    import json

    from bot.providers.pay.receipts import check_receipt, parse_receipt
    from services.payments import PayError

    base = "https://api.mch.weixin.qq.com"
    digest = hashlib.sha256(b"%PDF").hexdigest()
    good = {"state": "FINISHED", "hash_type": "SHA256", "hash_value": digest,
            "download_url": f"{base}/v3/billdownload/file?token=x"}
    got = parse_receipt(json.dumps(good), "FEE1", base)
    assert (got.state, got.hash_value) == ("FINISHED", digest)
    assert check_receipt(b"%PDF", got) == b"%PDF"
    for bad in ({**good, "hash_type": "SHA1"}, {**good, "hash_value": "00"},
                {**good, "download_url": "https://elsewhere.example/f"},
                {"state": "DONE"}):
        try:
            parse_receipt(json.dumps(bad), "FEE1", base)
        except PayError as refused:
            assert refused.code == "BAD_RESPONSE"
        else:
            raise AssertionError(bad)
    try:
        check_receipt(b"%PDF ", got)
    except PayError as refused:
        assert refused.code == "RECEIPT_HASH_MISMATCH"
    else:
        raise AssertionError("a file whose digest differs was kept")
    assert parse_receipt(json.dumps({"state": "GENERATING"}), "FEE1", base).state == \
        "GENERATING"


def test_the_gateway_refuses_a_field_its_call_does_not_document() -> None:
    """The fake gateway holds each call to its documented fields (a body built from the
    wrong list fails, as WeChat Pay refuses it), and to the scene report 佣金报酬 needs."""
    from sandbox.pay.receipts import RECEIPT_FIELDS
    from sandbox.pay.transfer import (
        AUTHORISED_FIELDS,
        AUTHORIZE_FIELDS,
        TRANSFER_FIELDS,
        undocumented,
    )

    assert "notify_url" in TRANSFER_FIELDS and "notify_url" not in AUTHORISED_FIELDS
    assert undocumented({"out_bill_no": "FEE1"}, RECEIPT_FIELDS) == ""
    assert "notify_url" in undocumented({"out_bill_no": "FEE1", "notify_url": "x"},
                                        AUTHORISED_FIELDS)
    assert "sub_mchid" in undocumented({"out_bill_no": "FEE1", "sub_mchid": "1"},
                                       RECEIPT_FIELDS)
    # 发起免确认收款授权 takes no transfer fields: an amount or a scene report is refused
    assert "transfer_amount" in undocumented(
        {"out_authorization_no": "A1", "transfer_amount": 1}, AUTHORIZE_FIELDS)
    assert undocumented({"out_authorization_no": "A1", "authorization_notify_url": "x"},
                        AUTHORIZE_FIELDS) == ""
    from sandbox.pay.transfer import _report_ok
    assert not _report_ok("1005", [{"info_type": "岗位类型", "info_content": "评标专家"}])
    assert _report_ok("1005", [{"info_type": "岗位类型", "info_content": "评标专家"},
                               {"info_type": "报酬说明", "info_content": "评标劳务费"}])


async def test_a_transfer_carries_the_name_its_receipt_needs_and_stays_a_voucher(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """Every transfer carries the payee's sealed real name (WeChat Pay makes no receipt
    without it), however small; a receipt WeChat Pay refuses for good is kept as failed in
    its own words, not asked for again each minute; the expert's 清单 lists the fee and its
    receipt among the records kept 30 years."""
    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    await funded(api, demo, aid, token)
    paid = await paid_by_transfer(api, pay_gateway, aid, token, item)
    second = await paid_by_transfer(api, pay_gateway, aid, token, other)
    assert paid.amount_fen < 200_000  # below the amount where WeChat Pay asks for it
    bill = pay_gateway.transfers[paid.out_bill_no]
    assert bill.user_name and bill.user_name == (await Person.get(id=item.person_id)).name
    # a transfer made without the name (as one made before this was): refused for good
    pay_gateway.transfers[second.out_bill_no].user_name = ""
    pay_gateway.receipt_pending_queries = 0
    receipts = client.app[DOMAIN].fees.receipts
    now = datetime.now(UTC)
    await receipts.sweep(now)
    await receipts.sweep(now)
    row = await PayoutReceipt.get(payout_id=second.id)
    assert (row.state, row.problem) == ("failed", "转账时未传入收款用户姓名，不支持申请电子回单")
    assert (await PayoutReceipt.get(payout_id=paid.id)).state == "archived"
    await Payout.filter(id=second.id).update(finished_at=now - timedelta(hours=25))
    finance = await api.login(demo["finance"].mp_openid)
    (found,) = (await api.call("GET", "/finance/receipts/overdue", finance)).data["receipts"]
    assert found["payout_id"] == second.id and "未传入收款用户姓名" in found["why"]
    assert "手动申请" in found["why"]
    # the expert's own list of their data: the fee, the tax, the receipt, kept 30 years
    mine = await api.login(await _mini(item.person_id))
    kinds = (await api.call("GET", "/me/personal-data", mine)).data["kinds"]
    (fees,) = [k for k in kinds if k["key"] == "fees"]
    (transfer,) = fees["values"]["transfers"]
    assert transfer["paid_yuan"] == paid.amount_fen / 100 and transfer["receipt_archived"]
    assert "30年" in fees["retention"] and "电子回单" in fees["title"]
