"""Experts' fees paid out through WeChat Pay: an evaluation whose fees are ready, a fee
recorded, the fake gateway's transfer bill for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import Invitation
from models.money.payouts import Payout
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import FakeTransfer, TransferDesk
from services.common.clock import china_today
from tests.support.api import Api
from tests.support.draw_world import drawn, make_experts
from tests.support.fees import evaluation_over, nine_today, publish, worked
from tests.support.helpers import eventually
from tests.support.wechat import Chat


async def fees_ready(api: Api, chat: Chat, client: TestClient, demo: dict,
                     ) -> tuple[int, str, list[Invitation]]:
    """A finished evaluation whose two experts each worked 2.5 hours (400.00 yuan by the
    example standard): (activity, the agency's token, the experts' invitations)."""
    await make_experts(client, 4)
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, token = await drawn(api, chat, demo)
    now = await evaluation_over(aid)
    served = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    for item in served:
        await worked(item, nine_today(now), 2.5)
    return aid, token, list(served)


async def record(api: Api, aid: int, token: str, item: Invitation, yuan: str = "400.00",
                 reason: str = "", paid: bool = False) -> Any:
    return await api.call("PUT", f"/draws/activities/{aid}/fees/{item.id}", token,
                          {"amount_yuan": yuan, "paid": paid, "reason": reason})


def bill_of(gateway: PayGateway, item: Invitation) -> FakeTransfer:
    return next(b for b in reversed(gateway.transfers.values())
                if b.out_bill_no.startswith(f"FEE{item.id:010d}"))


async def funded(api: Api, demo: dict, aid: int, token: str, reference: str = "HX2026001"
                 ) -> dict[str, Any]:
    """The agency records every fee not yet recorded (the standard's 400.00), funds the sheet
    (its bank transfer's reference) and finance approves it: the approved sheet."""
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    for row in fees.data["experts"]:
        if row["amount_yuan"] is None:
            assert (await api.call("PUT", f"/draws/activities/{aid}/fees/{row['invitation_id']}",
                                   token, {"amount_yuan": "400.00", "paid": False,
                                           "reason": ""})).status == 200
    submitted = await api.call("POST", f"/draws/activities/{aid}/fee-funding", token,
                               {"reference": reference})
    assert submitted.status == 200, submitted.data
    finance = await api.login(demo["finance"].mp_openid)
    approved = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance, {
        "approve": True, "total_yuan": submitted.data["funding"]["total_yuan"]})
    assert approved.status == 200, approved.data
    return dict(approved.data)


async def paid_by_transfer(api: Api, pay_gateway: PayGateway, aid: int, token: str,
                           item: Invitation) -> Payout:
    """The agency sends the expert's recorded fee and the expert confirms it: paid."""
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})
    assert sent.status == 200, sent.data
    bill = bill_of(pay_gateway, item)
    TransferDesk(pay_gateway).confirm(bill.package_info, bill.openid)

    async def paid() -> bool:
        return await Invitation.filter(id=item.id, fee_paid=True).exists()
    await eventually(paid, timeout=10)
    return await Payout.get(invitation_id=item.id, state="paid")
