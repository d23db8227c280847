"""The fake WeChat API as its own process, for benchmarks (so it does not share the relay's
event loop), with a /bench/stats endpoint counting what it received."""

from __future__ import annotations

import argparse
from collections import Counter

from aiohttp import web

from bench.common import SECRETS
from sandbox.fake_api import PLATFORM, fake_api_app
from sandbox.platform import Platform


async def stats(request: web.Request) -> web.Response:
    platform = request.app[PLATFORM]
    templates = [s for s in platform.sent if s.kind == "template"]
    per_key = Counter(f"{s.openid}/{s.payload['data'].get('thing1')}" for s in templates)
    return web.json_response({"templates": len(templates),
                              "calls": platform.calls.get("/cgi-bin/message/template/send", 0),
                              "repeated": sum(n - 1 for n in per_key.values() if n > 1)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    platform = Platform(SECRETS["WECHAT_APPID"], SECRETS["WECHAT_SECRET"],
                        SECRETS["MINIAPP_APPID"], SECRETS["MINIAPP_SECRET"])
    platform.templates["SANDBOX_system.test"] = ["thing1", "time2"]
    for i in range(args.users):
        platform.user(f"o_ob_{i}").follower = True
    app = fake_api_app(platform)
    app.router.add_get("/bench/stats", stats)
    app.router.add_get("/readyz", lambda r: web.json_response({"status": "ready"}))
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
