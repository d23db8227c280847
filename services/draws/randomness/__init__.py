"""A draw's randomness: the committed seed and pools, the order, the audit anyone can run,
proofs of membership, the administrator's weighting and how predictable a pool is.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.randomness.audit import DrawAudit
from services.draws.randomness.commit import Commitments
from services.draws.randomness.merkle import Merkle
from services.draws.randomness.pool_size import PoolSizes
from services.draws.randomness.proofs import Proofs
from services.draws.randomness.service import Randomness
from services.draws.randomness.weighting import WEIGHT_MAX, WEIGHT_MIN, Weighting

__all__ = [
    "WEIGHT_MAX",
    "WEIGHT_MIN",
    "Commitments",
    "DrawAudit",
    "Merkle",
    "PoolSizes",
    "Proofs",
    "Randomness",
    "Weighting",
]
