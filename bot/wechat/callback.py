"""GET/POST /wechat/callback: the official-account message server."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

from bot.conversation.engine import Engine
from bot.conversation.event import Outcome
from bot.errors import BadRequest, Forbidden, TooLarge
from bot.wechat.crypto import MessageCrypto
from bot.wechat.incoming import Incoming
from bot.wechat.privacy_push import apply_privacy, privacy_event
from bot.wechat.replay import check_fresh
from bot.wechat.replies import SUCCESS, Refused, Retry, render_reply
from bot.wechat.signature import check_msg_signature, check_signature
from bot.wechat.xmlparse import parse_xml
from models.wechat import Channel
from services.common.metrics import CALLBACK_SECONDS
from services.common.runtime.trace import LOG_FIELDS, hashed_openid
from services.people import EVENTS as PRIVACY_EVENTS

log = logging.getLogger(__name__)
# config/observability/observe.py writes its lines
access_log = logging.getLogger("expertbot.access")


Mode = Literal["plain", "compat", "safe"]


@dataclass(frozen=True)
class Transport:
    """What the callback needs to speak WeChat's push protocol."""

    token: str
    crypto: MessageCrypto | None
    max_body: int
    # a push that could be neither handled nor kept is answered after this many seconds,
    # past WeChat's 5-second wait, so that WeChat delivers it again
    retry_hold: float = 5.5
    # the message mode configured in the WeChat console: in compatible and safe mode only
    # a push whose msg_signature covers its encrypted body is taken
    mode: Mode = "safe"
    max_age: int = 300  # seconds a push's timestamp may be away from now


def _authentic(transport: Transport, query: Mapping[str, str]) -> bool:
    """The signature holds and the timestamp is recent."""
    return check_signature(transport.token, query.get("signature"), query.get("timestamp"),
                           query.get("nonce")) \
        and check_fresh(query.get("timestamp"), time.time(), transport.max_age)


ENGINE = web.AppKey("engine", Engine)
# told of every push taken (the sandbox's fake WeChat: a message opens the 48-hour window
# however it was sent, as it does on WeChat's side)
Seen = Callable[[Incoming], None]
SEEN: web.AppKey[Seen] = web.AppKey("callback_seen")
TRANSPORT = web.AppKey("wechat_transport", Transport)


async def read_capped(request: web.Request, cap: int) -> bytes:
    """The body, or TooLarge as soon as it passes `cap` bytes (declared or actual)."""
    if request.content_length is not None and request.content_length > cap:
        raise TooLarge()
    if request.content_length is not None:  # declared and small enough: one read
        return await request.read()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > cap:
            raise TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


async def on_verify(request: web.Request) -> web.StreamResponse:
    """URL verification when the server address is saved in the WeChat console."""
    transport = request.app[TRANSPORT]
    q = request.query
    if not _authentic(transport, q):
        return web.Response(status=403, text="forbidden")
    return web.Response(text=q.get("echostr", "")[:128])


def _decode(transport: Transport, request: web.Request, body: bytes) -> tuple[Incoming, int | None]:
    """The incoming push and, in safe mode, the index of the AES key that decrypted it."""
    q = request.query
    outer = parse_xml(body)
    if q.get("encrypt_type", "raw") != "aes":
        if transport.mode != "plain":  # a push the encryption would have covered
            raise Forbidden()
        return Incoming.parse(outer), None
    if transport.crypto is None:
        raise BadRequest("an encrypted push arrived but WECHAT_AES_KEY is not set")
    encrypt = outer.get("Encrypt", "")
    if not encrypt:
        raise BadRequest("encrypt_type=aes without an Encrypt field")
    if not check_msg_signature(transport.token, q.get("msg_signature"), q.get("timestamp"),
                               q.get("nonce"), encrypt):
        raise Forbidden()
    decrypted = transport.crypto.decrypt(encrypt)
    return Incoming.parse(parse_xml(decrypted.xml)), decrypted.key_index


def _outcome_label(reply: object, outcome: Outcome) -> str:
    if isinstance(reply, Refused):
        return "refused"
    if outcome.busy or isinstance(reply, Retry):
        return "busy"
    if outcome.duplicate:
        return "duplicate"
    if outcome.failed:
        return "failed"
    return "late" if outcome.late or outcome.deferred else "answered"


async def on_push(request: web.Request) -> web.StreamResponse:
    """A message or event, timed in `expertbot_callback_seconds` by handler and outcome."""
    started = time.perf_counter()
    fields = {"handler": "-", "outcome": "refused"}
    try:
        return await _push(request, fields)
    finally:
        CALLBACK_SECONDS.labels(fields["handler"], fields["outcome"]).observe(
            time.perf_counter() - started)
        if (line := LOG_FIELDS.get()) is not None:  # the request's access line
            line.update(fields)


async def _push(request: web.Request, fields: dict[str, str]) -> web.StreamResponse:
    """Verify, decrypt, parse safely, hand to the engine, reply."""
    transport = request.app[TRANSPORT]
    q = request.query
    if not _authentic(transport, q):
        return web.Response(status=403, text="forbidden")
    try:
        body = await read_capped(request, transport.max_body)
        msg, key_index = _decode(transport, request, body)
    except TooLarge:
        return web.Response(status=413, text="payload too large")
    except Forbidden:
        return web.Response(status=403, text="forbidden")
    except BadRequest as exc:
        log.warning("rejected a push: %s", exc)
        return web.Response(status=400, text="bad request")
    if access_log.isEnabledFor(logging.INFO):  # a SHA-256 a push only when it is written
        fields["user"] = hashed_openid(msg.openid)
    if (seen := request.app.get(SEEN)) is not None:
        seen(msg)
    if msg.is_event and msg.event in PRIVACY_EVENTS:  # WeChat's, not the user's: no reply
        return await _privacy(request, msg, fields)
    engine = request.app[ENGINE]
    # plaintext: no signature covers the body, so the (timestamp, nonce) is used once
    use = engine.replays.use(q["timestamp"], q["nonce"], body) \
        if key_index is None and engine.replays is not None else None
    try:
        reply, outcome = await engine.handle(msg, use)
        fields["handler"] = outcome.handler or "none"
        fields["outcome"] = _outcome_label(reply, outcome)
        if isinstance(reply, Refused):
            return web.Response(status=403, text="forbidden")
        if isinstance(reply, Retry):
            await asyncio.sleep(transport.retry_hold)
            return web.Response(status=503, text="busy")
        xml = render_reply(reply, msg)
        if xml == SUCCESS:
            return web.Response(text=SUCCESS)
        if key_index is not None and transport.crypto is not None:
            xml = transport.crypto.encrypt(xml, key_index, q.get("nonce", ""),
                                           q.get("timestamp") or str(int(time.time())))
    except Exception:
        # never a 5xx: WeChat would retry a poisoned push; never a traceback in the body
        log.exception("unexpected error answering a %s push", msg.msg_type)
        fields["outcome"] = "failed"
        return web.Response(text=SUCCESS)
    return web.Response(text=xml, content_type="application/xml")


async def _privacy(request: web.Request, msg: Incoming,
                   fields: dict[str, str]) -> web.StreamResponse:
    """A privacy event (WX-MP-PRIVACY) about an official-account user: applied as the
    mini-program's are (services/people/wechat_privacy.py), answered `success`."""
    fields["handler"] = "privacy"
    try:
        event = privacy_event(msg.raw, Channel.OFFICIAL_ACCOUNT)
    except BadRequest as exc:
        log.warning("rejected a privacy push: %s", exc)
        return web.Response(status=400, text="bad request")
    if not await apply_privacy(request, event):
        fields["outcome"] = "busy"
        return web.Response(status=503, text="busy")
    fields["outcome"] = "answered"
    return web.Response(text=SUCCESS)


def setup_callback(app: web.Application) -> None:
    """Mount the message server at /wechat/callback."""
    app.router.add_get("/wechat/callback", on_verify)
    app.router.add_post("/wechat/callback", on_push)
