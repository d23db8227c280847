"""The evaluation systems' protocol set up (docs/evaluation-systems.md): this library signs
its answers and its pushes with EVALUATION_PRIVATE_KEY, else FEDERATION_PRIVATE_KEY, else —
outside production — a key derived from SECRET_KEY (production without a key: the protocol
answers "off"); SM2, and toward a system registered with an Ed25519 key the Ed25519 key
kept beside it (EVALUATION_LEGACY_KEY, else FEDERATION_LEGACY_KEY). Its code in the signed
texts is FEDERATION_CODE, or `library`. The systems themselves are the administrator's
register, not configuration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio import Redis

from bot.providers.evaluation.server import (
    EVALUATION,
    EvaluationEdge,
    setup_evaluation_server,
)
from bot.providers.federation.client import FederationClient
from config.federation import FederationSettings
from config.settings import Settings, SettingsError
from services.audit import AuditChain
from services.common.clock import Clock
from services.common.redis_keys import RedisKeys
from services.common.texts import Texts
from services.domain import Domain
from services.evaluation import LIBRARY_CODE, SystemTrust
from services.federation import ED25519, SM2_SM3, BadKey, Identity, Keys, Trust


class EvaluationSettings(BaseSettings):
    """The trading centres' e-evaluation systems."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    private_key: str = Field(
        "", validation_alias="EVALUATION_PRIVATE_KEY",
        description="the SM2 key (`sm2:` and base64) this library signs with toward the "
                    "trading centres' "
                    "e-evaluation systems; in production without it or "
                    "`FEDERATION_PRIVATE_KEY` the protocol answers \"off\". The systems "
                    "themselves are registered in the console (电子评标系统), not configured. "
                    "Empty: `FEDERATION_PRIVATE_KEY`, else derived from `SECRET_KEY` outside "
                    "production")
    legacy_key: str = Field(
        "", validation_alias="EVALUATION_LEGACY_KEY",
        description="the Ed25519 private key kept beside an SM2 `EVALUATION_PRIVATE_KEY` "
                    "while a system is registered with an Ed25519 key; empty: "
                    "`FEDERATION_LEGACY_KEY`")
    timeout: float = Field(
        10.0, gt=0, le=60, validation_alias="EVALUATION_TIMEOUT",
        description="seconds to wait for an evaluation system's answer to a committee push")


def identity_of(settings: Settings) -> Identity | None:
    """This library as the evaluation systems know it (None: no key in production)."""
    federation, env = FederationSettings(), EvaluationSettings()
    key = env.private_key or federation.private_key
    legacy = env.legacy_key or federation.legacy_key
    if not key:
        if settings.is_production:
            return None
        seed = settings.secret_key.encode() + b":evaluation"
        key, legacy = (Keys.from_seed(seed, a) for a in (SM2_SM3, ED25519))
    identity = Identity(federation.code or LIBRARY_CODE, federation.name or LIBRARY_CODE, key,
                        legacy)
    try:
        identity.public_key()
    except BadKey as exc:
        raise SettingsError(f"EVALUATION_PRIVATE_KEY: {exc}") from None
    return identity


def system_trust(settings: Settings, redis: Redis, keys: RedisKeys) -> SystemTrust:
    return SystemTrust(identity_of(settings), redis, keys.prefix)


def system_client(http: aiohttp.ClientSession
                  ) -> Callable[[Trust], Callable[..., Awaitable[dict[str, Any]]]]:
    """The signed call to one system, for the committee's pushes."""
    timeout = EvaluationSettings().timeout

    def client(trust: Trust) -> Callable[..., Awaitable[dict[str, Any]]]:
        return FederationClient(trust, http, timeout).call

    return client


def setup_evaluation(app: web.Application) -> None:
    setup_evaluation_server(app)


def hand_evaluation(app: web.Application, trust: SystemTrust, audit: AuditChain,
                    texts: Texts, clock: Clock, domain: Domain) -> None:
    app[EVALUATION] = EvaluationEdge(trust, audit, texts, clock, domain.scores,
                                     domain.watches, domain.committee_reads,
                                     domain.evaluation_events, domain.corrections)
