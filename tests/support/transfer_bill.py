"""Experts' fees paid by 商家转账 and moved to a day whose fund-flow bill exists: the fake
gateway's bill and our payout alike (the bill's day is WeChat Pay's, ours when we learned)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import Invitation
from models.money.payouts import Payout
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import FakeTransfer, TransferDesk
from services.common.clock import CHINA, china_today
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, funded, record
from tests.support.wechat import Chat


async def paid_fees(api: Api, chat: Chat, client: TestClient, demo: dict,
                    gateway: PayGateway) -> tuple[int, list[FakeTransfer]]:
    """An evaluation's two experts paid their 400.00 by WeChat transfer, confirmed at the
    fake gateway and settled here: (the activity, their bills)."""
    aid, token, served = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    for item in served:
        assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    bills = []
    for item in served:
        sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                              {"invitation_id": item.id})
        assert sent.status == 200, sent.data
        bill = bill_of(gateway, item)
        TransferDesk(gateway).confirm(bill.package_info, bill.openid)
        bills.append(bill)
    for bill in bills:
        await eventually(lambda b=bill: Payout.exists(out_bill_no=b.out_bill_no,
                                                      state="paid"))
    return aid, bills


async def days_back(gateway: PayGateway, bills: list[FakeTransfer], days: int = 2) -> date:
    """Move the transfers `days` back, at WeChat Pay and here; returns their China day."""
    for bill in bills:
        moved = datetime.fromisoformat(bill.updated) - timedelta(days=days)
        bill.updated = moved.isoformat(timespec="seconds")
        payout = await Payout.get(out_bill_no=bill.out_bill_no)
        assert payout.finished_at is not None
        await Payout.filter(id=payout.id).update(
            finished_at=payout.finished_at - timedelta(days=days))
    return datetime.fromisoformat(bills[0].updated).astimezone(CHINA).date()


def served_of(bills: list[FakeTransfer]) -> list[str]:
    return [b.out_bill_no for b in bills]


def bill_day(days: int = 2) -> date:
    return china_today(datetime.now(UTC)) - timedelta(days=days)


__all__ = ["Invitation", "bill_day", "days_back", "paid_fees", "served_of"]
