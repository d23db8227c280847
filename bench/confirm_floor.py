"""The floor for an expert's chat `1` (bench/paired.py `--b-floor`): the irreducible work of
a confirmation, written as leanly as the stack allows with nothing but aiohttp, asyncpg and
redis.asyncio on the same PostgreSQL and Redis as the service, reading the same pushes:

- the push's signature, its XML parsed safely (the service's own two helpers, as
  bench/floor.py uses them);
- the MsgId kept in Redis once (WeChat's retries of a push answered `success`);
- one transaction: the expert's open invitation found by the openid and locked with its
  activity, marked confirmed by chat, the condition's confirmed experts counted, one outbox
  row queued for the activity's handler (the agency's progress, as the service queues it,
  so that the worker delivers the same kind of notice for either side), committed;
- the passive reply (a fixed confirmation of the service's length).

Nothing else the service does is here: no conversation state, no per-user lock, no reply
cache, no identity statement, no venue code, no sanction or kin check, no second wave, no
template rendering per reply. The ratio service/floor is what bench/README.md reports."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime

import asyncpg
from aiohttp import web
from redis import asyncio as aioredis

from bench.common import lean_reset
from bench.floor import serve, with_health
from bot.wechat.incoming import Incoming
from bot.wechat.replies import Text, render_reply
from bot.wechat.signature import check_signature
from bot.wechat.xmlparse import parse_xml

REPLY = ("您已确认参加评标（项目：回复压测项目），请按时到达评标地点。签到时向工作人员出示"
         "签到码，如有变化请及时回复。")
NONE = "您目前没有待回复的评标邀请。"

OPEN = """
SELECT i.id, i.activity_id, i.condition_id, a.handler_id, p.name
FROM wechat_identity w
JOIN draw_invitation i ON i.person_id = w.person_id AND i.status = 'sent'
JOIN draw_activity a ON a.id = i.activity_id
JOIN draw_project p ON p.id = a.project_id
WHERE w.openid = $1
ORDER BY i.id LIMIT 1
FOR UPDATE OF i, a
"""
CONFIRM = """
UPDATE draw_invitation SET status = 'confirmed', answered_via = 'chat', replied_at = $2
WHERE id = $1
"""
COUNT = """
SELECT count(*) FILTER (WHERE status = 'confirmed'), (SELECT planned FROM draw_condition
WHERE id = $1) FROM draw_invitation WHERE condition_id = $1
"""
QUEUE = """
INSERT INTO notification (kind, person_id, params, status, ruled_out, channels, covered,
    attempts, lane, next_attempt_at, client_msg_id, created_at)
VALUES ('draw.progress', $1, $2, 'queued', '', '', false, 0, 0, $3, $4, $3)
"""


def make_app(token: str, database_url: str, redis_url: str) -> web.Application:
    async def started(app: web.Application) -> None:
        app["pg"] = await asyncpg.create_pool(database_url.replace("postgres://",
                                                                   "postgresql://"),
                                              min_size=8, max_size=32, reset=lean_reset)
        app["redis"] = aioredis.from_url(redis_url)

    async def stopped(app: web.Application) -> None:
        await app["pg"].close()
        await app["redis"].aclose()

    async def handle(request: web.Request) -> web.Response:
        q = request.query
        if not check_signature(token, q.get("signature"), q.get("timestamp"), q.get("nonce")):
            return web.Response(status=403)
        msg = Incoming.parse(parse_xml(await request.read()))
        if not await request.app["redis"].set(f"floor:msg:{msg.msg_id}", 1, nx=True, ex=300):
            return web.Response(text="success")  # a retry of a push already answered
        now = datetime.now(UTC)
        async with request.app["pg"].acquire() as conn, conn.transaction():
            found = await conn.fetchrow(OPEN, msg.openid)
            if found is None:
                text = NONE
            else:
                await conn.execute(CONFIRM, found["id"], now)
                confirmed, planned = await conn.fetchrow(COUNT, found["condition_id"])
                params = {"project": found["name"][:20], "activity": found["activity_id"],
                          "activity_no": str(found["activity_id"]),
                          "at": f"{now:%Y-%m-%d %H:%M}",
                          "progress": f"已确认 {confirmed}/{planned} 人"}
                await conn.execute(QUEUE, found["handler_id"], json.dumps(params), now,
                                   secrets.token_hex(8))
                text = REPLY
        return web.Response(text=render_reply(Text(text), msg),
                            content_type="application/xml")

    app = web.Application()
    app.on_startup.append(started)
    app.on_cleanup.append(stopped)
    app.router.add_post("/wechat/callback", handle)
    with_health(app)
    return app


def main() -> None:
    import uvloop  # as the service's serve process runs (config/serve.py)

    serve(make_app(os.environ["WECHAT_TOKEN"], os.environ["DATABASE_URL"],
                   os.environ["REDIS_URL"]), loop=uvloop.new_event_loop(), reuse_port=True)


if __name__ == "__main__":
    main()
