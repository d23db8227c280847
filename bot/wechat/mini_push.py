"""GET/POST /wechat/miniapp/callback: the mini-program's message server (WX-MP 消息推送,
configured in the mini-program's console with a Token, an EncodingAESKey, a mode and a data
format of its own). It speaks the official account's protocol: the GET check echoes
`echostr` when `signature` (sha1 over the sorted Token, timestamp and nonce) holds; every
POST is signed the same way, its timestamp recent; in compatible and safe mode
`msg_signature` covers the `Encrypt` text, which the EncodingAESKey decrypts. The body is
XML or JSON as the console's 数据格式 says (read by its first character), so a switch of
format loses nothing.

The pushes taken are WeChat's privacy events (WX-MP-PRIVACY 授权用户信息变更), applied before
the answer (services/people/wechat_privacy.py); any other push is answered and dropped. The
answer is `success` ("回复 success 或空字符串（无需加密）"); when the database or Redis cannot
apply the event, 503, so that WeChat delivers it again."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping

from aiohttp import web

from bot.errors import BadRequest, Forbidden, TooLarge
from bot.wechat.callback import Transport, read_capped
from bot.wechat.privacy_push import apply_privacy, privacy_event
from bot.wechat.replay import check_fresh
from bot.wechat.replies import SUCCESS
from bot.wechat.signature import check_msg_signature, check_signature
from bot.wechat.xmlparse import parse_xml

log = logging.getLogger(__name__)

MINI_TRANSPORT = web.AppKey("miniapp_transport", Transport)
PATH = "/wechat/miniapp/callback"


def _authentic(transport: Transport, query: Mapping[str, str]) -> bool:
    return check_signature(transport.token, query.get("signature"), query.get("timestamp"),
                           query.get("nonce")) \
        and check_fresh(query.get("timestamp"), time.time(), transport.max_age)


def parse_body(body: bytes | str) -> dict[str, str]:
    """The push's fields, from XML or JSON (keys trimmed: the documentation's own JSON
    example writes `" OpenID"`)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not text.lstrip().startswith("{"):
        return parse_xml(body)
    try:
        data = json.loads(text)
    except ValueError:
        raise BadRequest("malformed JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the JSON body is not an object")
    return {str(k).strip(): str(v) for k, v in data.items()
            if isinstance(v, str | int) and not isinstance(v, bool)}


def decode(transport: Transport, query: Mapping[str, str], body: bytes) -> dict[str, str]:
    """The push's fields, its msg_signature checked and decrypted in compatible and safe
    mode (Forbidden: a push the mode does not allow, or a signature that fails)."""
    outer = parse_body(body)
    if query.get("encrypt_type", "raw") != "aes":
        if transport.mode != "plain":
            raise Forbidden()
        return outer
    encrypt = outer.get("Encrypt", "")
    if transport.crypto is None or not encrypt:
        raise BadRequest("an encrypted push without a key or an Encrypt field")
    if not check_msg_signature(transport.token, query.get("msg_signature"),
                               query.get("timestamp"), query.get("nonce"), encrypt):
        raise Forbidden()
    return parse_body(transport.crypto.decrypt(encrypt).xml)


async def on_verify(request: web.Request) -> web.StreamResponse:
    """URL verification when the address is saved in the mini-program's console."""
    if not _authentic(request.app[MINI_TRANSPORT], request.query):
        return web.Response(status=403, text="forbidden")
    return web.Response(text=request.query.get("echostr", "")[:128])


async def on_push(request: web.Request) -> web.StreamResponse:
    """Verify, decrypt, parse safely, apply a privacy event, answer `success`."""
    transport = request.app[MINI_TRANSPORT]
    if not _authentic(transport, request.query):
        return web.Response(status=403, text="forbidden")
    try:
        event = privacy_event(decode(transport, request.query,
                                     await read_capped(request, transport.max_body)))
    except TooLarge:
        return web.Response(status=413, text="payload too large")
    except Forbidden:
        return web.Response(status=403, text="forbidden")
    except BadRequest as exc:
        log.warning("rejected a mini-program push: %s", exc)
        return web.Response(status=400, text="bad request")
    if not await apply_privacy(request, event):
        return web.Response(status=503, text="busy")
    return web.Response(text=SUCCESS)


def setup_mini_push(app: web.Application) -> None:
    """Mount the mini-program's message server."""
    app.router.add_get(PATH, on_verify)
    app.router.add_post(PATH, on_push)
