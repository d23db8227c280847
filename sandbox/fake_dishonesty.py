"""A fake 失信被执行人 provider on loopback, answering as
bot/providers/dishonesty/http.py documents:
the key, the timestamp (300 s), the single-use nonce and the HMAC signature checked first
(401), then 400 for a malformed query, then the finding. Nobody is listed until someone is:
tests (and the simulator) call `list_person`. `failures` holds statuses answered to the
next requests instead of a finding (503, 429, 403...), one each."""

from __future__ import annotations

import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.providers.dishonesty.http import KEY, NONCE, PATH, SIGNATURE, TIMESTAMP, signature
from services.common.errors import BadInput
from services.people import IdentityRules

MAX_AGE = 300  # s
CODES = {400: "BAD_REQUEST", 401: "AUTH_FAILED", 403: "FORBIDDEN", 429: "RATE_LIMITED",
         500: "UNAVAILABLE", 502: "UNAVAILABLE", 503: "UNAVAILABLE"}


@dataclass
class DishonestyFake:
    keys: dict[str, str] = field(default_factory=dict)  # key id -> secret
    listed: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # ID -> cases
    failures: list[int] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)
    requests: int = 0
    refused: int = 0  # requests answered 401 (a bad signature among them)

    def list_person(self, id_number: str, case_number: str = "(2024)粤0106执1234号",
                    court: str = "广州市天河区人民法院", published_on: str = "2024-06-18") -> None:
        """Put someone on the list (with one more case when they are on it already)."""
        self.listed.setdefault(id_number, []).append(
            {"case_number": case_number, "court": court, "published_on": published_on})

    def refusal(self, request: web.Request, body: bytes) -> str | None:
        """Why the request is not authentic, or None."""
        key, stamp = request.headers.get(KEY, ""), request.headers.get(TIMESTAMP, "")
        nonce = request.headers.get(NONCE, "")
        if key not in self.keys:
            return "unknown key"
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > MAX_AGE:
            return "stale timestamp"
        if not nonce or nonce in self.nonces:
            return "nonce missing or reused"
        expected = signature(self.keys[key], stamp, nonce, body)
        if not hmac.compare_digest(expected, request.headers.get(SIGNATURE, "")):
            return "bad signature"
        self.nonces.add(nonce)
        return None


DISHONESTY = web.AppKey("dishonesty_fake", DishonestyFake)


def _answer(status: int, **more: Any) -> web.Response:
    return web.json_response({"code": CODES.get(status, "OK"), **more,
                              "request_id": secrets.token_hex(8)}, status=status)


async def endpoint(request: web.Request) -> web.Response:
    fake = request.app[DISHONESTY]
    fake.requests += 1
    body = await request.read()
    if (why := fake.refusal(request, body)) is not None:
        fake.refused += 1
        return _answer(401, message=why)
    if fake.failures:
        return _answer(fake.failures.pop(0))
    try:
        query = json.loads(body)
        IdentityRules.parse_id_number(str(query.get("id_number", "")))
        if not str(query.get("name", "")).strip():
            raise ValueError("no name")
    except (ValueError, AttributeError, BadInput):
        return _answer(400)
    cases = fake.listed.get(query["id_number"], [])
    return _answer(200, listed=bool(cases), cases=cases)


def add_routes(app: web.Application) -> None:
    """The fake on `app` (the sandbox's fake API)."""
    app[DISHONESTY] = DishonestyFake()
    app.router.add_post("/dishonesty" + PATH, endpoint)
