"""A draw's randomness: the committed seed and pools, the order, the audit anyone can run,
proofs of membership, and the administrator's weighting.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from typing import TYPE_CHECKING

from services.common.doors import lazy

if TYPE_CHECKING:
    from services.draws.randomness.service import DrawAudit, Weighting
    from services.draws.randomness.weighting import WEIGHT_MAX, WEIGHT_MIN

__all__ = [
    "WEIGHT_MAX",
    "WEIGHT_MIN",
    "DrawAudit",
    "Weighting",
]
__getattr__ = lazy(__name__, __file__)
