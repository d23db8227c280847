"""Federation (NDRC-26: sharing between libraries; FG-807: minimal use of expert data):
this library and the others it trusts — the signed protocol's keys and trust, the shared
directory of counts, and this library's desk reading another's directory.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.federation.algorithms import ED25519, SM2_SM3, Algorithm
from services.federation.ask_rosters import AskRosters
from services.federation.asking import AskView, PeerAsks
from services.federation.directory import SMALL, DirectoryReader
from services.federation.fee_terms import FeeTerms
from services.federation.keys import (
    ACCEPT_MODES,
    BadKey,
    Identity,
    Keys,
    Peer,
)
from services.federation.lending import Lent, PeerLending
from services.federation.peers import (
    Counted,
    Pace,
    PeerDesk,
    PeerRefused,
    PeerUnavailable,
)
from services.federation.trust import (
    MAX_AGE,
    Federation,
    Incoming,
    NotTrusted,
    Protocol,
    Trust,
)

__all__ = [
    "ACCEPT_MODES",
    "ED25519",
    "MAX_AGE",
    "SM2_SM3",
    "SMALL",
    "Algorithm",
    "AskRosters",
    "AskView",
    "BadKey",
    "Counted",
    "DirectoryReader",
    "Federation",
    "FeeTerms",
    "Identity",
    "Incoming",
    "Keys",
    "Lent",
    "NotTrusted",
    "Pace",
    "Peer",
    "PeerAsks",
    "PeerDesk",
    "PeerLending",
    "PeerRefused",
    "PeerUnavailable",
    "Protocol",
    "Trust",
]
