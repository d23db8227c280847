"""Federation (NDRC-26: sharing between libraries; FG-807: minimal use of expert data):
this library and the others it trusts — the signed protocol's keys and trust, the shared
directory of counts, and this library's desk reading another's directory.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.federation.ask_rosters import AskRosters
from services.federation.asking import AskView, PeerAsks
from services.federation.directory import SMALL, Cell, Directory, DirectoryReader
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
    PeerCounts,
    PeerDesk,
    PeerRead,
    PeerRefused,
    PeerUnavailable,
    PeerView,
)
from services.federation.trust import (
    FEDERATION_PROTOCOL,
    HEADER_FROM,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIME,
    HEADER_TO,
    MAX_AGE,
    Federation,
    Incoming,
    NotTrusted,
    Protocol,
    Trust,
)

__all__ = [
    "ACCEPT_MODES",
    "FEDERATION_PROTOCOL",
    "HEADER_FROM",
    "HEADER_NONCE",
    "HEADER_SIGNATURE",
    "HEADER_TIME",
    "HEADER_TO",
    "MAX_AGE",
    "SMALL",
    "AskRosters",
    "AskView",
    "BadKey",
    "Cell",
    "Counted",
    "Directory",
    "DirectoryReader",
    "Federation",
    "FeeTerms",
    "Identity",
    "Incoming",
    "Keys",
    "Lent",
    "NotTrusted",
    "Peer",
    "PeerAsks",
    "PeerCounts",
    "PeerDesk",
    "PeerLending",
    "PeerRead",
    "PeerRefused",
    "PeerUnavailable",
    "PeerView",
    "Protocol",
    "Trust",
]
