"""The simulator's WeChat for the identity and privacy work: the phone's side of a face
verification (wx.requestFacialVerify: the verifications opened and not yet done, done with
the verify_ret chosen) and WeChat's privacy events about a user (授权用户信息变更), pushed
signed, and encrypted as the mini-program's console says, to /wechat/miniapp/callback."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from sandbox.context import SANDBOX_SETTINGS
from sandbox.fake_face import FACE_VERIFY
from sandbox.wechat_push import Mode, Pusher, privacy_fields
from services.people import EVENTS


async def faces(request: web.Request) -> web.Response:
    """The verifications waiting for the person at the phone."""
    fake = request.app[FACE_VERIFY]
    return web.json_response([{"verify_id": v, "openid": f.openid}
                              for v, f in fake.verifications.items() if f.verify_ret is None])


async def face(request: web.Request) -> web.Response:
    """The person at the phone: `verify_ret` 10000 (识别成功) or a documented failure."""
    body = await request.json()
    fake = request.app[FACE_VERIFY]
    verify_id = str(body.get("verify_id", ""))
    if verify_id not in fake.verifications:
        return web.json_response({"message": "no such verify_id"}, status=404)
    fake.perform(verify_id, int(body.get("verify_ret", 10000)))
    return web.json_response({"ok": True})


async def privacy_event(request: web.Request) -> web.Response:
    """WeChat telling the service that `openid` withdrew an authorisation (`revoke`: the
    RevokeInfo), had a nickname cleaned, or deleted their WeChat account."""
    body = await request.json()
    event, openid = str(body.get("event", "")), str(body.get("openid", ""))
    if event not in EVENTS or not openid:
        return web.json_response({"message": f"event: one of {', '.join(EVENTS)}; openid"},
                                 status=400)
    settings = request.config_dict[SANDBOX_SETTINGS]
    mode: Mode = "safe" if settings.miniapp_aes_key and settings.miniapp_mode != "plain" \
        else "plain"
    pusher = Pusher(settings.miniapp_token, settings.miniapp_appid,
                    settings.miniapp_aes_key or None, mode)
    push = pusher.build(privacy_fields(openid, event, str(body.get("revoke", "")),
                                       settings.miniapp_appid))
    async with aiohttp.ClientSession() as session, session.post(
            f"{settings.own_url}/wechat/miniapp/callback", params=push.query,
            data=push.body) as resp:
        return web.json_response({"status": resp.status, "reply": await resp.text()})


def setup_wechat_privacy_simulator(app: web.Application) -> None:
    app.router.add_get("/api/faces", faces)
    app.router.add_post("/api/face", face)
    app.router.add_post("/api/privacy-event", privacy_event)
