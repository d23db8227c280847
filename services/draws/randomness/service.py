"""A draw's randomness as the outside uses it: the audit anyone can run, the commitments
published, an expert's proofs of membership, the administrator's weighting and how
predictable a pool is."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.randomness.audit import DrawAudit
from services.draws.randomness.commit import Commitments
from services.draws.randomness.merkle import Merkle
from services.draws.randomness.pool_size import PoolSizes
from services.draws.randomness.proofs import Proofs
from services.draws.randomness.weighting import Weighting


@dataclass(frozen=True, kw_only=True)
class Randomness:
    audit: DrawAudit = field(default_factory=DrawAudit)
    commit: Commitments = field(default_factory=Commitments)
    merkle: Merkle = field(default_factory=Merkle)
    proofs: Proofs = field(default_factory=Proofs)
    weighting: Weighting = field(default_factory=Weighting)
    pool_size: PoolSizes = field(default_factory=PoolSizes)
