"""Async WeChat API client on aiohttp (wechatpy's client is synchronous and would block).

Every URL comes from WECHAT_API_BASE. Token errors refresh once and retry once; every other
errcode is a typed error (bot.wechat.errors) that is not retried, except -1 (busy).

Retries with backoff, a bounded number of times, depend on what a repeat could do:
- errcode -1 (busy), or a connection that could not be made (refused, no free connection in
  time): WeChat did not carry the request out, so every call may repeat it;
- a timeout after the request was sent, a connection lost before the answer, a 5xx or an
  answer that is not JSON (`OutcomeUnknown`): WeChat may have carried it out. Only calls that
  are idempotent repeat it: template messages (client_msg_id: sent once per 10 minutes),
  tokens, QR codes, uploads, the menu, reads. Customer-service and subscribe messages have no
  idempotency key: a repeat could reach the user twice, so they are not repeated and the
  caller learns that the outcome is unknown; nor is a mini-program login code (it works once).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Any

import aiohttp
from redis.asyncio import Redis

from bot.wechat.errors import (
    BadCode,
    NotSent,
    OutcomeUnknown,
    TokenRejected,
    UserBlocked,
    WeChatAPIError,
    error_for,
)
from bot.wechat.token import TokenCache
from services.common.errors import BadInput, NotAllowed, Unavailable
from services.common.ports import MiniSession
from services.common.redis_keys import RedisKeys

log = logging.getLogger(__name__)

BACKOFF_JITTER = 1.5  # the longest of the random factor (0.5 to 1.5) applied to each backoff
CONNECT_SHARE = 0.8  # of a call's timeout, for getting a connection (then it counts as unsent)


class WeChatAPI:
    """One app's API (the official account and the mini-program each have their own)."""

    def __init__(self, session: aiohttp.ClientSession, base: str, appid: str, secret: str,
                 redis: Redis, keys: RedisKeys, *, timeout: float = 3.0, attempts: int = 3,
                 backoff: float = 0.2, qr_base: str = "https://mp.weixin.qq.com") -> None:
        self.session = session
        self.base = base.rstrip("/")
        self._qr_base = qr_base.rstrip("/")
        self.appid = appid
        self._secret = secret
        self._timeout = timeout
        self._attempts = attempts
        self._backoff = backoff
        # a refresh may fetch twice (stable_token can hand back the rejected token)
        self.tokens = TokenCache(redis, keys, appid, self._fetch_token,
                                 fetch_budget=2 * self.worst_case())

    def worst_case(self) -> float:
        """The longest one call can take: every attempt times out after the longest backoff."""
        backoffs = sum(self._backoff * 3 ** i * BACKOFF_JITTER for i in range(self._attempts - 1))
        return float(self._attempts * self._timeout + backoffs)

    async def _fetch_token(self, force: bool) -> tuple[str, int]:
        body = await self._with_retries("POST", "/cgi-bin/stable_token", token=False, json_body={
            "grant_type": "client_credential", "appid": self.appid, "secret": self._secret,
            "force_refresh": force,
        })
        return body["access_token"], int(body.get("expires_in", 7200))

    async def call(self, method: str, path: str, *, json_body: Any = None,
                   params: dict[str, str] | None = None, form: aiohttp.FormData | None = None,
                   token: bool = True, timeout: float | None = None,
                   idempotent: bool = True) -> dict[str, Any]:
        """One API call with the token, refresh and retry rules applied; `idempotent=False`
        for a call that must not be repeated when WeChat may already have carried it out."""
        kw: dict[str, Any] = {"json_body": json_body, "params": params, "form": form,
                              "timeout": timeout, "idempotent": idempotent}
        if not token:
            return await self._with_retries(method, path, token=False, **kw)
        current = await self.tokens.get()
        try:
            return await self._with_retries(method, path, token=current, **kw)
        except TokenRejected:  # WeChat refused the call: nothing was carried out
            log.info("access token rejected by %s: refreshing once", path)
            current = await self.tokens.invalidate(current)
            return await self._with_retries(method, path, token=current, **kw)

    async def _with_retries(self, method: str, path: str, *, token: str | bool,
                            json_body: Any = None, params: dict[str, str] | None = None,
                            form: aiohttp.FormData | None = None,
                            timeout: float | None = None,
                            idempotent: bool = True) -> dict[str, Any]:
        query = dict(params or {})
        if isinstance(token, str):
            query["access_token"] = token
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._request(method, path, query, json_body, form,
                                           timeout or self._timeout)
            except WeChatAPIError as exc:
                if not exc.retryable or attempt >= self._attempts:
                    raise
                if isinstance(exc, OutcomeUnknown) and not idempotent:
                    raise  # it may have been carried out: a repeat could do it twice
                delay = self._backoff * (3 ** (attempt - 1)) * (0.5 + random.random())
                log.warning("%s failed (%s), retry %d in %.2f s", path, exc.errcode, attempt,
                            delay)
                await asyncio.sleep(delay)

    async def _request(self, method: str, path: str, query: dict[str, str], json_body: Any,
                       form: aiohttp.FormData | None, timeout: float) -> dict[str, Any]:
        # a connect timeout shorter than the total one tells "never sent" from "no answer"
        kwargs: dict[str, Any] = {"params": query, "timeout": aiohttp.ClientTimeout(
            total=timeout, connect=timeout * CONNECT_SHARE)}
        if json_body is not None:
            # WeChat wants UTF-8 text, not \u escapes, in its JSON bodies.
            kwargs["data"] = json.dumps(json_body, ensure_ascii=False).encode()
            kwargs["headers"] = {"Content-Type": "application/json; charset=utf-8"}
        elif form is not None:
            kwargs["data"] = form
        try:
            async with self.session.request(method, self.base + path, **kwargs) as resp:
                if resp.status >= 500:
                    raise OutcomeUnknown(-resp.status, f"HTTP {resp.status}", path)
                raw = await resp.read()
                if resp.status >= 400:
                    raise WeChatAPIError(-resp.status, f"HTTP {resp.status}", path)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise NotSent(-2, repr(exc), path) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OutcomeUnknown(-2, repr(exc), path) from exc
        try:
            body = json.loads(raw)
        except ValueError:
            raise OutcomeUnknown(-3, "response is not JSON", path) from None
        errcode = int(body.get("errcode") or 0)
        if errcode:
            raise error_for(errcode, str(body.get("errmsg", "")), path)
        answer: dict[str, Any] = body
        return answer

    # --- official account -------------------------------------------------------------

    async def send_text(self, openid: str, content: str) -> None:
        """Customer-service text message (only within 48 h of the user's last interaction);
        OutcomeUnknown when WeChat may have sent it (not repeated: no idempotency key)."""
        await self.call("POST", "/cgi-bin/message/custom/send", idempotent=False, json_body={
            "touser": openid, "msgtype": "text", "text": {"content": content}})

    async def send_image(self, openid: str, media_id: str) -> None:
        """Customer-service image message (not repeated on an unknown outcome, as text)."""
        await self.call("POST", "/cgi-bin/message/custom/send", idempotent=False, json_body={
            "touser": openid, "msgtype": "image", "image": {"media_id": media_id}})

    async def send_template(self, openid: str, template_id: str, data: dict[str, str], *,
                            client_msg_id: str, url: str | None = None,
                            miniprogram: dict[str, str] | None = None) -> int:
        """Template message; `client_msg_id` makes WeChat send it once per 10 minutes."""
        payload: dict[str, Any] = {
            "touser": openid, "template_id": template_id, "client_msg_id": client_msg_id,
            "data": {k: {"value": v} for k, v in data.items()},
        }
        if url:
            payload["url"] = url
        if miniprogram:
            payload["miniprogram"] = miniprogram
        body = await self.call("POST", "/cgi-bin/message/template/send", json_body=payload)
        return int(body.get("msgid", 0))

    async def upload_image(self, content: bytes, filename: str = "image.png") -> str:
        """Temporary media upload; returns the media_id (valid 3 days)."""
        form = aiohttp.FormData()
        form.add_field("media", content, filename=filename, content_type="image/png")
        body = await self.call("POST", "/cgi-bin/media/upload", params={"type": "image"},
                               form=form, timeout=10.0)
        return str(body["media_id"])

    async def create_qr(self, scene: str, expire_seconds: int) -> dict[str, Any]:
        """Temporary parametric QR code (QR_STR_SCENE, up to 30 days): ticket, url."""
        return await self.call("POST", "/cgi-bin/qrcode/create", json_body={
            "expire_seconds": min(expire_seconds, 2_592_000), "action_name": "QR_STR_SCENE",
            "action_info": {"scene": {"scene_str": scene}}})

    def qr_image_url(self, ticket: str) -> str:
        """Where the QR image of a ticket is shown (mp.weixin.qq.com/cgi-bin/showqrcode)."""
        from urllib.parse import quote

        return f"{self._qr_base}/cgi-bin/showqrcode?ticket={quote(ticket)}"

    async def create_menu(self, buttons: list[dict[str, Any]]) -> None:
        """Replace the custom menu."""
        await self.call("POST", "/cgi-bin/menu/create", json_body={"button": buttons})

    async def user_info(self, openid: str) -> dict[str, Any]:
        """Follower info (subscribe flag, unionid where bound)."""
        return await self.call("GET", "/cgi-bin/user/info",
                               params={"openid": openid, "lang": "zh_CN"})

    async def oauth_openid(self, code: str) -> str:
        """Web OAuth (snsapi_base): exchange a code for the visitor's openid."""
        body = await self.call("GET", "/sns/oauth2/access_token", token=False, params={
            "appid": self.appid, "secret": self._secret, "code": code,
            "grant_type": "authorization_code"})
        return str(body["openid"])

    # --- mini-program ---------------------------------------------------------------------

    async def jscode2session(self, code: str) -> dict[str, Any]:
        """Mini-program login: openid, session_key (never leaves the server), maybe unionid."""
        # a login code works once: after an unknown outcome a retry would only get 40163
        params = {"appid": self.appid, "secret": self._secret, "js_code": code,
                  "grant_type": "authorization_code"}
        return await self.call("GET", "/sns/jscode2session", token=False, idempotent=False,
                               params=params)

    async def send_subscribe(self, openid: str, template_id: str, data: dict[str, str], *,
                             page: str = "", state: str = "formal") -> None:
        """Mini-program subscribe message (one consent = one message); not repeated on an
        unknown outcome (no idempotency key)."""
        await self.call("POST", "/cgi-bin/message/subscribe/send", idempotent=False, json_body={
            "touser": openid, "template_id": template_id, "page": page,
            "data": {k: {"value": v} for k, v in data.items()},
            "miniprogram_state": state, "lang": "zh_CN"})

    # -- the ports the domain's edges use (services.common.ports): refusals as domain errors -------

    async def login(self, code: str) -> MiniSession:
        """jscode2session for the mini-program's login (services.common.ports.MiniLogin)."""
        try:
            data = await self.jscode2session(code)
        except BadCode:
            raise BadInput("wechat.bad_code") from None
        except UserBlocked:
            raise NotAllowed("wechat.user_blocked") from None
        except WeChatAPIError as exc:
            log.warning("mini-program login: %s", exc)
            raise Unavailable("wechat.unavailable") from exc
        return MiniSession(str(data["openid"]), str(data["session_key"]),
                           str(data["unionid"]) if data.get("unionid") else None)

    async def qr_image(self, scene: str, expire_seconds: int) -> str:
        """A temporary parametric QR code's image address (services.common.ports.QrImages)."""
        try:
            made = await self.create_qr(scene, expire_seconds)
        except WeChatAPIError as exc:
            log.warning("QR code not made: %s", exc)
            raise Unavailable("wechat.unavailable") from exc
        return self.qr_image_url(str(made["ticket"]))
