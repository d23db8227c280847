"""This library's desk reading another's directory (docs/federation.md): which libraries it
trusts, and how many experts one of them could draw, by specialty and place — what an
administrator looks at before asking that library for experts for a 副场 there. The answer
is another library's words: it is read into capped, typed values, and an answer that breaks
the protocol is refused like a library that did not answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from services.common.errors import BadInput, Conflict, NotFound, Unavailable
from services.federation.keys import Peer
from services.federation.trust import Federation

ROWS_MAX = 5000  # cells of one answer read (a catalogue has some hundreds of specialties)
NAME_MAX = 64


class PeerUnavailable(Exception):
    """The peer did not answer, or not in time, or not as the protocol says."""


BACKOFF_MAX = timedelta(minutes=10)


@dataclass(frozen=True)
class Pace:
    """How this library's sweeps pace their calls to another (docs/federation.md, "The
    asking side's states"), from its settings (config/federation.py): `timeout`, the
    seconds an answer is waited for; `claim_margin`, the seconds beyond it a sweep holds a
    message while it sends it (another worker's sweep sends it only once the hold is over,
    and a process killed while sending resumes then: no hold outlives the call it guards
    by more); `retry`, the first wait after a call not answered; `poll`, how often a
    request taken is asked about again."""

    timeout: float = 10.0
    claim_margin: float = 20.0
    retry: float = 15.0
    poll: float = 20.0

    @property
    def claim(self) -> timedelta:
        """A sweep's hold on a message while it calls: the answer's timeout and the margin."""
        return timedelta(seconds=self.timeout + self.claim_margin)

    @property
    def poll_every(self) -> timedelta:
        return timedelta(seconds=self.poll)

    def retry_after(self, tries: int) -> timedelta:
        """How long to wait before calling a peer again after `tries` calls not answered
        (or refused for a reason that may pass): `retry`, doubled each time, at most 10
        minutes."""
        wait: timedelta = timedelta(seconds=self.retry) * 2 ** min(tries, 10)
        return min(wait, BACKOFF_MAX)


class PeerRefused(Exception):
    """The peer answered and said no: `reason` its code, `message` its words, `status` the
    HTTP status it said it with (400 the message is wrong, 404 unknown, 409 not in this
    state: a caller may try a 409 again later, never a 400)."""

    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
        self.status = status


class PeerRead(Protocol):
    async def __call__(self, peer: Peer, now: int, specialty: str,
                       region: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PeerView:
    code: str
    name: str


@dataclass(frozen=True)
class Counted:
    code: str
    name: str
    count: int | None  # None: fewer than three


@dataclass(frozen=True)
class PeerCounts:
    peer: PeerView
    as_of: str
    total: int | None
    asked: int | None
    by_specialty: list[Counted]
    by_region: list[Counted]


def _count(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**7:
        raise PeerUnavailable("a count that is not one")
    return value


def _cells(rows: Any) -> list[Counted]:
    if not isinstance(rows, list):
        raise PeerUnavailable("cells that are not a list")
    out = []
    for row in rows[:ROWS_MAX]:
        if not isinstance(row, dict):
            raise PeerUnavailable("a cell that is not an object")
        out.append(Counted(str(row.get("code", ""))[:16], str(row.get("name", ""))[:NAME_MAX],
                           _count(row.get("count"))))
    return out


def read_counts(peer: Peer, raw: dict[str, Any]) -> PeerCounts:
    return PeerCounts(PeerView(peer.code, peer.name), str(raw.get("as_of", ""))[:10],
                      _count(raw.get("total")), _count(raw.get("asked")),
                      _cells(raw.get("by_specialty", [])), _cells(raw.get("by_region", [])))


class PeerCall(Protocol):
    """A signed call to a peer (bot/providers/federation/client.py FederationClient.call)."""

    async def __call__(self, peer: Peer, method: str, path: str, now: int,
                       query: dict[str, str] | None = None,
                       data: dict[str, Any] | None = None) -> dict[str, Any]: ...


class PeerDesk:
    def __init__(self, federation: Federation, read: PeerRead | None = None,
                 call: PeerCall | None = None, pace: Pace | None = None) -> None:
        self.federation = federation
        self.read = read
        self.call = call  # the signed call, for draws asked of a peer
        self.pace = pace or Pace()

    @classmethod
    def off(cls) -> PeerDesk:
        return cls(Federation(None))

    def peers(self) -> list[PeerView]:
        return [PeerView(p.code, p.name) for p in self.federation.peers.values()]

    async def directory(self, code: str, now: datetime, specialty: str = "",
                        region: str = "") -> PeerCounts:
        """A peer's counts; refusals: federation off, no such peer, a bad place code, the
        peer refused or did not answer."""
        if not self.federation.on or self.read is None:
            raise Conflict("federation.off")
        peer = self.federation.peer(code)
        if peer is None:
            raise NotFound("federation.no_peer")
        if region and not (region.isdigit() and len(region) == 6):
            raise BadInput("federation.region", value=region[:16])
        try:
            return read_counts(peer, await self.read(peer, int(now.timestamp()), specialty,
                                                     region))
        except PeerRefused as exc:
            raise Unavailable("federation.refused", peer=peer.name,
                              said=exc.message[:200]) from None
        except PeerUnavailable:
            raise Unavailable("federation.unavailable", peer=peer.name) from None
