"""What an evaluation system posts once the evaluation is over: the bidders (the bid
opening's list), the score table (per expert, bidder and criterion; sealed at rest), the
events at the venue (迟到, 早退, …), and the proposals the library makes of them on experts'
performance records, each decided by the agency with a reason."""

from __future__ import annotations

from typing import Any, Literal

from tortoise import fields

from models.orm.base import Model
from models.orm.sealed_json import SealedJSONField

# RecordProposal.kind: a deviation of a total or a subjective criterion from the committee's
# median, an objective score that differs from the committee's, a leaning across
# evaluations, an event at the venue or in the evaluation system
ProposalKind = Literal["deviation", "objective", "leaning", "event"]
ProposalStatus = Literal["proposed", "confirmed", "dismissed"]


class EvaluationBidders(Model):
    """The bidders of an evaluation as its system declared them (at most one list, replaced
    until the score table is in)."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(unique=True)  # the evaluation (root activity)
    system_id = fields.BigIntField()
    bidders: list[dict[str, str]] = fields.JSONField(default=list)  # {"key", "name"}
    declared_at = fields.DatetimeField()

    class Meta:
        table = "evaluation_bidders"


class ScoreTable(Model):
    """One evaluation's score table, kept once: the scores sealed (SM4-GCM)."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(unique=True)  # the evaluation (root activity)
    system_id = fields.BigIntField()
    table_id = fields.CharField(max_length=40)  # the system's own id of the table
    body_hash = fields.CharField(max_length=64)  # the same table again is a replay
    criteria: list[dict[str, Any]] = fields.JSONField(default=list)
    # {"rows": JSON text of [[expert code, bidder key, criterion code, "value"], ...]}
    scores: dict[str, Any] = SealedJSONField(sealed=("rows",), default=dict)
    experts = fields.IntField()
    bidders = fields.IntField()
    threshold = fields.CharField(max_length=8)  # the deviation threshold applied, percent
    received_at = fields.DatetimeField()
    # the evaluation report signed (the system says so): no correction after (GPL-87-64)
    signed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "evaluation_score_table"


# ScoreCorrection.case: GPL-87 Art. 64's four cases in which a summed result may change
CorrectionCase = Literal["sum_error", "out_of_range", "objective_mismatch", "extreme"]


class ScoreCorrection(Model):
    """A corrected score table the evaluation system sent before the report was signed
    (GPL-87-64): its case, the committee's written reason, the whole table (sealed)
    and what it changed against the table before it; the table first kept stays as it was."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)  # the evaluation (root activity)
    system_id = fields.BigIntField()
    correction_id = fields.CharField(max_length=40)  # the system's own id of it
    case = fields.CharField(max_length=20)  # CorrectionCase
    reason = fields.CharField(max_length=500)  # the committee's written reason
    body_hash = fields.CharField(max_length=64)  # the same correction again is a replay
    # {"rows": JSON text of [[expert code, bidder key, criterion code, "value"], ...]}
    scores: dict[str, Any] = SealedJSONField(sealed=("rows",), default=dict)
    # {"rows": JSON text of [[expert, bidder, criterion, "before", "after"], ...]}
    changes: dict[str, Any] = SealedJSONField(sealed=("rows",), default=dict)
    changed = fields.IntField()  # how many scores it changed
    received_at = fields.DatetimeField()

    class Meta:
        table = "evaluation_score_correction"
        unique_together = (("activity_id", "correction_id"),)


class RecordProposal(Model):
    """A proposal on an expert's performance record for one evaluation: what stood out and
    by how much (`detail`), the agency's decision with its reason, and the conduct item or
    attendance mark a confirmed one puts on the record."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)  # the evaluation (root activity)
    invitation_id = fields.BigIntField()
    expert_id = fields.BigIntField(db_index=True)
    person_id = fields.BigIntField(db_index=True)
    kind = fields.CharField(max_length=12)  # ProposalKind
    detail: dict[str, Any] = fields.JSONField(default=dict)
    system_id = fields.BigIntField(null=True)  # who reported an event
    event_id = fields.CharField(max_length=40, null=True)  # the system's id of its event
    status = fields.CharField(max_length=12, default="proposed")  # ProposalStatus
    mark = fields.CharField(max_length=32, default="")  # late / left_early / a conduct code
    reason = fields.CharField(max_length=200, default="")
    decided_by = fields.BigIntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "evaluation_proposal"
        unique_together = (("system_id", "event_id"),)
        indexes = (("created_at", "id"),)


class ScoreObservation(Model):
    """What the analysis keeps of a score table beyond it, per expert and bidder: the
    expert's total against the committee's median, in percent of the maximum — the leaning
    across evaluations, the portrait and the statistics read these, never the scores."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)  # the evaluation (root activity)
    agency_id = fields.BigIntField()
    expert_id = fields.BigIntField(db_index=True)
    bidder = fields.CharField(max_length=40)  # the bidder's key (its credit code)
    percent = fields.DecimalField(max_digits=6, decimal_places=1)
    ranked_first = fields.BooleanField()  # the committee ranked this bidder first
    at = fields.DatetimeField()  # when the table came

    class Meta:
        table = "evaluation_observation"
        unique_together = (("activity_id", "expert_id", "bidder"),)


class ScoreReview(Model):
    """The agency's request that the committee re-check what stood out before it signs its
    report (GPL-87-64, Art. 45 (八)): the items, the agency's words, and its delivery to the
    evaluation system that posted the table (again after a backoff until acknowledged)."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)  # the evaluation (root activity)
    system_id = fields.BigIntField()
    number = fields.IntField()  # 1, 2, … within the evaluation
    # [{"expert": code, "kind": "deviation"|"objective", "bidder", "criterion", "value",
    # "median"}, …]: no name, no ID number
    items: list[dict[str, Any]] = fields.JSONField(default=list)
    reason = fields.CharField(max_length=200)
    asked_by = fields.BigIntField()
    asked_at = fields.DatetimeField()
    acked_at = fields.DatetimeField(null=True)  # the system said it received it
    tries = fields.IntField(default=0)
    next_at = fields.DatetimeField(null=True, db_index=True)
    last_error = fields.CharField(max_length=200, default="")

    class Meta:
        table = "evaluation_score_review"
        unique_together = (("activity_id", "number"),)
