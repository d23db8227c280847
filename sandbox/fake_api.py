"""The fake WeChat API over HTTP (the same paths as api.weixin.qq.com), on a Platform."""

from __future__ import annotations

import asyncio
import contextvars
import io
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from sandbox.fake_aliyun_pls import ALIYUN_PLS, AliyunPlsFake
from sandbox.fake_aliyun_pls import endpoint as aliyun_pls_endpoint
from sandbox.fake_dishonesty import add_routes as add_dishonesty
from sandbox.fake_face import add_routes as add_face
from sandbox.fake_tencent_faceid import TENCENT_FACEID, TencentFaceIdFake
from sandbox.fake_tencent_faceid import endpoint as tencent_faceid_endpoint
from sandbox.fake_tencent_sms import TENCENT_SMS, TencentSmsFake
from sandbox.fake_tencent_sms import endpoint as tencent_sms_endpoint
from sandbox.fake_tencent_vms import TENCENT_VMS, TencentVmsFake
from sandbox.fake_tencent_vms import endpoint as tencent_vms_endpoint
from sandbox.platform import Platform
from sandbox.platform_records import Fault, PlatformError

log = logging.getLogger(__name__)

PLATFORM = web.AppKey("platform", Platform)
# the fault injected into the request being handled (each request has its own task)
_FAULT: contextvars.ContextVar[Fault | None] = contextvars.ContextVar("sandbox_fault",
                                                                      default=None)

Handler = Callable[[web.Request, Platform], Awaitable[dict[str, Any]]]


def _ok(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", **(extra or {})}


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        raise PlatformError(47001, "data format error") from None
    if not isinstance(body, dict):
        raise PlatformError(47001, "data format error")
    return body


def endpoint(platform_path: str, needs_token: bool = True) -> Callable[[Handler], Any]:
    """Wrap a fake endpoint: count it, apply injected faults, check the token, map errors."""

    def wrap(func: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def view(request: web.Request) -> web.StreamResponse:
            platform = request.app[PLATFORM]
            platform.calls[platform_path] = platform.calls.get(platform_path, 0) + 1
            fault = platform.take_fault(platform_path)
            _FAULT.set(fault)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.status:
                    return web.Response(status=fault.status, text="upstream error")
                if fault.errcode:
                    return web.json_response({"errcode": fault.errcode,
                                              "errmsg": "injected fault"})
            try:
                if needs_token:
                    platform.token_owner(request.query.get("access_token"))
                answer = await func(request, platform)
            except PlatformError as exc:
                answer = {"errcode": exc.errcode, "errmsg": exc.errmsg}
            if fault is not None and fault.delay_after:
                await asyncio.sleep(fault.delay_after)
            return web.json_response(answer)

        return view

    return wrap


@endpoint("/cgi-bin/stable_token", needs_token=False)
async def stable_token(request: web.Request, platform: Platform) -> dict[str, Any]:
    body = await _json(request)
    if body.get("grant_type") != "client_credential":
        raise PlatformError(40002, "invalid grant_type")
    token, expires = platform.stable_token(str(body.get("appid")), str(body.get("secret")),
                                           bool(body.get("force_refresh")))
    return {"access_token": token, "expires_in": expires}


@endpoint("/cgi-bin/message/custom/send")
async def custom_send(request: web.Request, platform: Platform) -> dict[str, Any]:
    platform.send_custom(await _json(request))
    return _ok()


@endpoint("/cgi-bin/message/template/send")
async def template_send(request: web.Request, platform: Platform) -> dict[str, Any]:
    sent = platform.send_template(await _json(request))
    if sent.receipt:  # a repeat (same client_msg_id) of a job already reported: no new job
        return _ok({"msgid": sent.msgid})
    fault = _FAULT.get()
    blocked = platform.user(sent.openid).blocks_templates
    sent.receipt = (fault.receipt if fault is not None and fault.receipt
                    else "failed:user block" if blocked else "success")
    hook = platform.on_template_sent
    if hook is not None:
        task = asyncio.get_running_loop().create_task(hook(sent, sent.receipt))
        request.app[_PENDING].add(task)
        task.add_done_callback(request.app[_PENDING].discard)
    return _ok({"msgid": sent.msgid})


@endpoint("/cgi-bin/message/subscribe/send")
async def subscribe_send(request: web.Request, platform: Platform) -> dict[str, Any]:
    platform.send_subscribe(await _json(request))
    return _ok()


@endpoint("/cgi-bin/media/upload")
async def media_upload(request: web.Request, platform: Platform) -> dict[str, Any]:
    if request.query.get("type") not in ("image", "voice", "video", "thumb"):
        raise PlatformError(40004, "invalid media type")
    reader = await request.multipart()
    part = await reader.next()
    if not isinstance(part, BodyPartReader) or part.name != "media":
        raise PlatformError(41005, "media data missing")
    content = await part.read()
    media_id = platform.upload(bytes(content), part.headers.get("Content-Type", ""))
    return {"type": request.query["type"], "media_id": media_id, "created_at": 0}


@endpoint("/cgi-bin/qrcode/create")
async def qrcode_create(request: web.Request, platform: Platform) -> dict[str, Any]:
    return platform.create_qr(await _json(request))


@endpoint("/cgi-bin/menu/create")
async def menu_create(request: web.Request, platform: Platform) -> dict[str, Any]:
    platform.set_menu(list((await _json(request)).get("button") or []))
    return _ok()


@endpoint("/cgi-bin/user/info")
async def user_info(request: web.Request, platform: Platform) -> dict[str, Any]:
    openid = request.query.get("openid", "")
    user = platform.users.get(openid)
    if user is None:
        raise PlatformError(40003, "invalid openid")
    out: dict[str, Any] = {"subscribe": int(user.follower), "openid": openid}
    if user.unionid:
        out["unionid"] = user.unionid
    return out


@endpoint("/sns/jscode2session", needs_token=False)
async def jscode2session(request: web.Request, platform: Platform) -> dict[str, Any]:
    q = request.query
    if q.get("grant_type") != "authorization_code":
        raise PlatformError(40002, "invalid grant_type")
    return platform.jscode2session(q.get("appid", ""), q.get("secret", ""), q.get("js_code", ""))


@endpoint("/sns/oauth2/access_token", needs_token=False)
async def oauth_access_token(request: web.Request, platform: Platform) -> dict[str, Any]:
    q = request.query
    return platform.oauth(q.get("appid", ""), q.get("secret", ""), q.get("code", ""))


@endpoint("/sms/send", needs_token=False)
async def sms_send(request: web.Request, platform: Platform) -> dict[str, Any]:
    body = await _json(request)
    platform.send_sms(str(body.get("phone", "")), str(body.get("text", "")))
    return _ok()


async def show_media(request: web.Request) -> web.StreamResponse:
    """Not a WeChat API: lets the simulator show an image a customer-service message sent."""
    item = request.app[PLATFORM].media.get(request.query.get("media_id", ""))
    if item is None:
        raise web.HTTPNotFound()
    return web.Response(body=item[0], content_type=item[1] or "image/png")


async def show_qrcode(request: web.Request) -> web.StreamResponse:
    """mp.weixin.qq.com/cgi-bin/showqrcode: the QR image of a ticket."""
    import qrcode

    ticket = request.query.get("ticket", "")
    if ticket not in request.app[PLATFORM].qr_tickets:
        raise web.HTTPNotFound()
    buf = io.BytesIO()
    await asyncio.to_thread(lambda: qrcode.make(f"weixin://qr/{ticket}").save(buf, "PNG"))
    return web.Response(body=buf.getvalue(), content_type="image/png")


_PENDING = web.AppKey("pending_hooks", set[asyncio.Task[None]])


async def _drain(app: web.Application) -> None:
    pending: set[asyncio.Task[None]] = app[_PENDING]
    for task in list(pending):
        task.cancel()


async def stop_pushing(app: web.Application, platform: Platform) -> None:
    """No more events pushed to the service, and those on their way delivered: for a
    service about to stop (a push arriving while it closes would find no one to answer)."""
    platform.on_template_sent = None
    pending: set[asyncio.Task[None]] = app[_PENDING]
    await asyncio.gather(*pending, return_exceptions=True)


def fake_api_app(platform: Platform) -> web.Application:
    """The fake API as an aiohttp app (mounted under /sandbox, or served on its own)."""
    app = web.Application()
    app[PLATFORM] = platform
    app[_PENDING] = set()
    app.on_cleanup.append(_drain)
    app.router.add_post("/cgi-bin/stable_token", stable_token)
    app.router.add_post("/cgi-bin/message/custom/send", custom_send)
    app.router.add_post("/cgi-bin/message/template/send", template_send)
    app.router.add_post("/cgi-bin/message/subscribe/send", subscribe_send)
    app.router.add_post("/cgi-bin/media/upload", media_upload)
    app.router.add_post("/cgi-bin/qrcode/create", qrcode_create)
    app.router.add_post("/cgi-bin/menu/create", menu_create)
    app.router.add_get("/cgi-bin/user/info", user_info)
    app.router.add_get("/cgi-bin/showqrcode", show_qrcode)
    app.router.add_get("/sns/jscode2session", jscode2session)
    app.router.add_get("/sns/oauth2/access_token", oauth_access_token)
    app.router.add_get("/media", show_media)
    app.router.add_post("/sms/send", sms_send)
    app[TENCENT_SMS] = TencentSmsFake(platform)
    app.router.add_post("/tencent-sms", tencent_sms_endpoint)
    app[TENCENT_VMS] = TencentVmsFake(platform)
    app.router.add_post("/tencent-vms", tencent_vms_endpoint)
    app[TENCENT_FACEID] = TencentFaceIdFake()
    app.router.add_post("/tencent-faceid", tencent_faceid_endpoint)
    add_dishonesty(app)
    add_face(app, platform)
    app[ALIYUN_PLS] = AliyunPlsFake(platform)
    app.router.add_post("/aliyun-pls/", aliyun_pls_endpoint)
    return app
