"""Federation's settings and set-up (docs/federation.md): off unless FEDERATION_CODE names
this library. Its private key is FEDERATION_PRIVATE_KEY, SM2 (`expertbot federation key
--new` makes one), with FEDERATION_LEGACY_KEY, the Ed25519 key it had, kept while a peer's
registered key is still Ed25519; outside production a library without one signs with keys
derived from SECRET_KEY, so two development instances can be paired by copying public keys.
Peers are FEDERATION_PEERS, a JSON list of {"code", "name", "url", "public_key", "accept"},
and for a rotation of a peer's key "until" (its end) and "second_public_key" with its own
"second_until"; a peer's key says its algorithm (services/federation/algorithms.py)."""

from __future__ import annotations

import json

import aiohttp
from aiohttp import web
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio import Redis

from bot.providers.federation.client import FederationClient
from bot.providers.federation.server import (
    FEDERATION,
    FederationEdge,
    setup_federation_server,
)
from config.key_dates import parse_until
from config.settings import Settings, SettingsError
from services.audit import AuditChain
from services.common.clock import Clock
from services.common.redis_keys import RedisKeys
from services.common.texts import Texts
from services.federation import (
    ACCEPT_MODES,
    ED25519,
    SM2_SM3,
    BadKey,
    DirectoryReader,
    Federation,
    Identity,
    Keys,
    Pace,
    Peer,
    PeerAsks,
    PeerDesk,
    PeerLending,
    Trust,
)

CODE_MAX = 16


class FederationSettings(BaseSettings):
    """Sharing experts with other libraries."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    code: str = Field(
        "", validation_alias="FEDERATION_CODE",
        description="this library's code among the libraries it shares with, letters and "
                    "digits, e.g. `440100`; empty: no `/federation/` route")
    name: str = Field("", validation_alias="FEDERATION_NAME",
                      description="this library's name, e.g. 广州市评标专家库")
    private_key: str = Field(
        "", validation_alias="FEDERATION_PRIVATE_KEY",
        description="its SM2 signing key, `sm2:` and base64 (`expertbot federation key "
                    "--new`); required in production once `FEDERATION_CODE` is set. An "
                    "Ed25519 key (base64, no prefix) still works toward peers registered with "
                    "Ed25519 keys only. Empty outside production: derived from `SECRET_KEY`")
    legacy_key: str = Field(
        "", validation_alias="FEDERATION_LEGACY_KEY",
        description="the Ed25519 private key this library had before SM2, kept beside an SM2 "
                    "`FEDERATION_PRIVATE_KEY` while a peer's registered key is still Ed25519: "
                    "toward that peer it signs with this one (docs/federation.md, \"Moving a "
                    "peer to SM2\"); empty once every peer is on SM2")
    peers: str = Field(
        "[]", validation_alias="FEDERATION_PEERS",
        description="JSON list of the libraries it trusts: `code`, `name`, `url`, "
                    "`public_key`, and how their requests are decided (`accept`); for a "
                    "rotation of a library's key, `until` (the key is not accepted from that "
                    "day on: `2027-06-30` means through that China day) and "
                    "`second_public_key` with its own `second_until`: both keys are accepted "
                    "until one ends (docs/federation.md)")
    timeout: float = Field(10.0, gt=0, le=60, validation_alias="FEDERATION_TIMEOUT",
                           description="seconds to wait for another library's answer")
    claim_margin: float = Field(
        20.0, gt=0, le=600, validation_alias="FEDERATION_CLAIM_MARGIN",
        description="seconds beyond `FEDERATION_TIMEOUT` a sweep holds a message while it "
                    "sends it: no other worker sends it meanwhile, and a process killed while "
                    "sending sends it again once the timeout and this have passed")
    retry: float = Field(
        15.0, gt=0, le=600, validation_alias="FEDERATION_RETRY",
        description="seconds to wait before calling a library again after a call it did not "
                    "answer; doubled after each such call, at most 10 minutes")
    poll: float = Field(
        20.0, gt=0, le=600, validation_alias="FEDERATION_POLL",
        description="seconds between asks about a request another library has taken and not "
                    "finished (its decision, its draw)")


def _peers(raw: str) -> dict[str, Peer]:
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        raise SettingsError("FEDERATION_PEERS is not JSON (a list of peers)") from None
    if not isinstance(items, list):
        raise SettingsError("FEDERATION_PEERS must be a JSON list")
    peers: dict[str, Peer] = {}
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise SettingsError(f"FEDERATION_PEERS item {n} is not an object")
        missing = [k for k in ("code", "name", "url", "public_key") if not item.get(k)]
        if missing:
            raise SettingsError(f"FEDERATION_PEERS item {n} lacks {', '.join(missing)}")
        accept = str(item.get("accept", "admin"))
        if accept not in ACCEPT_MODES:
            raise SettingsError(f"FEDERATION_PEERS item {n}: accept is one of "
                                f"{', '.join(ACCEPT_MODES)}")
        what = f"FEDERATION_PEERS item {n} ({str(item['code'])[:CODE_MAX]})"
        until, second_until = (parse_until(str(item[k]), f"{what} {k}") if item.get(k) else None
                               for k in ("until", "second_until"))
        peer = Peer(str(item["code"])[:CODE_MAX], str(item["name"]), str(item["url"]),
                    str(item["public_key"]), accept, until,
                    str(item.get("second_public_key") or ""), second_until)
        try:
            Keys.check(peer.public_key, "public_key")
            if peer.second_key:
                Keys.check(peer.second_key, "second_public_key")
        except BadKey as exc:
            raise SettingsError(f"{what}: {exc}") from None
        peers[peer.code] = peer
    return peers


def federation_of(settings: Settings, env: FederationSettings | None = None) -> Federation:
    """The configured federation (off: no identity, no peers); a SettingsError naming what
    is wrong."""
    env = env or FederationSettings()
    if not env.code:
        return Federation(None)
    if not env.code.isalnum() or len(env.code) > CODE_MAX:
        raise SettingsError("FEDERATION_CODE: letters and digits, at most 16")
    key, legacy = env.private_key, env.legacy_key
    if not key:
        if settings.is_production:
            raise SettingsError("FEDERATION_CODE is set: production needs FEDERATION_PRIVATE_KEY"
                                " (expertbot federation key --new)")
        key, legacy = (Keys.from_seed(settings.secret_key.encode(), a) for a in (SM2_SM3, ED25519))
    identity = Identity(env.code, env.name or env.code, key, legacy)
    peers = _peers(env.peers)
    try:
        identity.public_key()
    except BadKey as exc:
        raise SettingsError(str(exc)) from None
    for peer in peers.values():
        for public in (k for k in (peer.public_key, peer.second_key) if k):
            algorithm = Keys.check(public, "public_key").algorithm
            try:
                identity.key(algorithm)
            except BadKey:
                raise SettingsError(
                    f"FEDERATION_PEERS {peer.code}: its key is {algorithm.name} and this "
                    f"library holds no {algorithm.name} key: " + (
                        "keep the Ed25519 key as FEDERATION_LEGACY_KEY" if algorithm is ED25519
                        else "make one (expertbot federation key --new) for "
                             "FEDERATION_PRIVATE_KEY, the Ed25519 one as FEDERATION_LEGACY_KEY")
                ) from None
    return Federation(identity, peers)


FEDERATION_CONFIG = web.AppKey("federation_config", Federation)


def setup_federation(app: web.Application, settings: Settings) -> None:
    """Read the configuration (a bad one stops the start) and route the server if on."""
    app[FEDERATION_CONFIG] = federation = federation_of(settings)
    if federation.on:
        setup_federation_server(app)


def hand_federation(app: web.Application, redis: Redis, keys: RedisKeys, audit: AuditChain,
                    texts: Texts, clock: Clock, directory: DirectoryReader,
                    lending: PeerLending | None = None, asking: PeerAsks | None = None) -> None:
    federation = app[FEDERATION_CONFIG]
    if federation.on:
        app[FEDERATION] = FederationEdge(Trust(federation, redis, keys.prefix), audit, texts,
                                         clock, directory, lending, asking)


def peer_desk(settings: Settings, http: aiohttp.ClientSession, redis: Redis,
              keys: RedisKeys) -> PeerDesk:
    """The desk's reads of peers' directories, over the signed protocol."""
    env = FederationSettings()
    federation = federation_of(settings, env)
    if not federation.on:
        return PeerDesk(federation)
    client = FederationClient(Trust(federation, redis, keys.prefix), http, env.timeout)
    return PeerDesk(federation, client.directory, client.call,
                    Pace(env.timeout, env.claim_margin, env.retry, env.poll))
