"""The floor for bench/callback.py: a bare aiohttp handler that does only the protocol work
(signature, safe XML parse, AES where asked, reply rendering), no dedup, lock, user or state;
for a receipt (TEMPLATESENDJOBFINISH) only signature, parse (and AES) and `success`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from aiohttp import web

from bot.wechat.crypto import MessageCrypto
from bot.wechat.incoming import Incoming
from bot.wechat.replies import Text, render_reply
from bot.wechat.signature import check_msg_signature, check_signature
from bot.wechat.xmlparse import parse_xml
from handlers.commands import HELP
from services.common.texts import Texts

TEXTS = Path(__file__).resolve().parent.parent / "texts"


def make_app(token: str, aes_key: str, appid: str) -> web.Application:
    crypto = MessageCrypto(token, [aes_key], appid)
    # the full path's 帮助 reply
    reply = Texts(TEXTS).render("chat/help.j2", flow_title=None, sections=HELP)

    async def handle(request: web.Request) -> web.Response:
        q = request.query
        if not check_signature(token, q.get("signature"), q.get("timestamp"), q.get("nonce")):
            return web.Response(status=403)
        outer = parse_xml(await request.read())
        key_index = None
        if q.get("encrypt_type") == "aes":
            if not check_msg_signature(token, q.get("msg_signature"), q.get("timestamp"),
                                       q.get("nonce"), outer["Encrypt"]):
                return web.Response(status=403)
            decrypted = crypto.decrypt(outer["Encrypt"])
            outer, key_index = parse_xml(decrypted.xml), decrypted.key_index
        msg = Incoming.parse(outer)
        if msg.is_event:  # a receipt: nothing to say (the full path keeps it, then the same)
            return web.Response(text="success")
        xml = render_reply(Text(reply), msg)
        if key_index is not None:
            xml = crypto.encrypt(xml, key_index, q["nonce"], q["timestamp"])
        return web.Response(text=xml, content_type="application/xml")

    app = web.Application()
    app.router.add_post("/wechat/callback", handle)
    with_health(app)
    return app


def with_health(app: web.Application) -> None:
    """The two probes the benchmarks wait on, as the service answers them."""
    app.router.add_get("/healthz", lambda r: web.json_response({"status": "ok"}))
    app.router.add_get("/readyz", lambda r: web.json_response({"status": "ready"}))


def serve(app: web.Application, **options: object) -> None:
    """A floor served on loopback at `--port`, without the access log."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None,
                **options)


def main() -> None:
    serve(make_app(os.environ["WECHAT_TOKEN"], os.environ["WECHAT_AES_KEY"],
                   os.environ["WECHAT_APPID"]), reuse_port=True)


if __name__ == "__main__":
    main()
