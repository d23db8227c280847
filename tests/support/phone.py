"""The simulator's phone (its mini-program screen) in the tests, on the service as `make run`
starts it: the agency's, the centre's and the administrator's part of a journey done through
the mini-program API as their own clients do, so that the phone has something to act on (a
draw answered, the evaluation at a venue that checks identity, its fees sent)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp.test_utils import TestServer

from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.venues import Venue
from models.wechat import Channel, WeChatIdentity
from sandbox.app import SANDBOX_PLATFORM
from tests.support.api import Api
from tests.support.shared_service import SharedClient

VENUE = "广州公共资源交易中心"  # the demo draw's (sandbox/simulator.py demo_draw)


@contextlib.asynccontextmanager
async def desks(sandbox: TestServer) -> AsyncIterator[Api]:
    """The mini-program API of the sandbox's service, as the desks' own clients call it
    (every answer held to the OpenAPI document)."""
    client = SharedClient(sandbox)  # closing it leaves the server running
    await client.start_server()
    try:
        yield Api(client, sandbox.app[SANDBOX_PLATFORM])
    finally:
        await client.close()


async def openid_of(person_id: int) -> str:
    """The person's official-account openid: the simulator's user to pick."""
    return str((await WeChatIdentity.get(person_id=person_id,
                                         channel=Channel.OFFICIAL_ACCOUNT)).openid)


async def demo_draw_answered(sandbox: TestServer) -> tuple[int, list[Invitation]]:
    """The simulator's demo draw, every invited pool expert answering 1 in chat: the
    activity and the confirmed places, first invited first."""
    async with aiohttp.ClientSession() as http:
        started = await http.post(sandbox.make_url("/sandbox/api/demo-draw"), json={})
        aid = int((await started.json())["activity"])
        for _ in range(6):
            waiting = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT)
            if not waiting:
                break
            for item in waiting:
                await http.post(sandbox.make_url("/sandbox/api/send"), json={
                    "openid": await openid_of(item.person_id), "text": "1", "aes": True})
    return aid, list(await Invitation.filter(activity_id=aid,
                                             status=InvitationStatus.CONFIRMED).order_by("id"))


async def gathering_now(aid: int) -> None:
    """The experts gather in half an hour at a venue whose centre checks identity at
    check-in (console 评标场所), the venue the notice picked: check-in is open."""
    now = datetime.now(UTC)
    venue, _ = await Venue.update_or_create(name=VENUE, defaults={
        "region": "4401", "identity_check": True, "updated_at": now})
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(hours=1),
                                             eval_end=now + timedelta(hours=7))
    await Notice.filter(activity_id=aid).update(gather_at=now + timedelta(minutes=30),
                                                venue_id=venue.id)


async def evaluation_over(aid: int) -> None:
    """The evaluation held today and over five minutes ago."""
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(
        eval_start=now - timedelta(hours=6), eval_end=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=5))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(hours=6, minutes=30))


async def fees_sent(api: Api, aid: int, item: Invitation, yuan: str = "400.00") -> None:
    """As the agency's handler: fees paid through the platform, each recorded, the sheet
    funded; finance approves it; the handler sends `item`'s fee as a WeChat Pay transfer."""
    handler = await api.login("mp_demo_handler")
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", handler,
                           {"channel": "platform"})).status == 200
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", handler)
    for row in fees.data["experts"]:
        recorded = await api.call("PUT", f"/draws/activities/{aid}/fees/{row['invitation_id']}",
                                  handler, {"amount_yuan": yuan, "paid": False, "reason": ""})
        assert recorded.status == 200, recorded.data
    funded = await api.call("POST", f"/draws/activities/{aid}/fee-funding", handler,
                            {"reference": "HX2026112701"})
    assert funded.status == 200, funded.data
    finance = await api.login("mp_demo_finance")
    approved = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance, {
        "approve": True, "total_yuan": funded.data["funding"]["total_yuan"]})
    assert approved.status == 200, approved.data
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", handler,
                          {"invitation_id": item.id})
    assert sent.status == 200, sent.data
