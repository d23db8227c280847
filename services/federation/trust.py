"""Who may ask this library, and whose answers it believes: every request carries its
sender's code, a time and a nonce, signed with the sender's key; a request older or newer
than MAX_AGE seconds, from a library not configured, with a bad signature, or with a nonce
seen before (kept in Redis for twice MAX_AGE) is refused. Answers are signed over the
request's nonce, so an answer cannot be replayed to another request."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from redis.asyncio import Redis

from services.federation.algorithms import Algorithm
from services.federation.keys import VERSION, Identity, Peer, answer_text, request_text

MAX_AGE = 300  # seconds a signed request is good for (clocks of two centres drift)
HEADER_FROM = "X-Federation-From"
HEADER_TO = "X-Federation-To"
HEADER_TIME = "X-Federation-Timestamp"
HEADER_NONCE = "X-Federation-Nonce"
HEADER_SIGNATURE = "X-Federation-Signature"


@dataclass(frozen=True)
class Protocol:
    """A signed protocol: the version its texts start with, its headers' prefix and the
    Redis key its nonces are kept under (the evaluation systems' protocol is the
    federation's discipline with its own names, so a signature fits one of them only)."""

    version: str = VERSION
    header: str = "X-Federation"
    nonces: str = "fed-nonce"

    def names(self) -> tuple[str, str, str, str, str]:
        """The headers: from, to, timestamp, nonce, signature."""
        return tuple(f"{self.header}-{n}" for n in (  # type: ignore[return-value]
            "From", "To", "Timestamp", "Nonce", "Signature"))


FEDERATION_PROTOCOL = Protocol()


class NotTrusted(Exception):
    """Why a request or an answer is refused: `reason` is a code the edge puts in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Federation:
    """This library's identity and the peers it trusts (empty: federation off)."""

    identity: Identity | None
    peers: dict[str, Peer] = field(default_factory=dict)

    @property
    def on(self) -> bool:
        return self.identity is not None

    def peer(self, code: str) -> Peer | None:
        return self.peers.get(code)


@dataclass(frozen=True)
class Incoming:
    """A checked request: its sender, its nonce, and the algorithm of the registered key
    that verified it (the answer is signed with the same; None: the peer's of now)."""

    peer: Peer
    nonce: str
    algorithm: Algorithm | None = None


class Trust:
    def __init__(self, federation: Federation, redis: Redis | None, prefix: str,
                 protocol: Protocol = FEDERATION_PROTOCOL) -> None:
        """`redis` keeps the nonces seen: needed to answer requests, not to make them."""
        self.federation = federation
        self.redis = redis
        self.prefix = prefix
        self.protocol = protocol

    def _me(self) -> Identity:
        if self.federation.identity is None:
            raise NotTrusted("off")
        return self.federation.identity

    def sign_request(self, peer: Peer, method: str, path: str, body: bytes,
                     now: int) -> dict[str, str]:
        me = self._me()
        nonce = secrets.token_hex(16)
        text = request_text(method, path, me.code, peer.code, now, nonce, body,
                            self.protocol.version)
        h_from, h_to, h_time, h_nonce, h_signature = self.protocol.names()
        return {h_from: me.code, h_to: peer.code, h_time: str(now), h_nonce: nonce,
                h_signature: me.sign(text, peer.algorithm_at(now))}

    async def check_request(self, headers: Mapping[str, str], method: str, path: str,
                            body: bytes, now: int) -> Incoming:
        me = self._me()
        h_from, h_to, h_time, h_nonce, h_signature = self.protocol.names()
        sender = headers.get(h_from, "")
        peer = self.federation.peer(sender)
        if peer is None:
            raise NotTrusted("unknown_peer")
        if headers.get(h_to, "") != me.code:
            raise NotTrusted("not_for_us")
        try:
            timestamp = int(headers.get(h_time, ""))
        except ValueError:
            raise NotTrusted("bad_time") from None
        if abs(now - timestamp) > MAX_AGE:
            raise NotTrusted("stale")
        nonce = headers.get(h_nonce, "")
        if not 16 <= len(nonce) <= 64 or not nonce.isalnum():
            raise NotTrusted("bad_nonce")
        text = request_text(method, path, sender, me.code, timestamp, nonce, body,
                            self.protocol.version)
        algorithm = peer.verifies(text, headers.get(h_signature, ""), now)
        if algorithm is None:
            raise NotTrusted("bad_signature")
        # the nonce is spent only once the signature holds: a forger cannot burn real ones
        if self.redis is None:
            raise NotTrusted("off")
        fresh = await self.redis.set(f"{self.prefix}{self.protocol.nonces}:{sender}:{nonce}",
                                     "1",
                                     nx=True, ex=2 * MAX_AGE)
        if not fresh:
            raise NotTrusted("replayed")
        return Incoming(peer, nonce, algorithm)

    def sign_answer(self, incoming: Incoming, status: int, body: bytes) -> dict[str, str]:
        me = self._me()
        text = answer_text(status, incoming.nonce, me.code, incoming.peer.code, body,
                           self.protocol.version)
        h_from, _, _, _, h_signature = self.protocol.names()
        algorithm = incoming.algorithm or incoming.peer.algorithm_at(time.time())
        return {h_from: me.code, h_signature: me.sign(text, algorithm)}

    def check_answer(self, peer: Peer, nonce: str, status: int, headers: Mapping[str, str],
                     body: bytes, now: int | None = None) -> None:
        me = self._me()
        h_from, _, _, _, h_signature = self.protocol.names()
        if headers.get(h_from, "") != peer.code:
            raise NotTrusted("unknown_peer")
        text = answer_text(status, nonce, peer.code, me.code, body, self.protocol.version)
        if peer.verifies(text, headers.get(h_signature, ""), now) is None:
            raise NotTrusted("bad_signature")
