"""The evaluation systems' signed protocol (docs/evaluation-systems.md): the federation's
discipline (signature, time, nonce; answers signed over the request's nonce) under its own
version and headers, so a signature made for one protocol is worthless in the other. The
systems and their keys are the administrator's register, read at each request, so a key
changed or a system stopped takes effect at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from redis.asyncio import Redis

from models.evaluation.systems import EvaluationSystem
from services.federation import Federation, Identity, Incoming, NotTrusted, Peer, Protocol, Trust

EVALUATION_PROTOCOL = Protocol("EXPERTBOT-EVAL-1", "X-Evaluation", "eval-nonce")
LIBRARY_CODE = "library"  # this library's code where federation gives it none


@dataclass(frozen=True)
class Caller:
    """A checked request: the system that signed it and its nonce (answers are signed
    over it)."""

    system: EvaluationSystem
    incoming: Incoming


def peer_of(system: EvaluationSystem) -> Peer:
    return Peer(system.code, system.name, system.url, system.public_key, "never")


class SystemTrust:
    def __init__(self, identity: Identity | None, redis: Redis | None, prefix: str) -> None:
        """`identity`: this library's code and key (None: the protocol is off here)."""
        self.identity = identity
        self.redis = redis
        self.prefix = prefix

    @property
    def on(self) -> bool:
        return self.identity is not None

    def trust_for(self, system: EvaluationSystem) -> Trust:
        """The protocol between this library and one system, either way."""
        return Trust(Federation(self.identity, {system.code: peer_of(system)}), self.redis,
                     self.prefix, EVALUATION_PROTOCOL)

    async def check(self, headers: Mapping[str, str], method: str, path: str, body: bytes,
                    now: int) -> Caller:
        """The registered, active system that signed this request; NotTrusted otherwise."""
        if self.identity is None:
            raise NotTrusted("off")
        code = headers.get(EVALUATION_PROTOCOL.names()[0], "")[:16]
        system = await EvaluationSystem.get_or_none(code=code, active=True) if code else None
        if system is None:
            raise NotTrusted("unknown_peer")
        incoming = await self.trust_for(system).check_request(headers, method, path, body,
                                                              now)
        return Caller(system, incoming)

    def sign_answer(self, caller: Caller, status: int, body: bytes) -> dict[str, str]:
        return self.trust_for(caller.system).sign_answer(caller.incoming, status, body)
