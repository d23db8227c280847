"""The province's model service over HTTP (docs/help-model.md): `POST <HELP_MODEL_URL>` with
`{"input": [texts], "input_type": "query"}`, answered `{"data": [{"index": i, "embedding":
[floats]}], "model": name}` — the OpenAI embeddings shape. Anything else, or nothing within
HELP_MODEL_TIMEOUT, is services.help's ModelUnavailable: that answer is ranked locally."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import aiohttp

from services.help import ModelUnavailable

ANSWER_MAX = 4 * 1024 * 1024  # 32 vectors of a few thousand numbers each, at most


class ProvinceModel:
    def __init__(self, session: aiohttp.ClientSession, url: str, timeout: float) -> None:
        self._session = session
        self._url = url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        # the entries' vectors are kept by this name: another address, other vectors
        self.name = "province-" + hashlib.sha256(url.encode()).hexdigest()[:12]

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        try:
            async with self._session.post(
                    self._url, json={"input": list(texts), "input_type": "query"},
                    timeout=self._timeout) as response:
                raw = await response.content.read(ANSWER_MAX + 1)
                if response.status != 200 or len(raw) > ANSWER_MAX:
                    raise ModelUnavailable(f"status {response.status}")
                data = json.loads(raw)["data"]
                rows = sorted(data, key=lambda d: int(d["index"]))
                vectors = [[float(x) for x in d["embedding"]] for d in rows]
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as e:
            raise ModelUnavailable(type(e).__name__) from None
        if len(vectors) != len(texts) or len({len(v) for v in vectors}) > 1:
            raise ModelUnavailable("shape")
        return vectors
