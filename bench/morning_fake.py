"""The outside world of `bench.morning` as one process of its own: WeChat's API (template and
customer-service messages, each template's TEMPLATESENDJOBFINISH pushed back as WeChat does),
the sandbox SMS gateway and a Tencent VMS (voice calls with their keypress callbacks), all
recording what they delivered and when, for the driver to read.

    python -m bench.morning_fake --port N --service URL --chat-openids PREFIX --experts N
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

from aiohttp import web

from bench.common import ROOT, SECRETS
from bench.fake_wechat import RECEIPTS, receipts_to
from bot.providers.voice.tencent import sandbox_voice
from bot.relay.notify_texts import NotifyTexts
from sandbox.app import register_templates
from sandbox.fake_api import PLATFORM, fake_api_app
from sandbox.fake_tencent_vms import TENCENT_VMS, TencentVmsFake, endpoint, stand_in
from sandbox.platform import Platform
from services.common.texts import Texts

DELIVERED = web.AppKey("delivered", list)


def _delivery(sent: Any) -> dict[str, Any]:
    """What the driver needs of one delivery: to whom, by what, which template, when."""
    payload = sent.payload or {}
    return {"seq": sent.seq, "kind": sent.kind, "to": sent.openid, "at": sent.at,
            "template": payload.get("template_id", ""),
            "text": str(payload.get("text") or payload.get("content")
                        or payload.get("data") or "")[:240]}


async def deliveries(request: web.Request) -> web.Response:
    """Everything delivered after `?after=` (a sequence number), oldest first."""
    platform, seen = request.app[PLATFORM], request.app[DELIVERED]
    while len(seen) < len(platform.sent):
        seen.append(_delivery(platform.sent[len(seen)]))
    after = int(request.query.get("after", "0"))
    return web.json_response(seen[after:after + 5000])


async def login_code(request: web.Request) -> web.Response:
    """A wx.login() code for `?openid=` (the mini-program's handler)."""
    return web.json_response({"code": request.app[PLATFORM].login_code(
        request.query["openid"])})


async def answer_call(request: web.Request) -> web.Response:
    """A callee picks up and presses `keys`; the service's answers, and how long it took."""
    body = await request.json()
    fake = request.app[TENCENT_VMS]
    began = time.monotonic()
    statuses: list[int] = []
    for call in fake.ringing(str(body["phone"])):
        statuses += await fake.answer(call.callid, str(body.get("keys", "")))
    return web.json_response({"statuses": statuses, "seconds": time.monotonic() - began})


async def stats(request: web.Request) -> web.Response:
    platform = request.app[PLATFORM]
    kinds = Counter(s.kind for s in platform.sent)
    return web.json_response({"kinds": dict(kinds), "calls": dict(platform.calls),
                              "repeats": platform.repeats,
                              **{f"receipts_{k}": v for k, v in request.app[RECEIPTS].items()}})


def build(port: int, service: str, prefix: str, experts: int) -> web.Application:
    platform = Platform(SECRETS["WECHAT_APPID"], SECRETS["WECHAT_SECRET"],
                        SECRETS["MINIAPP_APPID"], SECRETS["MINIAPP_SECRET"])
    texts = Texts(ROOT / "texts")
    register_templates(platform, NotifyTexts(texts, {}, {}, sandbox=True))
    now = platform.clock()
    for i in range(1, experts + 1):  # the followers, inside their 48 hours (they wrote)
        user = platform.user(f"{prefix}{i}")
        user.follower, user.last_interaction = True, now
    for openid in ("o_morning_handler", "o_morning_legal"):
        user = platform.user(openid)
        user.follower, user.last_interaction = True, now
    app = fake_api_app(platform)
    vms = TencentVmsFake(platform, limits=((1, 100),))  # a morning's calls, unthrottled
    stand_in(vms, sandbox_voice(SECRETS["SECRET_KEY"], texts, f"http://127.0.0.1:{port}"),
             service)
    app[TENCENT_VMS] = vms
    app.router.add_post("/tencent-vms", endpoint)
    app[DELIVERED] = []
    app[RECEIPTS] = Counter()
    app.cleanup_ctx.append(receipts_to(f"{service.rstrip('/')}/wechat/callback", platform,
                                       app[RECEIPTS]))
    app.router.add_get("/bench/deliveries", deliveries)
    app.router.add_post("/bench/voice/answer", answer_call)
    app.router.add_get("/bench/login-code", login_code)
    app.router.add_get("/bench/stats", stats)
    app.router.add_get("/readyz", lambda r: web.json_response({"status": "ready"}))
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--chat-openids", default="o_morning_")
    parser.add_argument("--experts", type=int, default=100_000)
    args = parser.parse_args()
    web.run_app(build(args.port, args.service, args.chat_openids, args.experts),
                host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
