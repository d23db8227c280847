"""The parties outside that vouch for who a person is: the real-name check at registration
(a provider compares the name with the ID number) and the province's unified identity
platform agencies sign in through.

A door of the people context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.people.verifiers.realname import RealNameCheck, Verdict
from services.people.verifiers.unified_identity import (
    IdentityPlatform,
    PlatformRefused,
    UnifiedIdentity,
    Verified,
)

__all__ = [
    "IdentityPlatform",
    "PlatformRefused",
    "RealNameCheck",
    "UnifiedIdentity",
    "Verdict",
    "Verified",
]
