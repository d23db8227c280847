"""The simulator's phone of someone not bound yet shows the SMS that reach people no WeChat
account is bound to (a binding code, an imported expert's invitation), as if it were their
phone: each says whose phone it reached, so a tester can tell one person's from another's."""

from __future__ import annotations

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from services.demo import UNBOUND, VISITOR_OPENID
from tests.support.helpers import eventually


async def test_an_sms_in_the_visitors_inbox_says_whose_phone_it_reached(
        sandbox: TestServer) -> None:
    async with ClientSession() as http:
        for text in ("绑定", UNBOUND[1]):  # the visitor binds to the person never on WeChat
            async with http.post(sandbox.make_url("/sandbox/api/send"),
                                 json={"openid": VISITOR_OPENID, "text": text}) as sent:
                assert sent.status == 200

        async def sms() -> list[dict]:
            async with http.get(sandbox.make_url("/sandbox/api/inbox"),
                                params={"openid": VISITOR_OPENID}) as got:
                return [i for i in await got.json() if i["kind"] == "sms"]

        await eventually(sms, timeout=15)
        shown = (await sms())[-1]
    assert shown["to"] == f"发给 {UNBOUND[0]}（138****0011）", shown
    assert UNBOUND[2] not in str(shown)
