"""An image captcha for a form anyone may post without signing in (the 公示's objections):
the answer is made and kept in Redis, never sent to the browser — only a random challenge id
that names it — answered once (taken as it is checked, right or wrong) and gone after
CAPTCHA_SECONDS. The picture is drawn by the `captcha` package (Pillow, its own fonts) off the
event loop, each time it is asked for, from the answer kept; an address asking for too many
pictures a minute is refused."""

from __future__ import annotations

import asyncio
import secrets

from aiohttp import web
from captcha.image import ImageCaptcha

from web.context import PAGE_REDIS
from web.rate import over_limit

CAPTCHA_SECONDS = 600  # a form is filled in within ten minutes, or asks for a new picture
LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # none of 0/O, 1/I/L read as each other
LENGTH = 4
PICTURES_PER_MINUTE = 30  # per address: a page opened, a picture or two redrawn
CAPTCHA_PATH = "/captcha/{challenge}.png"


async def new_challenge(request: web.Request) -> str:
    """A new challenge id, its answer kept for CAPTCHA_SECONDS."""
    store = request.app[PAGE_REDIS]
    challenge = secrets.token_urlsafe(16)
    answer = "".join(secrets.choice(LETTERS) for _ in range(LENGTH))
    await store.redis.set(store.keys.captcha(challenge), answer, ex=CAPTCHA_SECONDS)
    return challenge


async def check_answer(request: web.Request, challenge: str, given: str) -> bool:
    """The answer to `challenge` is `given` (any case, spaces ignored); the challenge is
    used up either way."""
    if not challenge or len(challenge) > 64:
        return False
    store = request.app[PAGE_REDIS]
    key = store.keys.captcha(challenge)
    async with store.redis.pipeline(transaction=True) as pipe:
        pipe.get(key)
        pipe.delete(key)
        kept, _ = await pipe.execute()
    if not kept:
        return False
    answer = kept.decode() if isinstance(kept, bytes) else str(kept)
    typed = "".join(given.split()).upper()
    return secrets.compare_digest(typed.encode(), answer.encode())


def _draw(answer: str) -> bytes:
    return ImageCaptcha(width=160, height=60).generate(answer).getvalue()


async def picture(request: web.Request) -> web.Response:
    """The picture of a challenge's answer; 404 once it is used or expired."""
    if await over_limit(request, "captcha", PICTURES_PER_MINUTE):
        raise web.HTTPTooManyRequests()
    store = request.app[PAGE_REDIS]
    kept = await store.redis.get(store.keys.captcha(request.match_info["challenge"][:64]))
    if not kept:
        raise web.HTTPNotFound()
    answer = kept.decode() if isinstance(kept, bytes) else str(kept)
    png = await asyncio.get_running_loop().run_in_executor(None, _draw, answer)
    return web.Response(body=png, content_type="image/png",
                        headers={"Cache-Control": "no-store"})


def setup_captcha(app: web.Application) -> None:
    app.router.add_get(CAPTCHA_PATH, picture)
