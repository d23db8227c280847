"""Federation (NDRC-26: sharing between libraries; FG-807: minimal use of expert data):
this library and the others it trusts — the signed protocol's keys and trust, the shared
directory of counts, and this library's desk reading another's directory.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.federation.asking import AskView, PeerAsks
from services.federation.codes import from_gb, gb_code
from services.federation.directory import SMALL, Cell, Directory, directory
from services.federation.fee_terms import hosted_terms
from services.federation.keys import (
    ACCEPT_MODES,
    BadKey,
    Identity,
    Peer,
    check_key,
    new_private_key,
    private_from_seed,
)
from services.federation.lending import Lent, PeerLending, read_request
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
    HEADER_FROM,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIME,
    HEADER_TO,
    MAX_AGE,
    Federation,
    Incoming,
    NotTrusted,
    Trust,
)

__all__ = [
    "ACCEPT_MODES",
    "HEADER_FROM",
    "HEADER_NONCE",
    "HEADER_SIGNATURE",
    "HEADER_TIME",
    "HEADER_TO",
    "MAX_AGE",
    "SMALL",
    "AskView",
    "BadKey",
    "Cell",
    "Counted",
    "Directory",
    "Federation",
    "Identity",
    "Incoming",
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
    "Trust",
    "check_key",
    "directory",
    "from_gb",
    "gb_code",
    "hosted_terms",
    "new_private_key",
    "private_from_seed",
    "read_request",
]
