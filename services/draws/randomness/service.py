"""What the outside uses of a draw's randomness: the audit of a draw's record (by anyone,
`expertbot audit`), the commitments published, an expert's proofs of membership, and the
administrator's weighting of candidates (the engine's parts DrawEngine.audit, .weighting)."""

from __future__ import annotations

from services.draws.randomness.audit import audit, export_record, import_record, report_text
from services.draws.randomness.commit import published_roots
from services.draws.randomness.merkle import check_proof
from services.draws.randomness.proofs import memberships
from services.draws.randomness.weighting import (
    check_weights,
    draw_policy,
    set_draw_policy,
    weighted_words,
    weighting_said,
)


class DrawAudit:
    """A draw's record checked, exported and read back; its published roots and proofs."""

    audit = staticmethod(audit)
    export_record = staticmethod(export_record)
    import_record = staticmethod(import_record)
    report_text = staticmethod(report_text)
    published_roots = staticmethod(published_roots)
    check_proof = staticmethod(check_proof)
    memberships = staticmethod(memberships)


class Weighting:
    """The administrator's weighting of candidates by their standing, and its words."""

    check_weights = staticmethod(check_weights)
    draw_policy = staticmethod(draw_policy)
    set_draw_policy = staticmethod(set_draw_policy)
    weighted_words = staticmethod(weighted_words)
    weighting_said = staticmethod(weighting_said)
