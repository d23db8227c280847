"""The province's unified identity platform as an OpenID Connect provider (OpenID Connect
Core 1.0, the authorization code flow with PKCE, RFC 7636): its discovery document, the
authorization address the console sends a legal person to, the token endpoint (the client's
secret by HTTP Basic, client_secret_basic) and its ID token, checked before any claim is read:
signed RS256 by a key of the provider's JWKS, issued by the provider, for this client, not
expired, with the nonce this sign-in sent (the JWKS read again, once, for a key it does not
hold or a signature its key under that kid does not verify: a platform's key replaced).
Claims: `sub`, `name`, `id_number` (the person's verified ID number), `user_type` (`legal` /
`personal`), `credit_code` (a legal person's), `level` (1–4: the verified level;
GD-DRAW's 四级 is 4)."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any
from urllib.parse import quote_plus, urlencode

import aiohttp
import jwt

from services.people.verifiers import PlatformRefused, Verified

log = logging.getLogger(__name__)
SCOPE = "openid profile"
LEEWAY = 60  # seconds of clock difference allowed on exp and iat
ANSWER_MAX = 64 * 1024  # the provider's documents and tokens are small


class OidcPlatform:
    def __init__(self, session: aiohttp.ClientSession, issuer: str, client_id: str,
                 client_secret: str, redirect_uri: str, timeout: float = 5.0) -> None:
        self._session = session
        self.issuer = issuer.rstrip("/")
        self._client_id, self._secret = client_id, client_secret
        self.redirect_uri = redirect_uri
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        # client_secret_basic (RFC 6749 §2.3.1: each part form-encoded, then Base64)
        self._basic = "Basic " + base64.b64encode(
            f"{quote_plus(client_id)}:{quote_plus(client_secret)}".encode()).decode()
        self._meta: dict[str, Any] | None = None
        self._keys: jwt.PyJWKSet | None = None

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            async with self._session.get(url, timeout=self._timeout) as response:
                raw = await response.content.read(ANSWER_MAX + 1)
                if response.status != 200 or len(raw) > ANSWER_MAX:
                    raise PlatformRefused("identity.platform_unavailable")
                found: dict[str, Any] = json.loads(raw)
                return found
        except (aiohttp.ClientError, TimeoutError, ValueError):
            raise PlatformRefused("identity.platform_unavailable") from None

    async def _discover(self) -> dict[str, Any]:
        if self._meta is None:
            meta = await self._get(f"{self.issuer}/.well-known/openid-configuration")
            if meta.get("issuer", "").rstrip("/") != self.issuer:
                raise PlatformRefused("identity.platform_unavailable")
            self._meta = meta
        return self._meta

    async def prepare(self) -> None:
        """The discovery document, read once (the authorization address needs it)."""
        await self._discover()

    def authorize_url(self, state: str, nonce: str, challenge: str) -> str:
        assert self._meta is not None, "prepare() first"
        return str(self._meta["authorization_endpoint"]) + "?" + urlencode({
            "response_type": "code", "client_id": self._client_id, "scope": SCOPE,
            "redirect_uri": self.redirect_uri, "state": state, "nonce": nonce,
            "code_challenge": challenge, "code_challenge_method": "S256"})

    async def _key(self, kid: str, again: bool = False) -> Any:
        for refresh in (again, True):  # a key not known yet: the set read again, once
            if self._keys is None or refresh:
                meta = await self._discover()
                self._keys = jwt.PyJWKSet.from_dict(await self._get(str(meta["jwks_uri"])))
            for key in self._keys.keys:
                if key.key_id == kid:
                    return key.key
        raise PlatformRefused("identity.token_invalid")

    async def exchange(self, code: str, verifier: str, nonce: str) -> Verified:
        meta = await self._discover()
        try:
            async with self._session.post(
                    str(meta["token_endpoint"]), timeout=self._timeout,
                    headers={"Authorization": self._basic},
                    data={"grant_type": "authorization_code", "code": code,
                          "redirect_uri": self.redirect_uri,
                          "code_verifier": verifier}) as response:
                raw = await response.content.read(ANSWER_MAX + 1)
                if response.status >= 500:
                    raise PlatformRefused("identity.platform_unavailable")
                if response.status != 200:
                    log.warning("identity platform refused the code: %s", response.status)
                    raise PlatformRefused("identity.code_refused")
                answer = json.loads(raw)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            raise PlatformRefused("identity.platform_unavailable") from None
        return await self._verified(str(answer.get("id_token", "")), nonce)

    async def _decode(self, token: str, again: bool) -> dict[str, Any]:
        header = jwt.get_unverified_header(token)
        claims: dict[str, Any] = jwt.decode(
            token, await self._key(str(header.get("kid", "")), again), algorithms=["RS256"],
            audience=self._client_id, issuer=self.issuer, leeway=LEEWAY,
            options={"require": ["exp", "iat", "sub", "nonce"]})
        return claims

    async def _verified(self, token: str, nonce: str) -> Verified:
        try:
            try:
                claims = await self._decode(token, again=False)
            except jwt.InvalidSignatureError:  # the platform's key replaced under its kid
                claims = await self._decode(token, again=True)
        except jwt.PyJWTError as exc:
            log.warning("identity platform's ID token refused: %s", type(exc).__name__)
            raise PlatformRefused("identity.token_invalid") from None
        if claims.get("nonce") != nonce:
            raise PlatformRefused("identity.token_invalid")
        try:
            level = int(claims.get("level", 0))
        except (TypeError, ValueError):
            level = 0
        return Verified(subject=str(claims["sub"]), name=str(claims.get("name", "")),
                        id_number=str(claims.get("id_number", "")),
                        legal=claims.get("user_type") == "legal",
                        credit_code=str(claims.get("credit_code", "")), level=level)
