"""The simulator's phones for calls through a middle number: the live bindings of the fake
number pool (each side shown masked), a call placed by either side to the middle number,
answered and hung up; the fake then pushes the call's record to the service."""

from __future__ import annotations

import time

from aiohttp import web

from sandbox.fake_aliyun_pls import ALIYUN_PLS
from services.common.pii import mask_phone


async def bindings(request: web.Request) -> web.Response:
    fake = request.app[ALIYUN_PLS]
    now = time.time()
    calls = [c for c in fake.calls.values() if not c.ended]
    return web.json_response([{
        "subs_id": b.subs_id, "middle_number": b.x, "staff": mask_phone(b.a),
        "expert": mask_phone(b.b), "expires_in": int(b.expires - now),
        "calls": [{"call_id": c.call_id, "from_staff": c.caller_is_a,
                   "answered": bool(c.answered)} for c in calls if c.binding is b]}
        for b in fake.bindings.values() if not b.released and b.expires > now])


async def dial(request: web.Request) -> web.Response:
    """One side of a binding dials its middle number (`side`: staff or expert)."""
    body = await request.json()
    fake = request.app[ALIYUN_PLS]
    binding = fake.bindings.get(str(body.get("subs_id", "")))
    if binding is None or binding.released:
        return web.json_response({"error": "no_binding", "message": "这个虚拟号码的绑定已解除"},
                                 status=404)
    caller = binding.a if body.get("side") == "staff" else binding.b
    call = fake.dial(caller, binding.x)
    if call is None:
        return web.json_response({"error": "expired",
                                  "message": "绑定已过期，拨打虚拟号码听到空号提示"}, status=409)
    return web.json_response({"call_id": call.call_id})


async def answer(request: web.Request) -> web.Response:
    body = await request.json()
    if not request.app[ALIYUN_PLS].answer(str(body.get("call_id", ""))):
        return web.json_response({"error": "not_ringing", "message": "没有正在响铃的来电"},
                                 status=404)
    return web.json_response({"ok": True})


async def hang_up(request: web.Request) -> web.Response:
    body = await request.json()
    seconds = min(max(float(body.get("seconds", 60) or 0), 0.0), 3600.0)
    status = await request.app[ALIYUN_PLS].hang_up(str(body.get("call_id", "")), seconds)
    return web.json_response({"ok": True, "callback_status": status})


def setup_privacy_simulator(app: web.Application) -> None:
    app.router.add_get("/api/privacy/bindings", bindings)
    app.router.add_post("/api/privacy/dial", dial)
    app.router.add_post("/api/privacy/answer", answer)
    app.router.add_post("/api/privacy/hang-up", hang_up)
