"""A fake of the province's unified identity platform (统一身份认证平台) at /sandbox/idp, an
OpenID Connect provider as the service's client expects one (OpenID Connect Core 1.0,
Discovery 1.0, RFC 7636): its discovery document and JWKS; an authorization page where the
tester signs in as a demo person — a legal-person (法人) or a personal account, at the level
the platform verified (一级 to 四级) — and is sent back with a code; the token endpoint, which
takes the code once, within a minute, from the registered client (HTTP Basic), for the same
redirect address and the PKCE verifier of its challenge, and answers an ID token signed RS256
(`sub`, `name`, `id_number`, `user_type`, `credit_code`, `level`, the nonce). `tampered`
signs the next token with a key the JWKS does not hold; `down` answers 503; `slow` makes the
token endpoint take that many seconds."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from services.demo import AGENCY, DEMO_PEOPLE

CLIENT_ID, CLIENT_SECRET = "expertbot-sandbox", "sandbox-idp-secret"
CODE_SECONDS = 60
REDIRECT_PATH = "/console/sign-in/unified/done"  # the client's registered return
KID = "sandbox-idp-1"
WHO = [d for d in DEMO_PEOPLE if d.key in ("agency_legal", "handler", "expert")]


@dataclass
class Grant:
    claims: dict[str, Any]
    redirect_uri: str
    challenge: str
    nonce: str
    until: float


@dataclass
class IdentityPlatformFake:
    issuer: str
    codes: dict[str, Grant] = field(default_factory=dict)
    tampered: bool = False
    down: bool = False
    slow: float = 0.0  # seconds the token endpoint takes

    @functools.cached_property
    def key(self) -> rsa.RSAPrivateKey:
        """The signing key, made when first used (not at every sandbox's start)."""
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def issue(self, claims: dict[str, Any], redirect_uri: str, challenge: str,
              nonce: str) -> str:
        """A code for these claims (what the authorization page does once the tester signs
        in; tests call it too)."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = Grant(claims, redirect_uri, challenge, nonce,
                                 time.time() + CODE_SECONDS)
        return code

    def token(self, grant: Grant) -> str:
        now = int(time.time())
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) \
            if self.tampered else self.key
        return jwt.encode({**grant.claims, "iss": self.issuer, "aud": CLIENT_ID, "iat": now,
                           "exp": now + 300, "nonce": grant.nonce}, key, algorithm="RS256",
                          headers={"kid": KID})


PLATFORM = web.AppKey("identity_platform", IdentityPlatformFake)


def claims_of(who: str, legal: bool, level: int) -> dict[str, Any]:
    person = next(d for d in WHO if d.key == who)
    return {"sub": f"gdidp-{person.key}", "name": person.name, "id_number": person.id_number,
            "user_type": "legal" if legal else "personal",
            "credit_code": AGENCY[1] if legal else "", "org_name": AGENCY[0] if legal else "",
            "level": level}


def _fake(request: web.Request) -> IdentityPlatformFake:
    return request.app[PLATFORM]


async def discovery(request: web.Request) -> web.Response:
    issuer = _fake(request).issuer
    return web.json_response({
        "issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token", "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"]})


async def jwks(request: web.Request) -> web.Response:
    return web.json_response(_fake(request).jwks())


async def authorize_page(request: web.Request) -> web.Response:
    q = request.query
    if not _registered(q.get("client_id", ""), q.get("redirect_uri", "")) or \
            q.get("code_challenge_method") != "S256":
        raise web.HTTPBadRequest(text="invalid_request")
    hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                     for k, v in q.items())
    people = "".join(f'<option value="{d.key}">{escape(d.name)}（{escape(d.key)}）</option>'
                     for d in WHO)
    return web.Response(content_type="text/html", text=f"""<!doctype html><html lang="zh-CN">
<head><meta charset="utf-8"><title>广东省统一身份认证平台（沙箱）</title></head><body>
<h1>广东省统一身份认证平台（沙箱）</h1><form method="post">{hidden}
<label>登录人 <select name="who">{people}</select></label>
<label>账号类型 <select name="account"><option value="legal">法人用户</option>
<option value="personal">个人用户</option></select></label>
<label>核验等级 <select name="level"><option value="4">四级（原L2）</option>
<option value="3">三级</option><option value="2">二级</option><option value="1">一级</option>
</select></label><button data-testid="idp-sign-in">登录</button></form></body></html>""")


def _registered(client_id: str, redirect_uri: str) -> bool:
    """The client registered here, sending the browser back to its registered address (a
    platform refuses any other: no code goes elsewhere)."""
    return client_id == CLIENT_ID and redirect_uri.endswith(REDIRECT_PATH) and \
        redirect_uri.startswith(("http://", "https://"))


async def authorize(request: web.Request) -> web.Response:
    form = await request.post()
    fake = _fake(request)
    if not _registered(str(form.get("client_id", "")), str(form.get("redirect_uri", ""))):
        raise web.HTTPBadRequest(text="invalid_request: redirect_uri or client_id")
    try:
        claims = claims_of(str(form["who"]), form.get("account") == "legal",
                           int(str(form.get("level", "1"))))
    except (KeyError, ValueError, StopIteration):
        raise web.HTTPBadRequest(text="invalid_request") from None
    code = fake.issue(claims, str(form["redirect_uri"]), str(form["code_challenge"]),
                      str(form.get("nonce", "")))
    raise web.HTTPFound(str(form["redirect_uri"]) + "?" + urlencode(
        {"code": code, "state": str(form.get("state", ""))}))


async def token(request: web.Request) -> web.Response:
    fake = _fake(request)
    if fake.down:
        raise web.HTTPServiceUnavailable()
    if fake.slow:
        await asyncio.sleep(fake.slow)
    try:
        auth = base64.b64decode(request.headers.get("Authorization", "")[6:]).decode()
    except ValueError:
        auth = ""
    if auth != f"{CLIENT_ID}:{CLIENT_SECRET}":
        return web.json_response({"error": "invalid_client"}, status=401)
    form = await request.post()
    grant = fake.codes.pop(str(form.get("code", "")), None)  # once, whatever follows
    verifier = str(form.get("code_verifier", ""))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()
                                         ).rstrip(b"=").decode()
    if (grant is None or grant.until < time.time() or form.get("grant_type")
            != "authorization_code" or form.get("redirect_uri") != grant.redirect_uri
            or challenge != grant.challenge):
        return web.json_response({"error": "invalid_grant"}, status=400)
    return web.json_response({"access_token": secrets.token_urlsafe(24),
                              "token_type": "Bearer", "expires_in": 300,
                              "id_token": fake.token(grant)})


def identity_platform_app(fake: IdentityPlatformFake) -> web.Application:
    app = web.Application()
    app[PLATFORM] = fake
    app.router.add_get("/.well-known/openid-configuration", discovery)
    app.router.add_get("/jwks", jwks)
    app.router.add_get("/authorize", authorize_page)
    app.router.add_post("/authorize", authorize)
    app.router.add_post("/token", token)
    return app
