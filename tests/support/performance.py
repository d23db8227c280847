"""An evaluation that took place and the performance record an agency keeps of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.wechat import Channel, WeChatIdentity
from sandbox.app import sync_followers
from tests.support.api import Api
from tests.support.draw_world import finish, make_experts, prepared, start_draw
from tests.support.wechat import Chat

LATE_AND_AWAY = {"late": True, "left_early": False, "conduct": ["tbl71-2"], "score": 70,
                 "comment": "开标后40分钟到场，评审中离开评标室约1小时"}


async def ended_evaluation(api: Api, chat: Chat, client: TestClient, demo: dict,
                           ended_ago: timedelta = timedelta(minutes=5)
                           ) -> tuple[int, str, list[Invitation]]:
    """Two experts (who follow the official account) drawn, confirmed and served; the
    evaluation ended `ended_ago`."""
    await make_experts(client, 3, first=4000, specialty="A0802")
    await sync_followers(api.platform)
    aid, token = await prepared(api, demo, total=2, specialty="A0802")
    assert (await start_draw(api, token, aid)).status == 200
    served = await finish(chat, aid)
    assert len(served) == 2
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(
        eval_start=now - ended_ago - timedelta(hours=6), eval_end=now - ended_ago,
        finished_at=now - ended_ago)
    return aid, token, served


async def answered_demo_draw(server: TestServer) -> int:
    """The simulator's demo draw (3 experts) answered 1 by every invited expert in chat, as
    the browser tests drive the service `make run` starts; its activity."""
    async with aiohttp.ClientSession() as http:
        started = await http.post(server.make_url("/sandbox/api/demo-draw"), json={})
        aid = (await started.json())["activity"]
        for _ in range(6):
            waiting = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT)
            if not waiting:
                break
            for item in waiting:
                openid = (await WeChatIdentity.get(
                    person_id=item.person_id, channel=Channel.OFFICIAL_ACCOUNT)).openid
                await http.post(server.make_url("/sandbox/api/send"),
                                json={"openid": openid, "text": "1", "aes": True})
    return int(aid)


async def ended_demo_draw(server: TestServer) -> tuple[int, list[Invitation]]:
    """`answered_demo_draw`, the evaluation then held and over five minutes ago."""
    aid = await answered_demo_draw(server)
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(
        eval_start=now - timedelta(hours=6), eval_end=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=5))
    served = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                     ).order_by("id")
    return aid, list(served)


async def mini_token(api: Api, person_id: int) -> str:
    mp = await WeChatIdentity.get(person_id=person_id, channel=Channel.MINI_PROGRAM)
    return await api.login(mp.openid)
