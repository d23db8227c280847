"""A draw's randomness: the committed seed and pools, the order, the audit anyone can run,
proofs of membership, the administrator's weighting and how predictable a pool is.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.randomness.service import DrawAudit, Weighting
from services.draws.randomness.weighting import WEIGHT_MAX, WEIGHT_MIN

__all__ = [
    "WEIGHT_MAX",
    "WEIGHT_MIN",
    "DrawAudit",
    "Weighting",
]
