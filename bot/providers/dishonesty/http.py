"""The 失信被执行人 provider's HTTP API (DISHONESTY_PROVIDER=<base URL>), in the shape licensed
data providers use; the sandbox's fake (sandbox/fake_dishonesty.py) answers the same way.

    POST <base>/v1/dishonest/query
    Content-Type: application/json
    X-Dishonesty-Key: <key id>
    X-Dishonesty-Timestamp: <unix seconds>        (refused when off by more than 300 s)
    X-Dishonesty-Nonce: <random hex, single use>
    X-Dishonesty-Signature: hex(HMAC-SHA256(secret, "<timestamp>\\n<nonce>\\n" + body))

    {"name": "张三", "id_number": "440106198503040091"}

    200 {"code": "OK", "listed": true,
         "cases": [{"case_number": "(2023)粤0106执1234号", "court": "广州市天河区人民法院",
                    "published_on": "2023-05-06"}], "request_id": "..."}
    400 {"code": "BAD_REQUEST"}     the name or number is malformed: this query only
    401 {"code": "AUTH_FAILED"}     unknown key, bad signature, stale timestamp, nonce reused
    403 {"code": "FORBIDDEN"}       the account is suspended or its quota used up
    429 {"code": "RATE_LIMITED"}, 5xx {"code": "UNAVAILABLE"}: try again later

401 and 403 are DishonestyRefused (the run stops), 400 DishonestyBadQuery, the rest
DishonestyUnavailable (retried, services/people/dishonesty/provider.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from services.people.dishonesty import (
    Case,
    DishonestyBadQuery,
    DishonestyRefused,
    DishonestyUnavailable,
    Finding,
)

PATH = "/v1/dishonest/query"
KEY, TIMESTAMP, NONCE, SIGNATURE = ("X-Dishonesty-Key", "X-Dishonesty-Timestamp",
                                    "X-Dishonesty-Nonce", "X-Dishonesty-Signature")


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The request's signature: HMAC-SHA256 over the timestamp, the nonce and the body."""
    message = f"{timestamp}\n{nonce}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class DishonestyConfig:
    key: str
    secret: str
    base: str  # the provider's address, without PATH
    timeout: float = 5.0


class DishonestyHttp:
    def __init__(self, session: aiohttp.ClientSession, config: DishonestyConfig,
                 clock: Callable[[], float] = time.time) -> None:
        self._session = session
        self._config = config
        self._clock = clock

    async def query(self, name: str, id_number: str) -> Finding:
        """Listed or not, with the cases; one of the three failures otherwise."""
        body = json.dumps({"name": name, "id_number": id_number},
                          ensure_ascii=False).encode()
        stamp, nonce = str(int(self._clock())), secrets.token_hex(12)
        headers = {"Content-Type": "application/json", KEY: self._config.key,
                   TIMESTAMP: stamp, NONCE: nonce,
                   SIGNATURE: signature(self._config.secret, stamp, nonce, body)}
        timeout = aiohttp.ClientTimeout(total=self._config.timeout,
                                        connect=self._config.timeout / 2)
        try:
            async with self._session.post(self._config.base.rstrip("/") + PATH, data=body,
                                          headers=headers, timeout=timeout) as resp:
                status = resp.status
                answer: Any = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise DishonestyUnavailable(type(exc).__name__) from exc
        code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
        if status in (401, 403):
            raise DishonestyRefused(f"{status} {code}")
        if status == 400:
            raise DishonestyBadQuery(code)
        if status != 200 or code != "OK" or not isinstance(answer.get("listed"), bool):
            raise DishonestyUnavailable(f"{status} {code}")
        cases = answer.get("cases") or []
        return Finding(answer["listed"], tuple(
            Case.of(c) for c in cases if isinstance(c, dict)) if answer["listed"] else ())
