"""The fake WeChat API as its own process, for benchmarks (so it does not share the relay's
event loop), with a /bench/stats endpoint counting what it received. With --receipts-to it
pushes each template message's TEMPLATESENDJOBFINISH back to the service, as WeChat does."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web

from bench.common import SECRETS
from sandbox.events import CallbackClient
from sandbox.fake_api import PLATFORM, fake_api_app
from sandbox.platform import Platform
from sandbox.platform_records import Sent
from sandbox.wechat_push import Pusher

RECEIPTS = web.AppKey("receipts", Counter)


class Tally:
    """Template messages counted as they arrive (the platform's list holds 50,000 in a mass
    notice: counting it on every poll took the fake's own time from the receipts)."""

    def __init__(self) -> None:
        self.seen = 0
        self.per_key: Counter[str] = Counter()
        self.repeated = 0

    def update(self, platform: Platform) -> None:
        for sent in platform.sent[self.seen:]:
            if sent.kind == "template":
                key = f"{sent.openid}/{sent.payload['data'].get('thing1')}"
                self.per_key[key] += 1
                self.repeated += self.per_key[key] > 1
        self.seen = len(platform.sent)


TALLY = web.AppKey("tally", Tally)


async def stats(request: web.Request) -> web.Response:
    platform, tally = request.app[PLATFORM], request.app[TALLY]
    tally.update(platform)
    return web.json_response({"templates": sum(tally.per_key.values()),
                              "calls": platform.calls.get("/cgi-bin/message/template/send", 0),
                              "repeated": tally.repeated,
                              **{f"receipts_{k}": v for k, v in request.app[RECEIPTS].items()}})


async def login_code(request: web.Request) -> web.Response:
    """A wx.login() code for `?openid=` (a mini-program user), for bench/api.py."""
    return web.json_response({"code": request.app[PLATFORM].login_code(
        request.query["openid"])})


def receipts_to(url: str, platform: Platform, counts: Counter[str]
                ) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
            client = CallbackClient(session, url, Pusher(SECRETS["WECHAT_TOKEN"],
                                                         SECRETS["WECHAT_APPID"]), platform)

            async def push(sent: Sent, status: str) -> None:
                await client.template_finished(sent, status)
                counts["pushed"] += 1

            platform.on_template_sent = push
            yield

    return ctx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--followers", default="", help="openids with this prefix follow")
    parser.add_argument("--template", default="", help="a template id with four fields")
    parser.add_argument("--receipts-to", default="", help="the service's /wechat/callback")
    args = parser.parse_args()
    platform = Platform(SECRETS["WECHAT_APPID"], SECRETS["WECHAT_SECRET"],
                        SECRETS["MINIAPP_APPID"], SECRETS["MINIAPP_SECRET"])
    platform.templates["SANDBOX_system.test"] = ["thing1", "time2"]
    if args.template:
        platform.templates[args.template] = ["thing1", "time2", "time3", "thing4"]
    for i in range(args.users):
        platform.user(f"o_ob_{i}").follower = True
    if args.followers:
        for i in range(100_000):
            platform.user(f"{args.followers}{i}").follower = True
    app = fake_api_app(platform)
    app[RECEIPTS] = Counter()
    app[TALLY] = Tally()
    if args.receipts_to:
        app.cleanup_ctx.append(receipts_to(args.receipts_to, platform, app[RECEIPTS]))
    app.router.add_get("/bench/stats", stats)
    app.router.add_get("/bench/login-code", login_code)
    app.router.add_get("/readyz", lambda r: web.json_response({"status": "ready"}))
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
