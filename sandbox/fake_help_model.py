"""A fake of the province's model service on loopback (docs/help-model.md): the OpenAI
embeddings shape, each text's vector its characters and character pairs hashed into DIM
numbers — texts sharing words come out close, as a real model's paraphrases do, enough to
rank with. `delay` makes it slow and `down` makes it answer 503, for the fallbacks' tests;
`asked` counts the texts it embedded."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from dataclasses import dataclass

from aiohttp import web

PATH = "/help-model/embeddings"
DIM = 256
MAX_BODY = 1024 * 1024


@dataclass
class HelpModelFake:
    delay: float = 0.0  # seconds before answering
    down: bool = False  # answer 503
    asked: int = 0


HELP_MODEL = web.AppKey("help_model_fake", HelpModelFake)


def vector(text: str) -> list[float]:
    chars = [c for c in text if c.isalnum()]
    row = [0.0] * DIM
    for piece in [*chars, *(a + b for a, b in itertools.pairwise(chars))]:
        digest = hashlib.blake2b(piece.encode(), digest_size=4).digest()
        row[int.from_bytes(digest, "big") % DIM] += 1.0 + (len(piece) > 1)
    return row


async def embeddings(request: web.Request) -> web.Response:
    fake = request.app[HELP_MODEL]
    if fake.delay:
        await asyncio.sleep(fake.delay)
    if fake.down:
        return web.json_response({"error": "unavailable"}, status=503)
    if request.content_length is not None and request.content_length > MAX_BODY:
        return web.json_response({"error": "too large"}, status=413)
    body = await request.json()
    texts = body.get("input") if isinstance(body, dict) else None
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return web.json_response({"error": "input must be a list of strings"}, status=400)
    fake.asked += len(texts)
    return web.json_response({"model": "fake-province", "data": [
        {"index": i, "embedding": vector(t)} for i, t in enumerate(texts)]})


def help_model_app(fake: HelpModelFake) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[HELP_MODEL] = fake
    app.router.add_post(PATH, embeddings)
    return app
