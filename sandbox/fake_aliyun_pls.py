"""A fake Alibaba Cloud 号码隐私保护 (Dyplsapi 2017-05-25) on loopback, answering as the
documented API does: RPC requests signed with HMAC-SHA1 (SignatureDoesNotMatch, a reused
SignatureNonce, a Timestamp more than 15 minutes off), BindAxb (Expiration at least a minute
ahead: isv.EXPIRE_DATE_ILLEGAL; numbers checked: isv.MOBILE_NUMBER_ILLEGAL; the pool's middle
numbers each carry one binding per A or B number at a time, else isv.NO_AVAILABLE_NUMBER) and
UnbindSubscription (isv.NO_NOT_EXIST for a binding it does not hold).

A call is placed from a phone to a middle number (`dial`): the binding connects A to B or B to
A, both phones show the call (the caller dialling X, the callee ringing with X as the caller:
never the other's number), and when it ends the documented SecretReport record is pushed as
an HTTP batch (a JSON array) to the callback address set in the console, retried as the
provider retries until it reads {"code": 0}."""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

from bot.providers.privacy.aliyun import CALLBACK_PATH, SandboxPrivacy, pop_signature
from sandbox.platform import Platform

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")
MAX_SKEW = 900  # s: the documented 15 minutes
CHINA = timedelta(hours=8)


@dataclass
class Binding:
    subs_id: str
    a: str
    b: str
    x: str
    expires: float
    out_id: str
    released: bool = False


@dataclass
class Dialled:
    """A call in progress: from the caller to X, bridged to the callee."""

    call_id: str
    binding: Binding
    caller_is_a: bool
    started: float
    answered: float = 0.0
    ended: bool = False


@dataclass
class AliyunPlsFake:
    platform: Platform
    keys: dict[str, str] = field(default_factory=dict)  # AccessKeyId -> secret
    pool_key: str = ""
    numbers: tuple[str, ...] = ("17000000001", "17000000002", "17000000003")
    callback_url: str = ""
    down: bool = False  # answers isp.SYSTEM_ERROR, as an outage does
    bindings: dict[str, Binding] = field(default_factory=dict)
    calls: dict[str, Dialled] = field(default_factory=dict)
    nonces: set[str] = field(default_factory=set)
    pushed: list[list[dict[str, Any]]] = field(default_factory=list)
    clock: Any = time.time

    def checked(self, params: dict[str, str]) -> dict[str, Any] | None:
        """The documented refusal of a badly signed request, or None."""
        key_id = params.get("AccessKeyId", "")
        if key_id not in self.keys:
            return _error("InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        given = params.pop("Signature", "")
        if not hmac.compare_digest(pop_signature("POST", params, self.keys[key_id]), given):
            return _error("SignatureDoesNotMatch", "Specified signature is not matched with "
                                                   "our calculation.")
        try:
            stamp = datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return _error("MissingTimestamp", "Timestamp is mandatory for this action.")
        if abs(stamp.replace(tzinfo=UTC).timestamp() - self.clock()) > MAX_SKEW:
            return _error("InvalidTimeStamp.Expired", "Specified time stamp or date value "
                                                      "is expired.")
        nonce = params.get("SignatureNonce", "")
        if not nonce or nonce in self.nonces:
            return _error("SignatureNonceUsed", "The request signature nonce has been used.")
        self.nonces.add(nonce)
        return None

    def bind(self, params: dict[str, str]) -> dict[str, Any]:
        if params.get("PoolKey") != self.pool_key:
            return _error("isv.PARTNER_NOT_EXIST", "未知合作伙伴")
        a, b = params.get("PhoneNoA", ""), params.get("PhoneNoB", "")
        if not PHONE.match(a) or not PHONE.match(b) or a == b:
            return _error("isv.MOBILE_NUMBER_ILLEGAL", "号码格式非法")
        try:
            expires = (datetime.strptime(params.get("Expiration", ""), "%Y-%m-%d %H:%M:%S")
                       - CHINA).replace(tzinfo=UTC).timestamp()
        except ValueError:
            return _error("isv.EXPIRE_DATE_ILLEGAL", "过期时间非法")
        now = self.clock()
        if expires < now + 60:
            return _error("isv.EXPIRE_DATE_ILLEGAL", "过期时间非法")
        live = [v for v in self.bindings.values() if not v.released and v.expires > now]
        for x in self.numbers:
            # on one X, a number may be in one binding only: a call to X must find its peer
            if not any(v.x == x and ({a, b} & {v.a, v.b}) for v in live):
                binding = Binding(str(10**15 + len(self.bindings) + 1), a, b, x, expires,
                                  params.get("OutId", ""))
                self.bindings[binding.subs_id] = binding
                return {"Code": "OK", "Message": "OK", "RequestId": _request_id(),
                        "SecretBindDTO": {"SubsId": binding.subs_id, "SecretNo": x,
                                          "Extension": ""}}
        return _error("isv.NO_AVAILABLE_NUMBER", "无可用号码")

    def unbind(self, params: dict[str, str]) -> dict[str, Any]:
        binding = self.bindings.get(params.get("SubsId", ""))
        if binding is None or binding.released or binding.x != params.get("SecretNo"):
            return _error("isv.NO_NOT_EXIST", "号码不存在")
        binding.released = True
        return {"Code": "OK", "Message": "OK", "RequestId": _request_id()}

    def live_binding(self, caller: str, x: str) -> Binding | None:
        now = self.clock()
        return next((v for v in self.bindings.values() if v.x == x and not v.released
                     and v.expires > now and caller in (v.a, v.b)), None)

    def dial(self, caller: str, x: str) -> Dialled | None:
        """`caller` dials X: ringing at the peer (who sees X calling), or None when X holds
        no binding for the caller (the provider plays its "空号" tone)."""
        binding = self.live_binding(caller, x)
        if binding is None:
            return None
        call = Dialled(secrets.token_hex(8), binding, caller == binding.a, self.clock())
        self.calls[call.call_id] = call
        callee = binding.b if call.caller_is_a else binding.a
        self.platform.record("privacy_call", caller, {"text": f"正在呼叫 {x}（虚拟号码）",
                                                      "call_id": call.call_id})
        self.platform.record("privacy_call", callee, {"text": f"来电 {x}（虚拟号码）",
                                                      "call_id": call.call_id,
                                                      "ringing": True})
        return call

    def answer(self, call_id: str) -> bool:
        call = self.calls.get(call_id)
        if call is None or call.ended or call.answered:
            return False
        call.answered = self.clock()
        return True

    async def hang_up(self, call_id: str, talk_seconds: float = 0.0) -> int:
        """The call ends (after `talk_seconds` of talk, when answered); its record is pushed.
        Returns the callback's HTTP status (0: no address configured)."""
        call = self.calls.get(call_id)
        if call is None or call.ended:
            return 0
        call.ended = True
        end = (call.answered + talk_seconds) if call.answered else self.clock()
        return await self.push([self.report(call, end)])

    def report(self, call: Dialled, end: float) -> dict[str, Any]:
        """The documented SecretReport record of a call."""
        b = call.binding

        def shown(at: float) -> str:
            return (datetime.fromtimestamp(at, UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S")

        start = call.answered or end
        return {"pool_key": self.pool_key, "sub_id": int(b.subs_id), "call_id": call.call_id,
                "phone_no": b.a, "secret_no": b.x, "peer_no": b.b,
                "called_display_no": b.x, "call_type": 0 if call.caller_is_a else 1,
                "call_time": shown(call.started), "start_time": shown(start),
                "call_out_time": shown(call.started), "ring_time": shown(call.started),
                "free_ring_time": shown(call.started), "release_time": shown(end),
                "release_dir": 1, "out_id": b.out_id,
                "release_cause": 16 if call.answered else 19}

    async def push(self, records: list[dict[str, Any]], attempts: int = 3) -> int:
        if not self.callback_url:
            return 0
        self.pushed.append(records)
        status = 0
        async with aiohttp.ClientSession() as session:
            for _ in range(attempts):  # retried until the service answers code 0
                async with session.post(self.callback_url, json=records,
                                        timeout=aiohttp.ClientTimeout(total=3)) as resp:
                    status = resp.status
                    body = await resp.json(content_type=None)
                    if resp.status == 200 and isinstance(body, dict) and body.get("code") == 0:
                        break
        return status


def _error(code: str, message: str) -> dict[str, Any]:
    return {"Code": code, "Message": message, "RequestId": _request_id()}


def _request_id() -> str:
    return secrets.token_hex(16).upper()


ALIYUN_PLS = web.AppKey("aliyun_pls", AliyunPlsFake)
ACTIONS = {"BindAxb": AliyunPlsFake.bind, "UnbindSubscription": AliyunPlsFake.unbind}


def stand_in(fake: AliyunPlsFake, account: SandboxPrivacy, service_url: str) -> None:
    """The fake knows the sandbox's stand-in account and pushes to the service."""
    fake.keys = {account.config.access_key_id: account.config.access_key_secret}
    fake.pool_key = account.config.pool_key
    fake.callback_url = (f"{service_url.rstrip('/')}{CALLBACK_PATH}"
                         f"?token={account.callback_token}")


async def endpoint(request: web.Request) -> web.Response:
    fake = request.app[ALIYUN_PLS]
    params = {k: str(v) for k, v in (await request.post()).items()}
    params.update(request.query)
    if fake.down:
        return web.json_response(_error("isp.SYSTEM_ERROR", "isp.SYSTEM_ERROR"), status=500)
    refused = fake.checked(params)
    if refused is not None:
        return web.json_response(refused, status=400)
    action = ACTIONS.get(params.get("Action", ""))
    if action is None:
        return web.json_response(_error("InvalidAction.NotFound", "Specified api is not "
                                                                  "found."), status=404)
    return web.json_response(action(fake, params))
